from django.utils import timezone

from .models import AccessRecord


def recent_activity(*, user, limit=8):
    """The user's own latest access records, for the dashboard."""
    return AccessRecord.objects.filter(user=user).order_by("-occurred_at", "-id")[:limit]


def month_start():
    now = timezone.localtime()
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
