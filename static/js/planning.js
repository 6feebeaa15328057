"use strict";
// The planning, with JavaScript: ticking a box posts the form as its button would, then updates the
// ticked days' states and the basket's count in place from the page the server answers, and the live
// region says what changed. Without JavaScript the button does the same with a page load.
(() => {
  const form = document.querySelector("form.planning");
  const live = document.getElementById("planning-basket");
  if (!form || !live || !window.fetch || !window.DOMParser) return;

  let sending = false;
  let again = false;

  const cellOf = (root, value) =>
    root.querySelector(`input[name="u"][value="${CSS.escape(value)}"]`)?.closest("label");

  const refresh = (page) => {
    form.querySelectorAll('input[name="u"]').forEach((box) => {
      const mine = box.closest("label");
      const theirs = cellOf(page, box.value);
      if (!mine || !theirs) return;
      mine.className = theirs.className;
      const fresh = theirs.querySelector('input[name="u"]');
      // A box the parent ticked again meanwhile keeps their choice: the next post sends it.
      if (!again) box.checked = fresh.checked;
      box.disabled = fresh.disabled;
      for (const part of [".state", "small"]) {
        const old = mine.querySelector(part);
        const next = theirs.querySelector(part);
        if (old && next) old.replaceWith(next);
        else if (old) old.remove();
        else if (next) mine.append(next);
      }
    });
    const said = [...page.querySelectorAll(".messages .message")].map((p) => p.textContent.trim());
    const count = page.getElementById("planning-basket");
    if (count) live.innerHTML = count.innerHTML;
    if (said.length) live.prepend(`${said.join(" ")} `);
  };

  const send = async () => {
    if (sending) {
      again = true;
      return;
    }
    sending = true;
    form.setAttribute("aria-busy", "true");
    try {
      const answer = await fetch(form.action || window.location.href, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
      });
      if (!answer.ok) throw new Error(String(answer.status));
      // Only its states are read: the answer's branding <style> (another nonce) would be reported as a
      // CSP violation of this page were it parsed.
      const text = (await answer.text()).replace(/<style\b[^>]*>[^<]*<\/style>/gi, "");
      refresh(new DOMParser().parseFromString(text, "text/html"));
    } catch (error) {
      live.textContent = form.dataset.failed || "";
    } finally {
      sending = false;
      form.removeAttribute("aria-busy");
      if (again) {
        again = false;
        send();
      }
    }
  };

  form.addEventListener("change", (event) => {
    if (event.target.matches('input[name="u"]')) send();
  });
})();
