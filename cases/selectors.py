from django.db.models import Q

from .models import Client

CLIENT_SORTS = {
    "name": ("name", "birth_date"),
    "-name": ("-name", "-birth_date"),
    "birth_date": ("birth_date", "name"),
    "-birth_date": ("-birth_date", "name"),
    "created": ("created_at", "id"),
    "-created": ("-created_at", "-id"),
    "dong": ("dong__order", "name"),
}


def client_list(*, user, filters=None):
    """Clients the user may see, filtered and sorted. ``filters``: q, livelihood_status, dong,
    sort, archived ("1" to include archived clients)."""
    filters = filters or {}
    qs = Client.objects.for_user(user).select_related("dong", "updated_by")
    if filters.get("archived") != "1":
        qs = qs.active()
    q = (filters.get("q") or "").strip()
    if q:
        qs = qs.filter(
            Q(name__icontains=q.replace(" ", "")) | Q(phone__contains=q) | Q(address__icontains=q)
        )
    if filters.get("livelihood_status"):
        qs = qs.filter(livelihood_status=filters["livelihood_status"])
    if filters.get("dong"):
        qs = qs.filter(dong_id=filters["dong"])
    return qs.order_by(*CLIENT_SORTS.get(filters.get("sort") or "name", CLIENT_SORTS["name"]))


def client_counts(*, user):
    from casemgmt.core.selectors import month_start

    visible = Client.objects.for_user(user).active()
    return {
        "clients": visible.count(),
        "new_this_month": visible.filter(created_at__gte=month_start()).count(),
    }
