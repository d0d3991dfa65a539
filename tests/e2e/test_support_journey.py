"""Issue 6 §9: tech1 opens a Severity 1 ticket with a file; tech2 cannot see it; the
support engineer claims it, writes an internal note and a public reply; tech1 sees the
reply and not the note; the SLA shows the first response met."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import log_in, scroll_width

NOTE = "INTERNAL-ONLY-e2e: the customer's firewall script is ours, do not share"
REPLY = "We restarted oned with the fixed configuration: please try again."


@pytest.fixture
def new_page(browser, live_server):
    contexts = []

    def make(width=1280, height=900):
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": width, "height": height}
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def test_a_severity_1_ticket_from_opening_to_the_first_response(page, new_page):
    log_in(page, "tech1@globex.example")
    page.get_by_role("link", name="Support", exact=True).click()
    page.get_by_role("button", name="Open a ticket").click()
    expect(page.get_by_text("Production is down or severely impacted")).to_be_visible()
    page.get_by_label("Deployment").select_option(label="globex-prod (Globex)")
    page.get_by_label("Severity 1 — Critical").check()
    page.get_by_label("Subject").fill("Front-end unreachable after upgrade")
    page.get_by_label("Description").fill("oned does not start after the 6.10.2 upgrade.")
    page.get_by_label("OpenNebula version").fill("6.10.2")
    page.get_by_label("Attachments").set_input_files(
        files=[{"name": "oned.log", "mimeType": "text/plain", "buffer": b"[E]: DB error\n"}]
    )
    page.get_by_role("button", name="Open ticket").click()
    expect(page.get_by_text("We emailed you a copy.")).to_be_visible()
    expect(page.get_by_role("link", name="oned.log")).to_be_visible()
    expect(page.locator(".sla-list")).to_contain_text("First response")
    ticket_path = re.sub(r"^https?://[^/]+", "", page.url)
    number = ticket_path.strip("/").split("/")[-1]

    colleague = new_page()
    log_in(colleague, "tech2@globex.example")
    assert colleague.goto(ticket_path).status == 404
    colleague.goto("/tickets/")
    expect(colleague.get_by_text("Front-end unreachable after upgrade")).to_have_count(0)
    assert colleague.goto(f"{ticket_path}files/1/").status == 404

    engineer = new_page()
    log_in(engineer, "support@opennebula.example")
    engineer.get_by_role("link", name="Triage queue").click()
    # Severity 1 on Premium: one hour to the first response, so near the top of the queue.
    row = engineer.locator("tbody tr").filter(has_text="Front-end unreachable after upgrade")
    expect(row).to_contain_text(re.compile(r"in (59|60) min"))
    row.get_by_role("button", name=f"Claim ticket #{number}").click()
    expect(engineer.get_by_text(f"You hold ticket #{number}.")).to_be_visible()
    engineer.goto(ticket_path)
    engineer.get_by_role("textbox", name="Internal note").fill(NOTE)
    engineer.get_by_role("button", name="Add internal note").click()
    expect(engineer.get_by_text("Internal note added.")).to_be_visible()
    engineer.get_by_role("textbox", name="Your reply").fill(REPLY)
    engineer.get_by_role("button", name="Send public reply").click()
    expect(engineer.get_by_text("Reply sent.")).to_be_visible()
    expect(engineer.get_by_text(NOTE)).to_be_visible()
    engineer.screenshot(path="var/support-engineer-ticket.png", full_page=True)

    page.reload()
    expect(page.get_by_text(REPLY)).to_be_visible()
    expect(page.get_by_text("INTERNAL-ONLY-e2e")).to_have_count(0)
    expect(page.locator(".sla-list li").filter(has_text="First response")).to_contain_text("Met")
    expect(page.get_by_text("Sam Support", exact=False).first).to_be_visible()
    page.screenshot(path="var/support-customer-ticket.png", full_page=True)


def test_support_pages_fit_a_phone(phone_page):
    log_in(phone_page, "tech1@globex.example")
    for path in ["/tickets/", "/tickets/new/", "/kb/", "/downloads/"]:
        phone_page.goto(path)
        width = scroll_width(phone_page)
        assert width <= 390, f"{path} is {width}px wide at a 390px viewport"
    phone_page.goto("/tickets/")
    phone_page.get_by_role("link", name=re.compile("Live migration fails")).click()
    phone_page.wait_for_url(re.compile(r"/tickets/\d+/$"))
    width = scroll_width(phone_page)
    assert width <= 390, f"the ticket page is {width}px wide"
    phone_page.screenshot(path="var/phone-ticket.png", full_page=True)


def test_the_triage_queue_and_knowledge_base_for_staff(page):
    log_in(page, "support@opennebula.example")
    page.get_by_role("link", name="Triage queue").click()
    expect(page.get_by_role("heading", name="Triage queue")).to_be_visible()
    page.get_by_role("link", name=re.compile("All open")).click()
    expect(page.get_by_text("Edge hosts lose VM networking after reboot")).to_be_visible()
    page.screenshot(path="var/support-queue.png", full_page=True)
    page.get_by_role("link", name="Knowledge base").click()
    expect(page.get_by_role("button", name="Write an article")).to_be_visible()


def test_the_triage_queue_fits_a_phone(phone_page):
    log_in(phone_page, "support@opennebula.example")
    phone_page.goto("/staff/support/queue/?view=all")
    width = scroll_width(phone_page)
    assert width <= 390, f"the queue is {width}px wide at a 390px viewport"
    phone_page.screenshot(path="var/phone-queue.png", full_page=True)
