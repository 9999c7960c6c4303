"""`{% screen "receiving/_screen.jinja" %}`: a scan screen's part (floor/scanning/screens.py) in
a Django page, rendered with the page's context and any values given (`error=error`)."""

from django import template
from django.template import engines
from django.utils.safestring import mark_safe

from floor.scanning.screens import codes

register = template.Library()
register.filter("codes", codes)


@register.simple_tag(takes_context=True)
def screen(context, name: str, **values) -> str:
    part = engines["screens"].get_template(name)
    # Jinja escaped what it put in; the part is HTML.
    return mark_safe(part.render({**context.flatten(), **values}, context.get("request")))  # noqa: S308
