"""Reads of the registry. Every one starts from ``for_user``: lists, choice lists, exports and
matching see exactly what the officer may see."""

import datetime

from django.db.models import (
    BooleanField,
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
from django.utils.translation import gettext

from casemgmt.core.models import Dong, User
from casemgmt.core.roles import Role

from .models import Provider, Referral, ReferralStatus, Resource, ResourceDevelopment

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


def resources_hold_contacts(resources):
    """Does any of ``resources`` name a contact person or phone through its provider (a
    person's name and number: personal data in an export)?"""
    return (
        resources.filter(provider__isnull=False)
        .exclude(provider__contact_person="", provider__phone="")
        .exists()
    )


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


def editable_resource_choices(*, user, current=None):
    """Resources the user may add a development entry to; ``current``: the resource an entry
    being corrected names, kept even if archived since."""
    current_pk = getattr(current, "pk", current)
    return (
        Resource.objects.editable_by(user)
        .filter(Q(archived_at__isnull=True) | Q(pk=current_pk))
        .select_related("registering_dong")
    )


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


def with_can_edit(entries, *, user):
    """Each development entry's ``can_edit``: may the user correct it (the one rule,
    ``editable_by``), in the same query as the entries."""
    editable = ResourceDevelopment.objects.editable_by(user).filter(pk=OuterRef("pk"))
    return entries.annotate(can_edit=Exists(editable))


def developer_choices(*, user, current=None):
    """The officers a development entry may name: the user's team (``team_members``), and
    ``current``, the officer an entry being corrected names, even if they left the team."""
    team = team_members(user=user)
    if current is None:
        return team
    current_pk = getattr(current, "pk", current)
    return (
        User.objects.filter(Q(pk__in=team.values("pk")) | Q(pk=current_pk))
        .select_related("dong")
        .order_by("dong__order", "name")
    )


def resource_developments(*, resource, user):
    entries = (
        ResourceDevelopment.objects.for_user(user)
        .filter(resource=resource)
        .select_related("developed_by", "updated_by")
    )
    return with_can_edit(entries, user=user).order_by("-developed_on", "-id")


def development_list(*, user, filters=None):
    """The team's development work: for a dong officer, entries by officers of their dong; for
    the gu staff, every entry of the gu. ``filters``: date_from, date_to, person, method, dong."""
    filters = filters or {}
    qs = ResourceDevelopment.objects.for_user(user).select_related(
        "resource", "resource__registering_dong", "developed_by", "developed_by__dong", "updated_by"
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


def development_history(*, entry):
    """The entry's change history, newest first (who, when, old → new)."""
    from casemgmt.core.history import history_entries

    rows = entry.history.select_related("history_user")
    return history_entries(ResourceDevelopment, list(rows))


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


# --- referrals ----------------------------------------------------------------------------------

_STATUS_ORDER = Case(
    *[
        When(status=status, then=Value(n))
        for n, status in enumerate(
            [
                ReferralStatus.REQUESTED,
                ReferralStatus.ACCEPTED,
                ReferralStatus.IN_SERVICE,
                ReferralStatus.DECLINED,
                ReferralStatus.ENDED,
            ]
        )
    ],
    output_field=IntegerField(),
)

REFERRAL_SORTS = {
    "-requested": ("-requested_on", "-id"),
    "requested": ("requested_on", "id"),
    "status": (_STATUS_ORDER, "-requested_on", "-id"),
    "provider": (F("provider__name").asc(nulls_last=True), "-requested_on", "-id"),
    "-updated": ("-updated_at", "-id"),
}

_REFERRAL_RELATED = (
    "plan_item",
    "plan_item__plan",
    "plan_item__plan__case",
    "plan_item__plan__case__client",
    "plan_item__plan__case__dong",
    "resource",
    "provider",
    "updated_by",
    "consent_override_by",
)


def with_advocacy_prompt(qs):
    """Annotate ``needs_advocacy``: declined, not referred again since, and no advocacy recorded
    for the item since the answer — the officer should act for the client (옹호)."""
    from cases.models import Intervention, InterventionKind

    advocacy = Intervention.objects.filter(
        plan_item_id=OuterRef("plan_item_id"),
        kind=InterventionKind.ADVOCACY,
        date__gte=OuterRef("responded_on"),
    )
    later = Referral.objects.filter(plan_item_id=OuterRef("plan_item_id"), pk__gt=OuterRef("pk"))
    return qs.annotate(
        needs_advocacy=Case(
            When(
                Q(status=ReferralStatus.DECLINED) & ~Exists(advocacy) & ~Exists(later),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def referral_list(*, user, filters=None):
    """Referrals the user may see, filtered and sorted. ``filters``: status, provider, dong (for
    the gu staff; a dong officer sees their dong's only anyway), sort."""
    filters = filters or {}
    qs = Referral.objects.for_user(user).select_related(*_REFERRAL_RELATED)
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("provider"):
        qs = qs.filter(provider=filters["provider"])
    if filters.get("dong"):
        qs = qs.filter(plan_item__plan__case__dong=filters["dong"])
    sort = REFERRAL_SORTS.get(filters.get("sort") or "-requested", REFERRAL_SORTS["-requested"])
    return with_advocacy_prompt(qs).order_by(*sort)


def referrals_for_case(*, case):
    """Every referral of the case's plan items, newest first. The case was loaded through the one
    door already, so everything here is the viewer's to read."""
    qs = Referral.objects.filter(plan_item__plan__case=case).select_related(*_REFERRAL_RELATED)
    return with_advocacy_prompt(qs).order_by("-requested_on", "-id")


def provider_referrals(*, user, provider):
    """The referrals to one provider that the user may see (their dong's; the gu staff all)."""
    qs = Referral.objects.for_user(user).filter(provider=provider)
    return with_advocacy_prompt(qs.select_related(*_REFERRAL_RELATED)).order_by(
        "-requested_on", "-id"
    )


def referral_history(*, referral):
    return referral.changes.select_related("by").order_by("at", "id")


def plan_item_referrals(*, plan):
    """Referrals of a plan's items, newest first, keyed by item (for the plan page)."""
    by_item = {}
    qs = with_advocacy_prompt(
        Referral.objects.filter(plan_item__plan=plan).select_related("resource", "provider")
    ).order_by("-requested_on", "-id")
    for referral in qs:
        by_item.setdefault(referral.plan_item_id, []).append(referral)
    return by_item


def covering_consent(*, case, provider):
    """The newest active consent of the case that covers ``provider``, or None."""
    if provider is None:
        return None
    consents = case.consents.order_by("-valid_from", "-id")
    return next((c for c in consents if c.covers(provider)), None)


# --- matching on the plan page ------------------------------------------------------------------

MATCHES_SHOWN = 8


def matches_for_goal(*, user, goal, dong, limit=MATCHES_SHOWN):
    """The best-fitting resources for a plan goal's need, for the client's dong, best first."""
    return list(matching_resources(user=user, domain=goal.domain, dong=dong)[:limit])


def plan_item_from_resource(*, user, resource_pk, goal, on=None):
    """The resource picked from the matching list, and the plan item form's initial values for
    it (the officer's first click; adding the item is the second). None if the user may not see
    the resource or it is archived."""
    from cases.models import MonitoringMethod

    if not str(resource_pk or "").isdigit():
        return None, {}
    resource = (
        Resource.objects.for_user(user)
        .active()
        .select_related("provider")
        .filter(pk=int(resource_pk))
        .first()
    )
    if resource is None:
        return None, {}
    day = on or timezone.localdate()
    start = max(day, resource.available_from) if resource.available_from else day
    end = start + datetime.timedelta(days=90)
    if resource.available_until and resource.available_until >= start:
        end = min(end, resource.available_until)
    provider = resource.provider
    return resource, {
        "goal": goal.pk,
        "resource": resource.pk,
        "provider": provider.pk if provider else None,
        "provider_name": provider.name if provider else resource.name,
        "person_in_charge": provider.contact_person if provider else "",
        "service_content": gettext("%(resource)s linkage") % {"resource": resource.name},
        "priority": goal.items.count() + 1,
        "start_date": start,
        "end_date": end,
        "times_per_week": 1,
        "monitoring_method": MonitoringMethod.PROVIDER
        if provider
        else MonitoringMethod.REGULAR_CONTACT,
    }
