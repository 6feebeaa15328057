"""Every page of the portal, as the role that may see it, passes axe-core in headless Chromium.

RGAA 4.1 / WCAG 2.1 AA: no violation of impact "serious" or "critical" on any page, at a desktop width
and at 320 CSS pixels (WCAG 1.4.10, reflow: where tables start to scroll). axe-core is the copy bundled
in the axe-playwright-python package, injected into each page with `page.evaluate`: nothing is fetched
from a CDN.

Pages are found by following the links each role is shown, from its start pages, so every id is a
real demo object's; a few steps before create what some pages need (a dossier, a document and a
request to review, an invitation to activate) and show the forms with their errors. The last test
checks that every route of the two URL confs was audited, or is in NOT_AUDITED with the reason.
"""

import functools
import http.client
import re
from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.conftest import Portal, log_in, read_mailbox
from tests.samples import pdf_bytes

AXE = Axe()
BLOCKING = {"serious", "critical"}
DESKTOP = {"width": 1280, "height": 900}
NARROW = {"width": 320, "height": 640}  # WCAG 1.4.10: the content reflows at 320 CSS pixels
URLCONFS = {"tenant": "config.urls_tenant", "public": "config.urls_public"}
NEWCOMER = "axe.nouvelle-famille@example.test"
NEWCOMER_PASSWORD = "Un-mot-de-passe-solide-2026"
OPERATOR = "operateur@portail-famille.test"
# allauth's pages no link leads to (or only a form's answer does), on a commune's portal and on the platform.
ACCOUNT_PAGES_ANONYMOUS = (
    "/compte/inactive/",
    "/compte/confirm-email/",
    "/compte/password/reset/done/",
    "/compte/password/reset/key/done/",
)
ACCOUNT_PAGES_SIGNED_IN = ("/compte/email/", "/compte/password/change/", "/compte/reauthenticate/", "/compte/logout/")

# Routes of the URL confs that are not pages (or not ours), and why. Everything else must be audited.
NOT_AUDITED = {
    "branding_logo": "the commune's logo, an image",
    "storage:download": "a document's file (PDF, JPEG, PNG), sent as a download",
    "console:commune_catalog_export": "a JSON file, sent as a download",
    "healthz": "the load balancer's JSON probe",
    "api_schema": "the OpenAPI document (YAML)",
    "api_docs": "Swagger UI: third-party markup built in the browser by swagger-ui's script "
    "(drf-spectacular-sidecar), for developers; none of it comes from our templates",
    "api/v1/": "the JSON API: no HTML page (JSON is its only renderer, a browser too gets JSON); its answers are "
    "checked against the OpenAPI schema by schemathesis in tests/test_api_contract.py",
    "admin/": "the Django admin for power users: Django's own templates (third-party)",
    "set_language": "POST only: the footer's language buttons, redirected back to the page",
    "families:pickup_add": "POST only: the child page's form, redirected back to the child page",
    "families:pickup_remove": "POST only: a button of the child page, redirected back to it",
    "families_staff:child_link": "POST only: a button of the household file, redirected back to it",
    "families_staff:request_child_match": "POST only: a button of a child request, redirected to the household file",
    "families_staff:counter_start": "POST only: the household file's button, redirected to the family's dashboard",
    "families_staff:counter_stop": "POST only: the counter banner's button, redirected to the household file",
    "reservations:attestation": "the attestation d'inscription, a PDF sent as a download",
    "reservations_staff:allocation": "a window allocating by draw: the demo's is Vallet's, this audit logs in "
    "at Le Pallet; tests/e2e/test_allocation.py runs axe on it",
    "reservations:waiting_list_join": "linked from a full day only, and the demo has none: "
    "tests/e2e/test_waiting_list.py fills a Wednesday and runs axe on this page",
    "reservations_staff:attestation": "the attestation d'inscription, a PDF sent as a download",
    "reservations_staff:absence": "linked from the absences to decide, and the demo reports none: "
    "tests/e2e/test_absences.py reports one and runs axe on this page",
    "reservations_staff:closure": "linked from the closures list once a day is closed, and the demo closes none: "
    "tests/e2e/test_closures.py closes one and runs axe on this page (and on the closure's preview)",
    "console:commune_status": "POST only: the commune list's buttons, redirected back to the list",
    "account_set_password": "redirects to the password change page: only accounts without a password see it, "
    "and those cannot log in (they activate their account through account_activate)",
    "account_confirm_login_code": "login by e-mailed code is not enabled: redirects to the login page",
}

AUDITED: dict[tuple[str, str], str] = {}  # (urlconf, route name) -> the URL where it was audited
FINISHED: set[str] = set()


def urlconf_of(url: str) -> str:
    return "public" if urlsplit(url).hostname == "localhost" else "tenant"


def route_of(url: str) -> tuple[str, str, dict] | None:
    """(urlconf, route name, kwargs) of a portal URL; None if it is not one of the URL confs' routes."""
    conf = urlconf_of(url)
    try:
        match = resolve(urlsplit(url).path, urlconf=URLCONFS[conf])
    except Resolver404:
        return None
    return conf, match.view_name, match.kwargs


@functools.cache
def all_routes(conf: str) -> frozenset[tuple[str, str]]:
    """(route name, pattern) of every route of a URL conf, with its namespaces."""

    def walk(patterns, prefix: str, namespace: str):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                yield f"{namespace}{pattern.name}", prefix + str(pattern.pattern)

    return frozenset(walk(get_resolver(URLCONFS[conf]).url_patterns, "", ""))


def not_audited_reason(name: str, pattern: str) -> str | None:
    return NOT_AUDITED.get(name) or next((why for p, why in NOT_AUDITED.items() if pattern.startswith(p)), None)


def describe(violation: dict, url: str, width: int) -> str:
    lines = [f"[{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})"]
    lines.append(f"  page: {url} at {width}px")
    for node in violation["nodes"]:
        summary = (node.get("failureSummary") or "").replace("\n", " ")
        lines.append(f"  - {' > '.join(str(t) for t in node['target'])}: {summary}")
    return "\n".join(lines)


class Audit:
    """One role's browser context, the pages it audited and what axe found on them."""

    def __init__(self, browser: Browser, portal: Portal, role: str):
        self.portal, self.role = portal, role
        self.context: BrowserContext = browser.new_context(locale="fr-FR", viewport=DESKTOP)
        self.page: Page = self.context.new_page()
        self.findings: list[str] = []
        self.notes: list[str] = []
        self.audited: list[str] = []

    def close(self) -> None:
        self.context.close()

    def check(self, state: str = "") -> None:
        """Run axe on the page as it is shown, wide then narrow; keep the serious and critical violations."""
        page = self.page
        for viewport in (DESKTOP, NARROW):
            page.set_viewport_size(viewport)
            for violation in AXE.run(page).response["violations"]:
                if violation["impact"] in BLOCKING:
                    self.findings.append(describe(violation, f"{page.url} {state}".strip(), viewport["width"]))
        page.set_viewport_size(DESKTOP)
        self.audited.append(f"{page.url} {state}".strip())
        route = route_of(page.url)
        if route:
            AUDITED.setdefault(route[:2], page.url)

    def visit(self, url: str, status: int = 200) -> None:
        response = self.page.goto(url)
        assert response.status == status, f"{self.role}: {url} answered {response.status}, not {status}"
        self.check()

    def crawl(self, *starts: str, within: str = "/", tolerate: tuple[int, ...] = ()) -> None:
        """Audit every page reachable by links from `starts` on the same host under `within`, once per route.

        A route is one page whatever its ids (the first link found gives them); the catalogue's
        sections, one form each, count one per section.
        """
        host = urlsplit(starts[0]).netloc
        queue, done = deque(starts), set()
        while queue:
            url = urldefrag(queue.popleft())[0]
            route = route_of(url)
            if urlsplit(url).netloc != host or not urlsplit(url).path.startswith(within) or route is None:
                continue
            conf, name, kwargs = route
            pattern = next((p for n, p in all_routes(conf) if n == name), "")
            key = (name, kwargs.get("section"))
            if key in done or not_audited_reason(name, pattern):
                continue
            done.add(key)
            response = self.page.goto(url)
            if response.status in tolerate:
                self.notes.append(f"{self.role}: {url} answered {response.status}, not audited")
                continue
            assert response.status == 200, f"{self.role}: {url} answered {response.status}"
            landed = route_of(self.page.url)
            if landed and (landed[1], landed[2].get("section")) in done - {key}:
                continue  # redirected to a page already audited
            if landed:
                done.add((landed[1], landed[2].get("section")))
            self.check()
            queue.extend(self.page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"))

    def assert_clean(self) -> None:
        print(f"{self.role}: {len(self.audited)} pages audited", *self.audited, *self.notes, sep="\n  ")
        assert not self.findings, (
            f"{len(self.findings)} serious or critical accessibility violations as {self.role}:\n\n"
            + "\n\n".join(self.findings)
        )


@pytest.fixture
def audit(browser: Browser, portal: Portal):
    audits: list[Audit] = []

    def open_audit(role: str) -> Audit:
        audits.append(Audit(browser, portal, role))
        return audits[-1]

    yield open_audit
    for each in audits:
        each.close()


def last_link(portal: Portal, pattern: str) -> str:
    links = re.findall(pattern, "\n".join(body for _subject, body in read_mailbox(portal)))
    assert links, f"no e-mail with {pattern}"
    return links[-1]


def submit(page: Page, *, empty: bool = False) -> None:
    """Press the main form's last button and wait for the page it loads.

    `empty`: past the browser's own checks, to show the server's errors. Waiting matters: axe run
    while the answer is still loading finds no document and fails.
    """
    button = page.locator("main form:not(.inline):not(.inline-form) button[type=submit]").last
    if empty:
        button.evaluate("button => { button.form.noValidate = true; }")
    with page.expect_navigation():
        button.click()


def pdf(name: str = "attestation.pdf") -> dict:
    return {"name": name, "mimeType": "application/pdf", "buffer": pdf_bytes()}


def test_anonymous_pages(audit, portal: Portal):
    visitor = audit("anonymous")
    page = visitor.page
    visitor.crawl(portal.url("lepallet", "/"))
    visitor.crawl(portal.url("", "/"))
    for slug in ("lepallet", ""):
        for path in ACCOUNT_PAGES_ANONYMOUS:
            visitor.visit(portal.url(slug, path))
    visitor.visit(portal.url("", "/compte/signup/"))  # closed on the platform: operators are created, not signed up
    visitor.visit(portal.url("", "/compte/confirm-email/une-cle-perimee/"))  # the answer to a stale link
    for slug in ("vallet", "lutinville"):  # the other demo communes' colours
        visitor.visit(portal.url(slug, "/"))
    page.goto(portal.url("lepallet", "/compte/login/code/confirm/"))  # not a page here: see NOT_AUDITED
    expect(page).to_have_url(portal.url("lepallet", "/compte/login/"))

    # A failed login, then a password reset up to the new password form.
    page.goto(portal.url("lepallet", "/compte/login/"))
    page.fill("input[name=login]", "parent@lepallet.test")
    page.fill("input[name=password]", "pas-le-bon-mot-de-passe")
    page.click("main button[type=submit]")
    expect(page.locator("main")).to_contain_text("incorrect")
    visitor.check("(wrong password)")
    page.goto(portal.url("lepallet", "/compte/password/reset/"))
    submit(page, empty=True)
    visitor.check("(empty)")
    page.fill("input[name=email]", "parent@lepallet.test")
    submit(page)
    expect(page).to_have_url(portal.url("lepallet", "/compte/password/reset/done/"))
    visitor.visit(last_link(portal, r"http://lepallet\.localhost:\d+/compte/password/reset/key/\S+"))
    expect(page.locator("input[name=password1]")).to_be_visible()
    page.goto(portal.url("", "/compte/password/reset/"))
    page.fill("input[name=email]", OPERATOR)
    submit(page)
    expect(page).to_have_url(portal.url("", "/compte/password/reset/done/"))
    visitor.visit(last_link(portal, r"http://localhost:\d+/compte/password/reset/key/\S+"))
    expect(page.locator("input[name=password1]")).to_be_visible()

    # The landing page's contact form: refused empty, then sent (the operator reads it in the console).
    page.goto(portal.url("", "/"))
    submit(page, empty=True)
    visitor.check("(empty)")
    page.fill("#id_name", "Claire Martin")
    page.fill("#id_organisation", "Mairie de Mouzillon")
    page.fill("#id_email", "claire.martin@example.test")
    page.fill("#id_message", "Nous aimerions une démonstration du portail.")
    submit(page)
    expect(page.locator(".messages")).to_contain_text("Merci")
    visitor.check("(sent)")

    # Pages outside the URL confs: an unknown host, and the answer to an oversized upload.
    visitor.visit(portal.url("inconnue", "/"), status=404)
    connection = http.client.HTTPConnection("127.0.0.1", portal.port, timeout=10)
    connection.putrequest("POST", "/famille/documents/", skip_host=True)
    connection.putheader("Host", f"lepallet.localhost:{portal.port}")
    connection.putheader("Content-Length", str(60 * 1024 * 1024))  # refused from the headers alone
    connection.putheader("Connection", "close")
    connection.endheaders()
    answer = connection.getresponse()
    assert answer.status == 413
    too_large = answer.read1(65536)  # the server waits for the body it refused: no end of stream
    connection.close()
    url = portal.url("lepallet", "/famille/documents/trop-gros")
    page.route(url, lambda route: route.fulfill(status=413, body=too_large, content_type="text/html"))
    visitor.visit(url, status=413)

    visitor.assert_clean()
    FINISHED.add("anonymous")


def test_a_new_family_signs_up(audit, portal: Portal):
    newcomer = audit("newcomer")
    page = newcomer.page
    page.goto(portal.url("lepallet", "/compte/signup/"))
    submit(page, empty=True)
    newcomer.check("(empty)")
    page.fill("input[name=email]", NEWCOMER)
    page.fill("input[name=password1]", NEWCOMER_PASSWORD)
    page.fill("input[name=password2]", NEWCOMER_PASSWORD)
    submit(page)
    expect(page).to_have_url(portal.url("lepallet", "/compte/confirm-email/"))
    newcomer.check("(after signing up)")
    newcomer.visit(last_link(portal, r"http://lepallet\.localhost:\d+/compte/confirm-email/\S+"))
    submit(page)
    log_in(page, portal, "lepallet", NEWCOMER, NEWCOMER_PASSWORD)
    expect(page).to_have_url(portal.url("lepallet", "/famille/creer/"))
    newcomer.check()
    submit(page, empty=True)
    newcomer.check("(empty)")
    newcomer.assert_clean()
    FINISHED.add("newcomer")


def test_parent_pages(audit, portal: Portal):
    parent = audit("parent")
    page = parent.page
    log_in(page, portal, "lepallet", "parent@lepallet.test")
    # The dossier is not started yet: the crawl sees its first state.
    parent.crawl(portal.url("lepallet", "/"))
    for path in ACCOUNT_PAGES_SIGNED_IN:
        parent.visit(portal.url("lepallet", path))
    page.goto(portal.url("lepallet", "/compte/password/set/"))  # not a page for this account: see NOT_AUDITED
    expect(page).to_have_url(portal.url("lepallet", "/compte/password/change/"))

    # Forms with their errors.
    for path in ("/famille/enfants/ajouter/", "/famille/quotient/", "/famille/responsables/inviter/"):
        page.goto(portal.url("lepallet", path))
        submit(page, empty=True)
        expect(page.locator(".form-errors")).to_be_visible()
        parent.check("(empty)")

    # What the mairie reviews next: a document, a QF change and a dossier.
    page.goto(portal.url("lepallet", "/famille/documents/"))
    page.locator("main input[type=file]").set_input_files(pdf("attestation-caf.pdf"))
    submit(page)
    expect(page.locator(".messages")).to_contain_text("Document envoyé")
    parent.check("(sent)")
    page.goto(portal.url("lepallet", "/famille/quotient/"))
    page.fill("#id_qf", "640")
    page.fill("#id_valid_from", "2026-01-01")
    page.locator("#id_proof").set_input_files(pdf("quotient.pdf"))
    submit(page)
    expect(page.locator(".messages")).to_contain_text("quotient familial est transmis")
    parent.check("(QF sent)")
    page.goto(portal.url("lepallet", "/famille/"))
    page.get_by_role("link", name="Léa Démo").click()
    page.get_by_role("link", name=re.compile(r"^Dossier \d{4}-\d{4}$")).click()
    page.get_by_role("button", name="Commencer le dossier").click()
    expect(page.get_by_role("button", name="Transmettre à la mairie")).to_be_visible()
    parent.check("(draft)")
    for field in page.locator("main input[type=file]").all():
        field.set_input_files(pdf())
    for group in page.locator("main fieldset:has(input[type=radio])").all():
        group.locator("input[type=radio]").first.check()
    for box in page.locator("main input[type=checkbox]").all():
        box.check()
    page.get_by_role("button", name="Transmettre à la mairie").click()
    expect(page.locator(".messages")).to_contain_text("Dossier transmis à la mairie.")
    parent.check("(submitted)")

    # An enrolment request with its errors, then sent: the mairie's crawl finds it waiting. Then what the
    # child's page offers for it (a new typical week, withdrawing it; the same page ends a validated one
    # after its preview, which tests/e2e/test_enrolment.py audits).
    page.goto(portal.url("lepallet", "/famille/"))
    page.get_by_role("link", name="Léa Démo").click()
    page.get_by_role("link", name="Inscrire à un service").click()
    page.get_by_role("link", name="Restaurant scolaire").click()
    page.get_by_role("radio", name="Une semaine sur deux").check()
    submit(page, empty=True)
    expect(page.locator(".form-errors")).to_be_visible()
    parent.check("(empty)")
    page.get_by_role("radio", name="Chaque semaine").check()
    page.get_by_role("group", name="Lundi", exact=True).get_by_label("Repas").check()
    submit(page)
    expect(page.locator(".messages")).to_contain_text("Demande d’inscription envoyée")
    parent.check("(enrolment sent)")
    with page.expect_navigation():
        page.get_by_role("link", name="Changer la semaine type — Restaurant scolaire").click()
    parent.check()
    page.go_back()
    page.get_by_role("link", name="Retirer la demande — Restaurant scolaire").click()
    expect(page.get_by_role("button", name="Retirer la demande")).to_be_visible()  # not pressed: staff review it
    parent.check("(withdrawal)")

    parent.assert_clean()
    FINISHED.add("parent")


def test_administrator_pages(audit, portal: Portal):
    agent = audit("administrator")
    page = agent.page
    log_in(page, portal, "lepallet", "mairie@lepallet.test")
    agent.crawl(portal.url("lepallet", "/"))

    # Forms with their errors.
    for path in ("/gestion/catalogue/prestations/nouvelle/", "/gestion/catalogue/sites/nouveau/", "/gestion/equipe/"):
        page.goto(portal.url("lepallet", path))
        submit(page, empty=True)
        expect(page.locator(".form-errors")).to_be_visible()
        agent.check("(empty)")

    # A household opened at the counter; the parent activates the account from the e-mail.
    page.goto(portal.url("lepallet", "/gestion/familles/foyers/nouveau/"))
    submit(page, empty=True)
    expect(page.locator(".form-errors")).to_be_visible()
    agent.check("(empty)")
    for field, value in {
        "name": "Famille Bernard",
        "first_name": "Sami",
        "last_name": "Bernard",
        "email": "sami.bernard@example.test",
        "phone": "06 11 22 33 44",
        "address": "3 rue des Vignes",
        "postcode": "44330",
        "city": "Le Pallet",
    }.items():
        page.fill(f"#id_{field}", value)
    submit(page)
    expect(page.locator(".messages")).to_contain_text("Foyer créé")
    agent.check("(created at the counter)")
    invited = audit("invited parent")
    invited.visit(last_link(portal, r"http://lepallet\.localhost:\d+/compte/activation/\S+"))
    expect(invited.page.locator("input[name=password1]")).to_be_visible()
    invited.assert_clean()

    # Pages with nothing in them: at Vallet no request, dossier or document waits for the mairie.
    quiet = audit("administrator of Vallet")
    log_in(quiet.page, portal, "vallet", "mairie@vallet.test")
    quiet.visit(portal.url("vallet", "/gestion/familles/"))
    expect(quiet.page.locator("main")).to_contain_text("Rien en attente.")
    quiet.assert_clean()

    agent.assert_clean()
    FINISHED.add("administrator")


def test_counter_pages(audit, portal: Portal):
    """An agent acts for the demo family at the counter: the family's pages, under the counter banner."""
    counter = audit("counter")
    page = counter.page
    log_in(page, portal, "lepallet", "mairie@lepallet.test")
    page.goto(portal.url("lepallet", "/gestion/familles/"))
    page.get_by_role("link", name="Famille Démo").first.click()
    page.get_by_role("button", name=re.compile("^Agir pour cette famille")).click()
    expect(page.locator(".counter-banner")).to_be_visible()
    # The counter may refuse some family pages (by design or not yet supported): noted, not audited.
    counter.crawl(page.url, within="/famille/", tolerate=(403, 404))
    page.goto(portal.url("lepallet", "/famille/"))
    page.get_by_role("button", name="Terminer").click()
    counter.assert_clean()
    FINISHED.add("counter")


def test_operator_pages(audit, portal: Portal):
    operator = audit("operator")
    page = operator.page
    log_in(page, portal, "", OPERATOR)
    operator.crawl(portal.url("", "/console/"))
    for path in ACCOUNT_PAGES_SIGNED_IN:
        operator.visit(portal.url("", path))

    for path in ("/console/communes/nouvelle/", "/console/communes/lepallet/catalogue/"):
        page.goto(portal.url("", path))
        submit(page, empty=True)
        expect(page.locator(".form-errors, .errorlist").first).to_be_visible()
        operator.check("(empty)")

    # A suspended commune's maintenance page, then the commune is reactivated.
    page.goto(portal.url("", "/console/"))
    page.get_by_role("button", name="Suspendre Lutinville").click()
    expect(page.get_by_role("button", name="Réactiver Lutinville")).to_be_visible()
    try:
        visitor = audit("visitor of a suspended commune")
        visitor.visit(portal.url("lutinville", "/"), status=503)
        operator.check("(after suspending)")
    finally:
        page.get_by_role("button", name="Réactiver Lutinville").click()
    expect(page.locator(".messages")).to_contain_text("Lutinville")
    visitor.assert_clean()

    operator.assert_clean()
    FINISHED.add("operator")


def test_every_page_of_the_url_confs_was_audited():
    roles = {"anonymous", "newcomer", "parent", "administrator", "counter", "operator"}
    if roles != FINISHED:
        pytest.skip(f"needs every role's test to pass in the same run (missing: {sorted(roles - FINISHED)})")
    missing = sorted(
        f"{conf} {name} ({pattern})"
        for conf in URLCONFS
        for name, pattern in all_routes(conf)
        if (conf, name) not in AUDITED and not not_audited_reason(name, pattern)
    )
    assert not missing, "routes no role reached (link them, audit them or say why in NOT_AUDITED):\n" + "\n".join(
        missing
    )
