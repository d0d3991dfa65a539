import re
from datetime import date, timedelta

from django.core import mail
from playwright.sync_api import expect

from accounts.models import Notification
from tests.e2e.conftest import log_in


def invitation_path(email):
    message = next(m for m in reversed(mail.outbox) if m.to == [email] and "invited" in m.body)
    return re.search(r"https?://[^/]+(/invitations/\S+/)", message.body).group(1)


def test_staff_enter_an_order_form_and_the_new_main_contact_takes_it_from_there(page):
    log_in(page, "admin@opennebula.example")
    page.get_by_role("link", name="New order form").click()
    page.get_by_label("Order form number").fill("OF-2026-0100")
    page.get_by_label("New customer: name").fill("Stark Industries")
    page.get_by_label("Country (ISO code)").fill("US")
    page.get_by_label("Plan").select_option(label="Premium")
    page.get_by_label("Servers").fill("6")
    page.get_by_label("Term starts").fill(date.today().isoformat())
    page.get_by_label("Term ends").fill((date.today() + timedelta(days=365)).isoformat())
    page.get_by_label("Purchase-order number").fill("PO-STARK-1")
    page.get_by_label("Main Contact: name").fill("Pepper Potts")
    page.get_by_label("Main Contact: email").fill("pepper@stark.example")
    page.locator("#id_tech-0-name").fill("Happy Hogan")
    page.locator("#id_tech-0-email").fill("happy@stark.example")
    page.get_by_role("button", name="Process order form").click()
    expect(page.get_by_text("Order form OF-2026-0100 processed")).to_be_visible()
    expect(page.get_by_role("heading", name="Stark Industries: Premium")).to_be_visible()
    page.get_by_role("button", name="Log out").click()

    # The Main Contact opens the emailed invitation and creates an account.
    page.goto(invitation_path("pepper@stark.example"))
    page.get_by_role("button", name="Create my account").click()
    page.get_by_label("Email").fill("pepper@stark.example")
    page.locator("#id_password1").fill("a-Strong-pass-2026")
    page.locator("#id_password2").fill("a-Strong-pass-2026")
    page.get_by_role("button", name="Sign Up").click()
    page.get_by_role("button", name="Accept and join Stark Industries").click()
    expect(page.get_by_text("Welcome to Stark Industries.")).to_be_visible()

    page.get_by_role("link", name="Subscriptions", exact=True).click()
    page.get_by_role("link", name="Premium").click()
    expect(page.get_by_text("PO-STARK-1")).to_be_visible()
    expect(page.get_by_text("6", exact=True)).to_be_visible()

    page.get_by_role("link", name="Contacts", exact=True).click()
    page.locator("#id_technical-email").fill("rhodey@stark.example")
    page.locator("#id_technical-name").fill("James Rhodes")
    page.get_by_role("button", name="Invite technical contact").click()
    expect(
        page.get_by_text("rhodey@stark.example is invited as technical contact.")
    ).to_be_visible()

    welcome = Notification.objects.filter(
        template="subscriptions/welcome", organization__name="Stark Industries"
    )
    support = Notification.objects.filter(
        template="subscriptions/support_welcome", organization__name="Stark Industries"
    )
    assert [n.recipient for n in welcome] == ["pepper@stark.example"]
    assert [n.recipient for n in support] == ["happy@stark.example"]
    assert all(n.status == "sent" for n in [*welcome, *support])
