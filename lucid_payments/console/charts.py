"""Bar charts as server-rendered SVG: no script, no CDN, no inline style (the admin's
content-security policy allows neither); colours come from classes in console.css."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

WIDTH = 360
HEIGHT = 110
AXIS = 14  # room for the first and last day under the bars


def bar_chart(
    days: Sequence[date],
    series: Sequence[Sequence[int]],
    *,
    legend: Sequence[str],
    label: Callable[[int], str],
    title: str,
) -> SafeString:
    """One group of bars per day, one bar per series (``series[i][d]`` for day ``d``).
    Each bar carries a <title> with its day, series and value for the hover tooltip."""
    top = max((value for values in series for value in values), default=0) or 1
    slot = WIDTH / max(len(days), 1)
    bar = max(slot / max(len(series), 1) - 1, 1)
    plot = HEIGHT - AXIS
    # Built as text, not with format_html per bar: a dashboard draws some 400 bars and
    # escaping eight arguments each was a fifth of its render. Numbers need no escaping;
    # the names once per series, each value's label once.
    names = [escape(name) for name in legend]
    width = round(bar, 1)
    bars = []
    for d, day in enumerate(days):
        when = day.isoformat()
        for s, values in enumerate(series):
            value = values[d]
            height = round(plot * max(value, 0) / top, 1)
            bars.append(
                f'<rect class="bar s{s}" x="{round(d * slot + s * (bar + 0.5), 1)}" '
                f'y="{round(plot - height, 1)}" width="{width}" height="{height}">'
                f"<title>{when}: {names[s]} {escape(label(value))}</title></rect>"
            )
    body = mark_safe("".join(bars))  # noqa: S308 - every part escaped or a number above
    axis = format_html(
        '<text class="axis" x="0" y="{}">{}</text><text class="axis end" x="{}" y="{}">{}</text>',
        HEIGHT - 2,
        days[0].strftime("%d %b") if days else "",
        WIDTH,
        HEIGHT - 2,
        days[-1].strftime("%d %b") if days else "",
    )
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}" '
        'xmlns="http://www.w3.org/2000/svg">{}{}</svg>',
        WIDTH,
        HEIGHT,
        title,
        body,
        axis,
    )
