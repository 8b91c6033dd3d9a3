"""Reads of the registry. Every one starts from ``for_user``: lists, choice lists, exports and
matching see exactly what the officer may see."""

from django.db.models import (
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Value,
    When,
)
from django.utils import timezone

from casemgmt.core.models import Dong, User
from casemgmt.core.roles import Role

from .models import Provider, Resource, ResourceDevelopment

RESOURCE_SORTS = {
    "name": ("name", "id"),
    "-updated": ("-updated_at", "-id"),
    "capacity_left": (F("room_left").desc(nulls_first=True), "name", "id"),
    "provider": (F("provider__name").asc(nulls_last=True), "name", "id"),
    "need_domain": ("need_domain", "name", "id"),
}

PROVIDER_SORTS = {
    "name": ("name", "id"),
    "-updated": ("-updated_at", "-id"),
    "kind": ("sector", "kind", "name"),
}


def _words(text):
    """Korean partial-text search: every word typed must appear somewhere."""
    return [w for w in (text or "").split() if w]


def _with_capacity_left(qs):
    return qs.annotate(
        room_left=ExpressionWrapper(
            F("capacity") - F("capacity_in_use"), output_field=IntegerField()
        )
    )


def resource_list(*, user, filters=None):
    """Resources the user may see, filtered and sorted. ``filters``: q, kind, need_domain,
    provider, dong (resources a client of that dong can use), has_room, archived, sort."""
    filters = filters or {}
    qs = Resource.objects.for_user(user).select_related(
        "provider", "registering_dong", "updated_by"
    )
    if not filters.get("archived"):
        qs = qs.active()
    for word in _words(filters.get("q")):
        qs = qs.filter(Q(name__icontains=word) | Q(description__icontains=word))
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("need_domain"):
        qs = qs.filter(need_domain=filters["need_domain"])
    if filters.get("provider"):
        qs = qs.filter(provider=filters["provider"])
    if filters.get("dong"):
        qs = qs.serving(filters["dong"])
    if filters.get("has_room"):
        qs = qs.with_room()
    qs = _with_capacity_left(qs)
    return qs.order_by(*RESOURCE_SORTS.get(filters.get("sort") or "name", RESOURCE_SORTS["name"]))


def provider_list(*, user, filters=None):
    """Providers of the user's gu. ``filters``: q, sector, kind, dong (serves that dong),
    conferences, archived, sort."""
    filters = filters or {}
    qs = Provider.objects.for_user(user).select_related("registering_dong", "updated_by")
    if not filters.get("archived"):
        qs = qs.active()
    for word in _words(filters.get("q")):
        qs = qs.filter(
            Q(name__icontains=word) | Q(contact_person__icontains=word) | Q(address__icontains=word)
        )
    if filters.get("sector"):
        qs = qs.filter(sector=filters["sector"])
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("dong"):
        qs = qs.serving(filters["dong"])
    if filters.get("conferences"):
        qs = qs.filter(joins_case_conferences=True)
    visible = Resource.objects.for_user(user).active()
    qs = qs.annotate(
        resource_count=Count("resources", filter=Q(resources__in=visible), distinct=True)
    ).prefetch_related("service_dongs")
    return qs.order_by(*PROVIDER_SORTS.get(filters.get("sort") or "name", PROVIDER_SORTS["name"]))


def provider_resources(*, user, provider):
    """The resources of one provider that the user may see."""
    return (
        _with_capacity_left(Resource.objects.for_user(user).filter(provider=provider))
        .active()
        .select_related("registering_dong")
        .order_by("name", "id")
    )


def provider_choices(*, user, current=None):
    """Providers a resource form may offer: the user's gu's, not archived (plus the current)."""
    qs = Provider.objects.for_user(user)
    keep = Q(archived_at__isnull=True)
    if current is not None:
        keep |= Q(pk=current.pk)
    return qs.filter(keep).order_by("name")


def editable_resource_choices(*, user):
    """Resources the user may add a development entry to."""
    return Resource.objects.editable_by(user).active().select_related("registering_dong")


def gu_dongs(*, user):
    if not user.gu_id:
        return Dong.objects.none()
    return Dong.objects.filter(gu_id=user.gu_id)


def team_members(*, user):
    """Officers whose development work the user records and reviews: their dong's team, or
    for the gu staff every officer of the gu."""
    officers = User.objects.filter(
        is_active=True, groups__name__in=[Role.CASE_MANAGER, Role.SUPERVISOR, Role.GU_STAFF]
    ).distinct()
    if not (user.is_authenticated and user.is_active and user.gu_id):
        return officers.none()
    if user.dong_id:
        return officers.filter(dong_id=user.dong_id).order_by("name")
    return officers.filter(gu_id=user.gu_id).select_related("dong").order_by("dong__order", "name")


def resource_developments(*, resource, user):
    return (
        ResourceDevelopment.objects.for_user(user)
        .filter(resource=resource)
        .select_related("developed_by")
        .order_by("-developed_on", "-id")
    )


def development_list(*, user, filters=None):
    """The team's development work: for a dong officer, entries by officers of their dong; for
    the gu staff, every entry of the gu. ``filters``: date_from, date_to, person, method, dong."""
    filters = filters or {}
    qs = ResourceDevelopment.objects.for_user(user).select_related(
        "resource", "resource__registering_dong", "developed_by", "developed_by__dong"
    )
    if user.dong_id:
        qs = qs.filter(developed_by__dong_id=user.dong_id)
    elif filters.get("dong"):
        qs = qs.filter(developed_by__dong_id=getattr(filters["dong"], "pk", filters["dong"]))
    if filters.get("date_from"):
        qs = qs.filter(developed_on__gte=filters["date_from"])
    if filters.get("date_to"):
        qs = qs.filter(developed_on__lte=filters["date_to"])
    if filters.get("person"):
        qs = qs.filter(developed_by=filters["person"])
    if filters.get("method"):
        qs = qs.filter(method=filters["method"])
    return qs.order_by("-developed_on", "-id")


def development_summary(queryset):
    """How many entries of each method, for the supervisor's overview."""
    rows = queryset.order_by().values("method").annotate(n=Count("id"))
    return {row["method"]: row["n"] for row in rows}


def matching_resources(*, user, domain, dong, on=None, include_full=True):
    """Resources that fit a need of a client living in ``dong``, best first.

    Fitting: visible to the user, not archived, of the need ``domain``, usable in ``dong`` (a
    dong-only resource of that dong, or a shared one whose provider serves the dong or the whole
    gu) and not ended. Order: with room before full; available now before starting later; local
    (kept to the dong, or a provider that names the dong) before gu-wide; then the most capacity
    left (unlimited first); then name. Each row carries ``has_room``, ``available_now`` and
    ``is_local`` (1/0) so the page can say why it ranks where it does.
    """
    day = on or timezone.localdate()
    dong_id = getattr(dong, "pk", dong)
    area = Provider.service_dongs.through.objects.filter(
        provider_id=OuterRef("provider_id"), dong_id=dong_id
    )
    qs = (
        Resource.objects.for_user(user)
        .active()
        .filter(need_domain=domain)
        .serving(dong_id)
        .filter(Q(available_until__isnull=True) | Q(available_until__gte=day))
    )
    if not include_full:
        qs = qs.with_room()
    qs = _with_capacity_left(qs).annotate(
        has_room=Case(
            When(Q(capacity__isnull=True) | Q(capacity__gt=F("capacity_in_use")), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        ),
        available_now=Case(
            When(Q(available_from__isnull=True) | Q(available_from__lte=day), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        ),
        is_local=Case(
            When(Q(shared_gu_wide=False, registering_dong_id=dong_id), then=Value(1)),
            When(Exists(area), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        ),
    )
    return qs.select_related("provider", "registering_dong").order_by(
        "-has_room",
        "-available_now",
        "-is_local",
        F("room_left").desc(nulls_first=True),
        "name",
        "id",
    )
