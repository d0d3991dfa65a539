"""Forms with errors are valid HTML, pass axe, and tie each error to its input.

The crawl of `make check` only GETs pages, so it never sees a form with errors;
this test submits one (allauth's signup, rendered by templates/allauth/elements/).
"""

import pytest

from quality import axe, vnu

pytestmark = pytest.mark.browser


def test_signup_errors_are_tied_to_their_inputs(axe_page, live_server, transactional_db):
    page = axe_page
    page.goto(f"{live_server.url}/accounts/signup/")
    page.get_by_label("Email").fill("new@example.com")
    page.locator("#id_password1").fill("short")
    page.locator("#id_password2").fill("different")
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Sign Up").click()
    html = navigation.value.text()

    errors, _ = vnu.check_documents({"signup with errors": html})
    assert errors == []
    failing, _ = axe.findings("signup with errors", axe.run(page))
    assert failing == []

    invalid = page.locator("input[aria-invalid=true]")
    assert invalid.count() >= 1
    for index in range(invalid.count()):
        described_by = invalid.nth(index).get_attribute("aria-describedby").split()
        error_ids = [i for i in described_by if i.endswith("_error")]
        assert error_ids, described_by
        assert page.locator(f"#{error_ids[0]} li").count() >= 1
