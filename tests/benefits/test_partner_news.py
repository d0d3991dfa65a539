"""Partner news (guide: Partner News and Notifications): by program and tier, on the
partner dashboard, and optionally by email through the outbox."""

from django.urls import reverse

from accounts.models import Notification
from benefits import services
from benefits.models import NewsItem
from programs.models import Tier
from tests import factories


def strategic_tiers():
    return Tier.objects.filter(code=Tier.Code.STRATEGIC)


def test_news_for_everyone_shows_on_every_partners_dashboard(
    client, partner_manager, northwind, northwind_main
):
    services.publish_news(actor=partner_manager, title="7.0 is out", body="Release notes.")
    client.force_login(northwind_main)
    page = client.get(reverse("dashboard")).content.decode()
    assert "Partner news" in page and "7.0 is out" in page


def test_news_for_a_tier_reaches_only_that_tier(
    client, partner_manager, northwind_main, acme_strategic, acme_main
):
    services.publish_news(
        actor=partner_manager, title="Strategic webinar", body="Book.", tiers=strategic_tiers()
    )
    client.force_login(northwind_main)
    assert "Strategic webinar" not in client.get(reverse("news_list")).content.decode()
    client.force_login(acme_main)
    assert "Strategic webinar" in client.get(reverse("news_list")).content.decode()


def test_emailed_news_reaches_each_partner_in_the_audience_once(
    partner_manager, northwind, northwind_main, acme_strategic, acme_main, referrer
):
    item = services.publish_news(
        actor=partner_manager, title="Price list", body="New prices.", email=True
    )
    recipients = set(
        Notification.objects.filter(template="benefits/news").values_list("recipient", flat=True)
    )
    # Every authorized partner with a Main Contact (the referral partner has none here).
    assert recipients == {northwind_main.email, acme_main.email}
    assert Notification.objects.get(recipient=acme_main.email).idempotency_key == (
        f"news:{item.pk}:{acme_strategic.pk}"
    )


def test_news_without_email_sends_nothing(partner_manager, northwind_main):
    services.publish_news(actor=partner_manager, title="Quiet", body="Shh.")
    assert not Notification.objects.filter(template="benefits/news").exists()


def test_a_pending_partner_sees_no_news(client, partner_manager):
    pending = factories.OrganizationFactory(name="Hooli Integrations", kind="partner")
    hank = factories.member(pending, "main@hooli.example", "main_contact").user
    services.publish_news(actor=partner_manager, title="7.0 is out", body="Release notes.")
    client.force_login(hank)
    assert client.get(reverse("news_list")).status_code == 404
    assert "7.0 is out" not in client.get(reverse("dashboard")).content.decode()


def test_staff_publish_from_the_page_and_withdraw_after_confirming(
    client, partner_manager, northwind_main
):
    client.force_login(partner_manager)
    reseller_standard = Tier.objects.get(program__code="reseller", code="standard")
    client.post(
        reverse("staff_news_new"),
        {
            "title": "Reseller kit",
            "body": "Slides.",
            "tiers": [reseller_standard.pk],
            "email": "on",
        },
    )
    item = NewsItem.objects.get()
    assert list(item.tiers.all()) == [reseller_standard] and item.emailed
    assert Notification.objects.get(template="benefits/news").recipient == northwind_main.email
    url = reverse("staff_news_withdraw", args=[item.pk])
    assert "Withdraw “Reseller kit”?" in client.get(url).content.decode()
    client.post(url)
    assert not NewsItem.objects.exists()
