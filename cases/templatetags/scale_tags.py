"""A scale's scores over time as a small line drawn on the server (SVG, no script)."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from ..selectors import plain_number

register = template.Library()

WIDTH, HEIGHT, PAD = 160, 40, 4


def _points(scores, maximum):
    """(x, y) in the drawing for each score: x by date (by order when all share one day),
    y from 0 (or the lowest score) to the scale's maximum (or the highest score)."""
    values = [s["score"] for s in scores]
    low = 0 if maximum is not None else min(values)
    high = maximum if maximum is not None else max(values)
    high = max(high, *values)
    span = float(high - low) or 1.0
    first, last = scores[0]["date"], scores[-1]["date"]
    days = (last - first).days
    n = len(scores)
    points = []
    for index, entry in enumerate(scores):
        if days:
            share = (entry["date"] - first).days / days
        else:
            share = index / (n - 1) if n > 1 else 0.5
        x = PAD + share * (WIDTH - 2 * PAD)
        y = HEIGHT - PAD - float(entry["score"] - low) / span * (HEIGHT - 2 * PAD)
        points.append((round(x, 1), round(y, 1)))
    return points


@register.simple_tag
def sparkline(series):
    """``series``: one item of cases.selectors.scale_series. An <svg> (a baseline at the scale's
    zero, or its lowest score, and the line) whose label reads the scores in order ("18 → 24"),
    so the line is never the only way to see the change."""
    scores = series["scores"]
    if not scores:
        return ""
    points = _points(scores, series.get("maximum"))
    label = _("Scores over time: %(scores)s") % {
        "scores": " → ".join(plain_number(s["score"]) for s in scores)
    }
    line = " ".join(f"{x},{y}" for x, y in points)
    dots = format_html_join(
        "", '<circle cx="{}" cy="{}" r="2.5" fill="currentColor"></circle>', points
    )
    return format_html(
        '<svg class="sparkline text-primary" width="{}" height="{}" viewBox="0 0 {} {}" '
        'role="img" aria-label="{}"><line x1="0" y1="{}" x2="{}" y2="{}" stroke="currentColor" '
        'stroke-opacity="0.25"></line><polyline points="{}" fill="none" stroke="currentColor" '
        'stroke-width="2" stroke-linejoin="round" stroke-linecap="round"></polyline>{}</svg>',
        WIDTH, HEIGHT, WIDTH, HEIGHT, label, HEIGHT - PAD, WIDTH, HEIGHT - PAD, line, dots,
    )  # fmt: skip


@register.filter
def score(value):
    """18.00 → 18, 18.50 → 18.5."""
    return plain_number(value)
