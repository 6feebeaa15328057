"""Swagger UI (/api/docs/): "Try it out" writes through the API, under the site's CSP (no inline script)."""

import re

from playwright.sync_api import Page

from tests.e2e.conftest import Portal, log_in


def test_swagger_ui_patches_with_the_csrf_token_of_the_signed_in_session(page: Page, portal: Portal):
    # The page is public: opened before signing in (here in another tab), the token it was written with is
    # the anonymous one, which signing in rotates. The request must carry the session's token.
    page.goto(portal.url("lepallet", "/api/docs/"))
    log_in(page.context.new_page(), portal, "lepallet", "parent@lepallet.test")
    child = page.evaluate("fetch('/api/v1/families/children').then((answer) => answer.json())")["results"][0]

    operation = page.locator(".opblock-patch", has_text="/api/v1/families/children/{id}")
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.locator("input[placeholder=id]").fill(str(child["id"]))
    operation.locator("textarea.body-param__text").fill('{"allergies": "arachide"}')
    with page.expect_response(re.compile(rf"/api/v1/families/children/{child['id']}$")) as answer:
        operation.get_by_role("button", name="Execute").click()

    cookies = {cookie["name"]: cookie["value"] for cookie in page.context.cookies()}
    assert answer.value.request.method == "PATCH"
    assert answer.value.request.headers["x-csrftoken"] == cookies["csrftoken"]
    assert answer.value.status == 200, answer.value.text()
    assert answer.value.json()["allergies"] == "arachide"
