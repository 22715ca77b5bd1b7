"""`{% local_time moment "H:i" %}`: a moment shown in the reader's own time zone.

The server renders it in its zone (TIME_ZONE) inside `<time datetime="ISO 8601">`;
static/js/local-time.js rewrites the text in the browser's zone with the same format.
Students' and teachers' pages use it alike.
"""

from django import template
from django.template.defaultfilters import date
from django.utils.html import format_html
from django.utils.timezone import template_localtime

register = template.Library()


@register.simple_tag
def local_time(moment, fmt: str) -> str:
    """The moment as a <time> element; nothing for no moment, so a missing date never shows a broken one."""
    if moment is None:
        return ""
    moment = template_localtime(moment)  # what the date filter gets in a template: the server's zone
    return format_html('<time datetime="{}" data-format="{}">{}</time>', date(moment, "c"), fmt, date(moment, fmt))
