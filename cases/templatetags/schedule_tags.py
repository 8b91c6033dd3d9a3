"""How a due date and a deadline clock read on a page: "D-3", "D-day", "초과 2일"."""

from django import template
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()

SOON_DAYS = 3


def _left(days):
    if days > 0:
        return _("D-%(days)s") % {"days": days}
    if days == 0:
        return _("D-day")
    return ngettext("%(days)s day over", "%(days)s days over", -days) % {"days": -days}


def _tone(days):
    if days < 0:
        return "text-bg-danger"
    if days <= SOON_DAYS:
        return "text-bg-warning"
    return "text-bg-light border"


@register.simple_tag
def due_badge(on, today=None):
    """A date that is due: its distance from Seoul's today as a badge, the date in its title."""
    if on is None:
        return "-"
    today = today or timezone.localdate()
    days = (on - today).days
    return format_html(
        '<time class="badge {}" datetime="{}" title="{}">{}</time>',
        _tone(days),
        on.isoformat(),
        formats.date_format(on, "SHORT_DATE_FORMAT"),
        _left(days),
    )


@register.simple_tag
def clock_badge(clock, today=None):
    """A deadline clock: running ("Service plan deadline D-3", "… 2 days over"), or stopped on
    the day its step was done (kept as it was that day)."""
    today = today or timezone.localdate()
    label = clock.get_kind_display()
    days = clock.days_left(today)
    if clock.stopped_on is None:
        return format_html(
            '<span class="badge {}" data-clock="{}">{} {}</span>',
            _tone(days), clock.kind, _("%(clock)s deadline") % {"clock": label}, _left(days),
        )  # fmt: skip
    stopped = formats.date_format(clock.stopped_on, "SHORT_DATE_FORMAT")
    if clock.cancelled:
        text = _("%(clock)s: stopped by closure on %(date)s") % {"clock": label, "date": stopped}
        tone = "text-bg-light border"
    elif days < 0:
        text = ngettext(
            "%(clock)s: done on %(date)s, %(days)s day late",
            "%(clock)s: done on %(date)s, %(days)s days late",
            -days,
        ) % {"clock": label, "date": stopped, "days": -days}
        tone = "text-bg-danger-subtle border border-danger-subtle text-danger-emphasis"
    else:
        text = _("%(clock)s: done on %(date)s, within the limit") % {
            "clock": label,
            "date": stopped,
        }
        tone = "text-bg-success-subtle border border-success-subtle text-success-emphasis"
    return format_html(
        '<span class="badge {}" data-clock="{}" data-stopped="{}">{}</span>',
        tone, clock.kind, clock.stopped_on.isoformat(), text,
    )  # fmt: skip
