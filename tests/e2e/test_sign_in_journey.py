from playwright.sync_api import expect

from tests.e2e.conftest import log_in, scroll_width


def test_a_customer_logs_in_switches_organization_and_logs_out(page):
    log_in(page, "main@acme.example")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(page.get_by_role("heading", name="Acme Cloud")).to_be_visible()

    page.get_by_label("Acting for").select_option(label="Umbrella Labs")
    page.get_by_role("button", name="Switch").click()
    expect(page.get_by_text("You are now acting for Umbrella Labs.")).to_be_visible()
    expect(page.get_by_role("heading", name="Umbrella Labs")).to_be_visible()
    expect(page.get_by_text("managed by Acme Cloud")).to_be_visible()

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    page.goto("/dashboard/")
    assert "/accounts/login/" in page.url


def test_staff_answer_the_totp_prompt_and_reach_staff_pages(page):
    log_in(page, "admin@opennebula.example")
    page.get_by_role("link", name="My partners", exact=True).click()
    expect(page.get_by_role("cell", name="Acme Cloud")).to_be_visible()
    page.get_by_role("link", name="Outbox", exact=True).click()
    expect(page.get_by_role("heading", name="Outbox")).to_be_visible()


def test_a_technical_contact_is_not_offered_the_people_page(page):
    log_in(page, "tech1@globex.example")
    expect(page.get_by_role("link", name="People")).to_have_count(0)
    response = page.goto("/organization/people/")
    assert response.status == 404


def test_the_dashboard_works_at_phone_width(phone_page):
    log_in(phone_page, "main@globex.example")
    width = scroll_width(phone_page)
    assert width <= 390, f"page is {width}px wide at a 390px viewport"
    expect(phone_page.get_by_role("link", name="People", exact=True)).to_be_visible()
    phone_page.screenshot(path="var/phone-dashboard.png", full_page=True)
