"""``{% console_panels as panels %}``: the dashboard's panels for the request's user."""

from __future__ import annotations

from typing import Any

from django import template

from lucid_payments.console.panels import panels_for

register = template.Library()


@register.simple_tag(takes_context=True)
def console_panels(context: dict[str, Any]) -> list[dict[str, Any]]:
    request = context["request"]
    return [
        {"key": panel.key, "title": panel.title, "template": panel.template, "data": data}
        for panel, data in panels_for(request)
    ]
