"""The unread-alert count in the top bar: one indexed count per page, no personal data."""

from django.utils.functional import SimpleLazyObject


def alerts(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from cases.models import Alert

    # Lazy: pages that do not render the top bar (PDFs, error pages) never count.
    return {
        "unread_alerts": SimpleLazyObject(lambda: Alert.objects.for_user(user).unread().count())
    }
