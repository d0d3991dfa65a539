"""The knowledge base: who reads which audience, and Markdown rendered safely."""

import markdown
import nh3
from django.utils.safestring import mark_safe

from support.access import has_active_subscription
from support.models import Article

Audience = Article.Audience

# What an article may contain once rendered; everything else (script, style,
# iframes, event handlers, javascript: links) is removed by nh3 (ammonia).
ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em",
    "h2", "h3", "h4", "h5", "h6", "hr", "img", "kbd", "li", "ol", "p", "pre", "span",
    "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "th": {"align"},
    "td": {"align"},
    "code": {"class"},
    "abbr": {"title"},
}


def render_markdown(text):
    """Markdown to HTML that is safe to show: raw HTML in the source is cleaned too."""
    html = markdown.markdown(
        text or "", extensions=["fenced_code", "tables", "sane_lists"], output_format="html"
    )
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(cleaned)  # noqa: S308 - sanitised by nh3 just above


def audiences_for(user, organization):
    """Public for everyone; customers' articles need an active subscription; partners'
    articles need a partner organization. Staff read everything."""
    if user.is_authenticated and user.is_vendor_staff:
        return set(Audience.values)
    audiences = {Audience.PUBLIC}
    if user.is_authenticated and organization is not None:
        if has_active_subscription(organization):
            audiences.add(Audience.CUSTOMERS)
        if organization.is_partner:
            audiences.add(Audience.PARTNERS)
    return audiences


def readable_articles(user, organization):
    """Published articles of the person's audiences."""
    return Article.objects.for_audiences(audiences_for(user, organization))


def article_for(user, organization, slug):
    """The article at `slug` if the person may read it (staff also preview drafts), or None."""
    articles = (
        Article.objects.all()
        if user.is_authenticated and user.is_vendor_staff
        else readable_articles(user, organization)
    )
    return articles.select_related("category", "author").filter(slug=slug).first()
