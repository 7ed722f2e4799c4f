"""``{% readable_history history as timeline %}``: the events of a history panel as the
viewer reads them (integrity/audit/display.py), in one batch for the whole panel."""

from typing import Any

from django import template

from integrity.audit import display

register = template.Library()


@register.simple_tag(takes_context=True)
def readable_history(context: template.Context, events: Any) -> list[display.Entry]:
    request = context.get("request")
    viewer = getattr(request, "user", None) or context.get("user")
    return display.readable(events or (), viewer=viewer)
