"""The Django admin and the API's answers run under the site's Content-Security-Policy, refused nothing.

Every test here fails on a violation (conftest's `_no_csp_violation`). The admin used to get django_tenants'
own index and app list templates, with an inline <style> and style="" attributes the CSP refused on every
admin page: config/settings.py now puts Django's admin templates first.
"""

from urllib.parse import urljoin

from playwright.sync_api import Page, expect

from tests.e2e.conftest import Portal

POWER_USER = "admin-e2e@lepallet.test"
PASSWORD = "Un-mot-de-passe-solide-2026"


def test_every_admin_page_of_a_commune_runs_under_the_csp(page: Page, portal: Portal):
    create = f"from accounts.models import User; User.objects.create_superuser({POWER_USER!r}, {PASSWORD!r})"
    portal.manage("tenant_command", "shell", "--schema", "lepallet", "--command", create)
    page.goto(portal.url("lepallet", "/admin/login/"))
    page.fill("input[name=username]", POWER_USER)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    expect(page).to_have_url(portal.url("lepallet", "/admin/"))  # the login page has a #content-main too
    expect(page.locator("#content-main")).to_be_visible()

    # Every list and add page the index links to, then the first object of each list.
    links = page.eval_on_selector_all("#content-main a", "(links) => links.map((link) => link.href)")
    for url in dict.fromkeys(links):
        page.goto(url)
        first = page.locator("#result_list tbody th a").first
        if first.count():
            page.goto(urljoin(page.url, first.get_attribute("href")))
    assert len(links) > 10


def test_the_api_answers_in_a_browser_run_under_the_csp(page: Page, portal: Portal):
    for path in ("/api/v1/catalog/services", "/api/v1/families/household", "/api/v1/catalog/nowhere"):
        page.goto(portal.url("lepallet", path))  # JSON: Chromium shows it, refused nothing
        expect(page.locator("body")).to_contain_text('"code"')
