"""Alerts (알림) to the case manager when someone else changes a case of hers.

The services call :func:`notify` in the transaction of the change. A meeting decision, which runs
several case services at once, wraps them in :func:`one_alert` so the case manager gets one alert
saying what the meeting decided rather than one per effect.
"""

import contextlib
import contextvars

from django.urls import reverse
from django.utils import timezone

from .models import Alert, AlertKind

_grouped = contextvars.ContextVar("alerts_grouped", default=False)


@contextlib.contextmanager
def one_alert():
    """Inside, notify() writes nothing: the caller writes the one alert that sums it up."""
    token = _grouped.set(True)
    try:
        yield
    finally:
        _grouped.reset(token)


def notify(*, case, by, kind, message, url=None, recipient=None, force=False):
    """Tell the case manager (or ``recipient``) what ``by`` did, unless it was her own doing."""
    if _grouped.get() and not force:
        return None
    recipient = recipient or case.primary_manager
    if recipient is None or by is None or recipient.pk == by.pk:
        return None
    return Alert.objects.create(
        recipient=recipient,
        case=case,
        kind=kind,
        message=str(message)[:300],
        url=url or reverse("cases:case_detail", args=[case.pk]),
        created_by=by,
    )


def mark_read(*, user, alerts):
    """The user's unread alerts among ``alerts`` (a queryset) as read now."""
    return alerts.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


def mark_case_read(*, user, case):
    """Opening a case page reads its alerts."""
    return mark_read(user=user, alerts=Alert.objects.filter(case=case))


__all__ = ["AlertKind", "mark_case_read", "mark_read", "notify", "one_alert"]
