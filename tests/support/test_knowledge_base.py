"""Articles in Markdown rendered safely, by audience; search; staff write and publish."""

import pytest
from django.db import connection
from django.urls import reverse

from accounts.models import AuditEvent
from support.knowledge import render_markdown
from support.models import Article
from tests import factories
from tests.support.factories import article


def titles(response):
    return [a.title for a in response.context["articles"]]


def test_markdown_is_rendered():
    html = render_markdown("## Ports\n\nOpen **49152**:\n\n```\niptables -L\n```")
    assert "<h2>Ports</h2>" in html
    assert "<strong>49152</strong>" in html
    assert "<pre><code>iptables -L" in html


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert('x')</script>",
        '<img src="x" onerror="alert(1)">',
        "[click](javascript:alert(1))",
        '<a href="javascript:alert(1)">click</a>',
        '<iframe src="https://evil.example"></iframe>',
        '<p style="background:url(javascript:alert(1))">x</p>',
    ],
)
def test_markdown_cannot_inject_scripts(source):
    html = render_markdown(source).lower()
    for needle in ("<script", "onerror", "javascript:", "<iframe", "style="):
        assert needle not in html


def test_anonymous_readers_see_public_articles_only(client, db):
    article("public", title="Public one")
    article("customers", title="For customers")
    article("partners", title="For partners")
    assert titles(client.get(reverse("kb_index"))) == ["Public one"]
    customers_only = Article.objects.get(title="For customers")
    assert client.get(customers_only.get_absolute_url()).status_code == 404


def test_customers_with_an_active_subscription_read_customer_articles(
    client, globex_tech1, globex_premium
):
    article("customers", title="For customers")
    article("partners", title="For partners")
    client.force_login(globex_tech1)
    assert titles(client.get(reverse("kb_index"))) == ["For customers"]
    partners_only = Article.objects.get(title="For partners")
    assert client.get(partners_only.get_absolute_url()).status_code == 404


def test_customers_without_an_active_subscription_do_not(client, initech_main):
    customers_only = article("customers", title="For customers")
    client.force_login(initech_main)
    assert titles(client.get(reverse("kb_index"))) == []
    assert client.get(customers_only.get_absolute_url()).status_code == 404


def test_partners_read_partner_articles(client, acme_main):
    partners_only = article("partners", title="For partners")
    client.force_login(acme_main)
    assert client.get(partners_only.get_absolute_url()).status_code == 200


def test_drafts_are_for_staff_only(client, globex_tech1, globex_premium, support_engineer):
    draft = article("public", published=False, title="Not yet")
    client.force_login(globex_tech1)
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(support_engineer)
    assert "Draft: only OpenNebula staff" in client.get(draft.get_absolute_url()).content.decode()


def test_an_article_page_renders_sanitised_markdown(client, db):
    page = article("public", body="Hello <script>alert(1)</script> **world**")
    html = client.get(page.get_absolute_url()).content.decode()
    assert "<strong>world</strong>" in html
    assert "<script>alert(1)" not in html


@pytest.mark.postgres
def test_full_text_search_ranks_and_stems_on_postgresql(client, db):
    article("public", title="Troubleshooting live migration", body="Ports and CPU models.")
    article("public", title="Upgrading", body="Before a migration, read the release notes.")
    article("public", title="Sunstone", body="Web interface.")
    response = client.get(reverse("kb_index"), {"q": "migrations"})
    assert titles(response) == ["Troubleshooting live migration", "Upgrading"]


@pytest.mark.postgres
def test_the_stored_search_document_follows_every_edit(client, db):
    page = article("public", title="Sunstone", body="Web interface.")
    assert titles(client.get(reverse("kb_index"), {"q": "firewall"})) == []
    page.body = "Open the firewall for the web interface."
    page.save()
    Article.objects.filter(pk=page.pk).update(summary="Ports and proxies")  # no save()
    assert titles(client.get(reverse("kb_index"), {"q": "firewall"})) == ["Sunstone"]
    assert titles(client.get(reverse("kb_index"), {"q": "proxy"})) == ["Sunstone"]


@pytest.mark.postgres
def test_the_title_outranks_the_body(client, db):
    article("public", title="Networking", body="Tune the firewall rules.")
    article("public", title="Firewall", body="Rules.")
    assert titles(client.get(reverse("kb_index"), {"q": "firewall"})) == [
        "Firewall",
        "Networking",
    ]


def test_the_simpler_search_matches_every_word(client, db, monkeypatch):
    article("public", title="Troubleshooting live migration", body="Ports and CPU models.")
    article("public", title="Upgrading", body="Before a migration, read the notes.")
    monkeypatch.setattr(connection, "vendor", "sqlite")
    assert [a.title for a in Article.objects.search("migration ports")] == [
        "Troubleshooting live migration"
    ]


def test_articles_are_filtered_by_category(client, db):
    from support.models import ArticleCategory

    other = ArticleCategory.objects.create(slug="partners", name="For partners")
    article("public", title="In operations")
    article("public", title="In partners", category=other)
    assert titles(client.get(reverse("kb_index"), {"category": "partners"})) == ["In partners"]


def test_staff_write_then_publish_an_article(
    client, support_engineer, globex_tech1, globex_premium
):
    from support.models import ArticleCategory

    category = ArticleCategory.objects.create(slug="ops", name="Operations")
    client.force_login(support_engineer)
    client.post(
        reverse("kb_article_new"),
        {
            "title": "Backups",
            "slug": "backups",
            "category": category.pk,
            "audience": "customers",
            "summary": "",
            "body": "Use `onedb backup`.",
        },
    )
    draft = Article.objects.get(slug="backups")
    assert not draft.is_published
    client.force_login(globex_tech1)
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(support_engineer)
    client.post(reverse("kb_article_publish", args=[draft.pk]), {"publish": "1"})
    client.force_login(globex_tech1)
    assert client.get(draft.get_absolute_url()).status_code == 200
    assert AuditEvent.objects.filter(action="article.published", actor=support_engineer).exists()


def test_customers_cannot_write_articles(client, globex_tech1, globex_premium):
    client.force_login(globex_tech1)
    assert client.get(reverse("kb_manage")).status_code == 404
    assert client.get(reverse("kb_article_new")).status_code == 404


def test_staff_without_the_article_permission_do_not_write(client, vendor):
    billing = factories.staff_member(vendor, "billing@opennebula.example", "Billing")
    client.force_login(billing)
    assert client.get(reverse("kb_article_new")).status_code == 404


def test_each_category_counts_only_the_articles_the_reader_may_read(
    client, db, django_assert_max_num_queries
):
    from support.models import ArticleCategory

    partners = ArticleCategory.objects.create(slug="partners", name="For partners")
    article("public", title="Public one")
    article("public", title="Draft", published=False)
    article("partners", title="Partners only", category=partners)
    with django_assert_max_num_queries(3):
        categories = client.get(reverse("kb_index")).context["categories"]
        assert [(c.slug, c.readable) for c in categories] == [("operations", 1)]
