"""In headless Chromium: a parent turns the mairie's decisions off on their account page; the decision on
their address change is not e-mailed, a password reset still is, and staff read both on the family file."""

import re

from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import Portal, log_in, read_mailbox

PARENT = "parent@lepallet.test"


def test_a_parent_turns_one_kind_off_and_still_gets_the_others(browser: Browser, page: Page, portal: Portal):
    log_in(page, portal, "lepallet", PARENT)
    already = len(read_mailbox(portal))  # the demo's own e-mails
    page.get_by_role("link", name="Mon compte").click()
    receive = page.get_by_role("group", name="E-mails que vous choisissez de recevoir")
    receive.get_by_label("Décision sur une demande").uncheck()
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".messages")).to_contain_text("Vos préférences sont enregistrées.")
    expect(receive.get_by_label("Décision sur une demande")).not_to_be_checked()
    expect(receive.get_by_label("Document refusé")).to_be_checked()
    expect(page.locator("main")).to_contain_text("Dossier à corriger — toujours envoyé : il annonce une échéance")

    page.goto(portal.url("lepallet", "/famille/adresse/"))
    page.get_by_role("textbox", name="Adresse").fill("12 rue de la Loire")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".messages")).to_be_visible()

    agent = browser.new_context(locale="fr-FR").new_page()
    log_in(agent, portal, "lepallet", "mairie@lepallet.test")
    agent.goto(portal.url("lepallet", "/gestion/familles/"))
    agent.get_by_role("link", name=re.compile("^Examiner Adresse et résidence")).first.click()
    agent.get_by_label("Valider").check()
    agent.get_by_role("button", name="Enregistrer la décision").click()
    expect(agent.locator(".messages")).to_be_visible()

    # A password reset is a security e-mail: always sent.
    page.context.clear_cookies()
    page.goto(portal.url("lepallet", "/compte/password/reset/"))
    page.locator("input[name=email]").fill(PARENT)
    page.locator("main button[type=submit]").click()
    expect(page).to_have_url(re.compile("/compte/password/reset/done/"))

    subjects = [subject for subject, _body in read_mailbox(portal)[already:]]
    assert subjects == ["[Le Pallet] E-mail de réinitialisation de mot de passe"], subjects

    agent.get_by_role("link", name=re.compile("Famille Démo")).first.click()
    emails = agent.get_by_role("region", name="E-mails envoyés")
    expect(emails).to_contain_text("non envoyé : désactivé par le destinataire")
    expect(emails).to_contain_text("Réinitialisation du mot de passe")
    expect(emails).to_contain_text(PARENT)
