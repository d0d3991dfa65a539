from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def html_datetime(value):
    """A `<time datetime>` value: ISO 8601 to the second (HTML allows at most
    three digits of a fraction; Django's "c" format gives six)."""
    if not value:
        return ""
    return timezone.localtime(value).replace(microsecond=0).isoformat()
