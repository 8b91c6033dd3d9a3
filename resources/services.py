"""Writes to the registry. Keyword-only, atomic, checked against the one access rule, ending in
full_clean(); save() (or save_versioned for an edit)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casemgmt.core.access import SCOPE_OWN_DONG, ensure_can_edit
from casemgmt.core.exceptions import ApplicationError
from casemgmt.core.korean import korean_date, with_particle
from casemgmt.core.versioning import save_versioned

from .models import (
    DECLINED_NEEDS_REASON,
    HOLDS_CAPACITY,
    REFERRAL_MOVES,
    STEP_DATE_FIELD,
    STEP_DATE_IN_FUTURE,
    Provider,
    Referral,
    ReferralStatus,
    ReferralStatusChange,
    Resource,
    ResourceDevelopment,
    can_register,
    consent_missing,
    shares_information_by_default,
)
from .selectors import editable_resource_choices, team_members

PROVIDER_FIELDS = [
    "name",
    "sector",
    "kind",
    "contact_person",
    "phone",
    "address",
    "joins_case_conferences",
]

RESOURCE_FIELDS = [
    "name",
    "description",
    "kind",
    "subtype",
    "need_domain",
    "eligibility",
    "capacity",
    "capacity_unit",
    "available_from",
    "available_until",
    "cost",
    "provider",
    "shared_gu_wide",
]

NOT_A_REGISTRY_OFFICER = _("Only officers of a dong or of the gu office can add to the registry.")
PROVIDER_NOT_VISIBLE = _("Choose a provider of your gu.")
DONG_OF_OTHER_GU = _("Choose dongs of your gu.")
IN_USE_BELOW_ZERO = _("Less than nothing cannot be in use.")
IN_USE_ABOVE_CAPACITY = _("This resource has no capacity left.")
NOT_IN_TEAM = _("Choose an officer of your team.")
RESOURCE_NOT_EDITABLE = _("Choose a current resource your team may change.")
ALREADY_ARCHIVED = _("This record is already archived.")
NOT_ARCHIVED = _("This record is not archived.")


def _check_service_dongs(*, by, service_dongs):
    if any(d.gu_id != by.gu_id for d in service_dongs):
        raise ValidationError({"service_dongs": DONG_OF_OTHER_GU})


def _check_provider(*, by, resource):
    provider = resource.provider
    if provider is None:
        return
    if not Provider.objects.for_user(by).filter(pk=provider.pk).exists():
        raise ValidationError({"provider": PROVIDER_NOT_VISIBLE})


# --- providers ----------------------------------------------------------------------------------


@transaction.atomic
def create_provider(*, by, service_dongs=(), **data) -> Provider:
    if not can_register(by, Provider):
        raise ApplicationError(NOT_A_REGISTRY_OFFICER)
    service_dongs = list(service_dongs)
    _check_service_dongs(by=by, service_dongs=service_dongs)
    provider = Provider(
        gu_id=by.gu_id, registering_dong_id=by.dong_id, created_by=by, updated_by=by
    )
    for field in PROVIDER_FIELDS:
        if field in data:
            setattr(provider, field, data[field])
    provider.full_clean()
    provider.save()
    provider.service_dongs.set(service_dongs)
    return provider


@transaction.atomic
def update_provider(*, provider, by, expected_version, service_dongs=None, **data) -> Provider:
    ensure_can_edit(by, provider)
    for field in PROVIDER_FIELDS:
        if field in data:
            setattr(provider, field, data[field])
    save_versioned(provider, by=by, expected_version=expected_version)
    if service_dongs is not None:
        service_dongs = list(service_dongs)
        _check_service_dongs(by=by, service_dongs=service_dongs)
        provider.service_dongs.set(service_dongs)
    return provider


@transaction.atomic
def archive_provider(*, provider, by) -> Provider:
    return _set_archived(provider, by=by, archived=True)


@transaction.atomic
def restore_provider(*, provider, by) -> Provider:
    return _set_archived(provider, by=by, archived=False)


# --- resources ----------------------------------------------------------------------------------


@transaction.atomic
def create_resource(*, by, **data) -> Resource:
    if not can_register(by, Resource):
        raise ApplicationError(NOT_A_REGISTRY_OFFICER)
    resource = Resource(
        gu_id=by.gu_id, registering_dong_id=by.dong_id, created_by=by, updated_by=by
    )
    for field in RESOURCE_FIELDS:
        if field in data:
            setattr(resource, field, data[field])
    if resource.registering_dong_id is None:
        resource.shared_gu_wide = True  # the gu office's resources are for every dong
    _check_provider(by=by, resource=resource)
    resource.full_clean()
    resource.save()
    return resource


@transaction.atomic
def update_resource(*, resource, by, expected_version, **data) -> Resource:
    ensure_can_edit(by, resource)
    # What is in use is kept by referrals, not by this form: take the stored value, locked, so
    # an edit neither overwrites it nor sets the capacity below it.
    resource.capacity_in_use = (
        Resource.objects.select_for_update()
        .values_list("capacity_in_use", flat=True)
        .get(pk=resource.pk)
    )
    for field in RESOURCE_FIELDS:
        if field in data:
            setattr(resource, field, data[field])
    if resource.registering_dong_id is None:
        resource.shared_gu_wide = True
    _check_provider(by=by, resource=resource)
    return save_versioned(resource, by=by, expected_version=expected_version)


@transaction.atomic
def adjust_capacity_in_use(*, resource, by, delta) -> Resource:
    """Add ``delta`` (negative to free) to what is in use. For referrals; refuses to go below
    zero or above the capacity. Not an edit of the record: its version stays."""
    ensure_can_edit(by, resource)
    locked = Resource.objects.select_for_update().get(pk=resource.pk)
    new = locked.capacity_in_use + delta
    if new < 0:
        raise ApplicationError(IN_USE_BELOW_ZERO)
    if locked.capacity is not None and new > locked.capacity:
        raise ApplicationError(IN_USE_ABOVE_CAPACITY)
    Resource.objects.filter(pk=resource.pk).update(capacity_in_use=F("capacity_in_use") + delta)
    resource.capacity_in_use = new
    return resource


@transaction.atomic
def archive_resource(*, resource, by) -> Resource:
    return _set_archived(resource, by=by, archived=True)


@transaction.atomic
def restore_resource(*, resource, by) -> Resource:
    return _set_archived(resource, by=by, archived=False)


def _set_archived(obj, *, by, archived):
    """No hard delete: archiving hides a record from lists, choices and matching."""
    ensure_can_edit(by, obj)
    locked = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    if archived and locked.archived_at:
        raise ApplicationError(ALREADY_ARCHIVED)
    if not archived and not locked.archived_at:
        raise ApplicationError(NOT_ARCHIVED)
    locked.archived_at = timezone.now() if archived else None
    locked.version += 1
    locked.updated_by = by
    if not archived:
        locked.full_clean()  # a restored resource must not duplicate one registered meanwhile
    locked.save(update_fields=["archived_at", "version", "updated_by", "updated_at"])
    return locked


# --- development log ----------------------------------------------------------------------------


@transaction.atomic
def record_development(
    *, resource, by, developed_by, developed_on, method, note=""
) -> ResourceDevelopment:
    """Log a resource discovered or developed. For those who may change the resource."""
    if not by.has_perm("resources.add_resourcedevelopment"):
        raise PermissionDenied
    ensure_can_edit(by, resource)
    if not team_members(user=by).filter(pk=developed_by.pk).exists():
        raise ValidationError({"developed_by": NOT_IN_TEAM})
    entry = ResourceDevelopment(
        resource=resource,
        developed_by=developed_by,
        developed_on=developed_on,
        method=method,
        note=note,
        created_by=by,
        updated_by=by,
    )
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def update_development(
    *, entry, by, expected_version, resource, developed_by, developed_on, method, note=""
) -> ResourceDevelopment:
    """Correct a development entry. For those who may change its resource (and, if it moves to
    another resource, that one); a stale save is refused (ConcurrentEditError). The officer who
    developed it and the resource keep their values even if they are no longer offered (the
    officer moved, the resource was archived); a new value must be one a new entry could take.
    The change history keeps the old and new values."""
    if not by.has_perm("resources.change_resourcedevelopment"):
        raise PermissionDenied
    ensure_can_edit(by, entry)
    # Compared with what is stored (a form may have set the new values on ``entry`` already).
    stored_resource, stored_developer = (
        ResourceDevelopment.objects.select_for_update()
        .values_list("resource_id", "developed_by_id")
        .get(pk=entry.pk)
    )
    errors = {}
    if resource.pk != stored_resource:
        if not editable_resource_choices(user=by).filter(pk=resource.pk).exists():
            errors["resource"] = RESOURCE_NOT_EDITABLE
    if developed_by.pk != stored_developer:
        if not team_members(user=by).filter(pk=developed_by.pk).exists():
            errors["developed_by"] = NOT_IN_TEAM
    if errors:
        raise ValidationError(errors)
    entry.resource = resource
    entry.developed_by = developed_by
    entry.developed_on = developed_on
    entry.method = method
    entry.note = note
    return save_versioned(entry, by=by, expected_version=expected_version)


# --- referrals (서비스 연계 · 의뢰) ----------------------------------------------------------------

REFERRAL_STAGES = ("planning", "intervention", "monitoring", "evaluation")

REFERRAL_WRONG_STAGE = _(
    "Services are referred while the case is being planned, in intervention, monitoring or "
    "evaluation."
)
REFERRAL_OLD_PLAN = _("This item belongs to an older plan version: refer from the current plan.")
REFERRAL_NOT_LINKED = _(
    "Link this service to a resource or provider of the registry first, then refer it."
)
REFERRAL_DIRECT = _(
    "The case manager gives this service herself: there is no provider to refer it to."
)
REFERRAL_TARGET_NOT_VISIBLE = _("The linked resource or provider is not in your gu's registry.")
REFERRAL_TARGET_ARCHIVED = _("%(name)s is archived: link the service to a current one.")
REFERRAL_ALREADY_OPEN = _("This service already has an open referral (%(status)s).")
REFERRAL_NO_CAPACITY = _(
    "%(resource)s has no capacity left for this referral: %(in_use)s of %(capacity)s %(unit)s "
    "are in use and it needs %(quantity)s. Choose another resource or wait until a place is free."
)
REFERRAL_MOVE_NOT_ALLOWED = _("A referral that is %(status)s cannot become %(target)s.")
REFERRAL_CHANGED_MEANWHILE = _(
    "Someone else changed this referral meanwhile: it is now %(status)s. Look at it and try again."
)
REFERRAL_STEP_BEFORE_LAST = _("This step cannot be dated before the previous one (%(date)s).")
OVERRIDE_ONLY_SUPERVISOR = _(
    "Only the dong's supervisor (welfare team leader) can approve a referral without the "
    "client's consent."
)


def _lock_resource(resource_pk):
    return Resource.objects.select_for_update().get(pk=resource_pk)


def _move_capacity(*, resource_pk, delta, refusal):
    """Add ``delta`` to what a resource has in use, on the locked row; ``refusal(locked)`` gives
    the error when the capacity would be exceeded."""
    locked = _lock_resource(resource_pk)
    new = locked.capacity_in_use + delta
    if new < 0:
        raise ApplicationError(IN_USE_BELOW_ZERO)
    if delta > 0 and locked.capacity is not None and new > locked.capacity:
        raise ApplicationError(refusal(locked))
    Resource.objects.filter(pk=resource_pk).update(capacity_in_use=F("capacity_in_use") + delta)
    return new


def is_dong_supervisor(user, case):
    """Is the user the supervisor (welfare team leader) of the case's dong?"""
    return bool(
        user.is_authenticated
        and user.dong_id is not None
        and user.dong_id == case.dong_id
        and user.has_perm("core.supervise_dong")
        and user.has_perm(SCOPE_OWN_DONG)
    )


def _ensure_dong_supervisor(by, case):
    if not is_dong_supervisor(by, case):
        raise ApplicationError(OVERRIDE_ONLY_SUPERVISOR)


def _step_date(on, *, not_before=None):
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ApplicationError(STEP_DATE_IN_FUTURE)
    if not_before is not None and on < not_before:
        raise ApplicationError(REFERRAL_STEP_BEFORE_LAST % {"date": korean_date(not_before)})
    return on


def referral_target(plan_item):
    """(resource, provider) a plan item's service is referred to: the resource's own provider
    when it has one, else the provider the item names."""
    resource = plan_item.resource
    provider = resource.provider if resource is not None and resource.provider_id else None
    return resource, provider or plan_item.provider


@transaction.atomic
def create_referral(
    *,
    plan_item,
    by,
    shares_information=None,
    quantity=1,
    note="",
    requested_on=None,
    override_reason="",
) -> Referral:
    """Refer a plan item's service to its resource or provider (status: requested).

    If the referral passes the client's information on (by default, unless it goes to the
    dong's own centre), an active consent of the case must name the provider; otherwise only the
    dong's supervisor may refer it, with ``override_reason``, which is recorded with who and when.
    """
    from cases.models import Case, PlanItem
    from cases.models.case import latest_plan

    case = plan_item.plan.case
    ensure_can_edit(by, case)
    # One referral at a time per item: lock the item while we look for an open one.
    list(PlanItem.objects.select_for_update().filter(pk=plan_item.pk).values_list("pk"))
    case = Case.objects.get(pk=case.pk)
    if case.stage not in REFERRAL_STAGES:
        raise ApplicationError(REFERRAL_WRONG_STAGE)
    current = latest_plan(case)
    if current is None or current.pk != plan_item.plan_id:
        raise ApplicationError(REFERRAL_OLD_PLAN)
    if plan_item.by_case_manager:
        raise ApplicationError(REFERRAL_DIRECT)
    resource, provider = referral_target(plan_item)
    if resource is None and provider is None:
        raise ApplicationError(REFERRAL_NOT_LINKED)
    for target, model in ((resource, Resource), (provider, Provider)):
        if target is None:
            continue
        if not model.objects.for_user(by).filter(pk=target.pk).exists():
            raise ApplicationError(REFERRAL_TARGET_NOT_VISIBLE)
        if target.archived_at is not None:
            raise ApplicationError(
                REFERRAL_TARGET_ARCHIVED % {"name": with_particle(target, "은/는")}
            )
    already = Referral.objects.filter(plan_item=plan_item).open().first()
    if already is not None:
        raise ApplicationError(REFERRAL_ALREADY_OPEN % {"status": already.get_status_display()})
    if shares_information is None:
        shares_information = shares_information_by_default(case=case, provider=provider)
    requested_on = _step_date(requested_on)
    referral = Referral(
        plan_item=plan_item,
        resource=resource,
        provider=provider,
        quantity=quantity,
        shares_information=shares_information,
        requested_on=requested_on,
        note=note,
        created_by=by,
        updated_by=by,
    )
    missing = consent_missing(
        case=case,
        provider=provider,
        resource=resource,
        shares_information=shares_information,
        on=requested_on,
    )
    if missing:
        if not override_reason.strip():
            raise ApplicationError(" ".join(str(m) for m in missing), extra={"missing": missing})
        _ensure_dong_supervisor(by, case)
        referral.consent_override_by = by
        referral.consent_override_at = timezone.now()
        referral.consent_override_reason = override_reason.strip()
    referral.full_clean()
    referral.save()
    ReferralStatusChange.objects.create(
        referral=referral,
        source="",
        target=ReferralStatus.REQUESTED,
        on=requested_on,
        by=by,
        note=note,
    )
    return referral


ALERT_REFERRAL = _("%(by)s recorded the referral to %(target)s: %(status)s.")


@transaction.atomic
def change_referral_status(
    *, referral, by, status, on=None, note="", decline_reason=""
) -> Referral:
    """Record the provider's answer or the service's start or end, with its date.

    Accepting or starting takes the referral's share of the resource's capacity (refused when
    there is none left); declining or ending gives it back. Every change writes one history row.
    """
    ensure_can_edit(by, referral)
    referral = move_referral(
        referral=referral, by=by, status=status, on=on, note=note, decline_reason=decline_reason
    )
    from cases import alerts
    from cases.models import AlertKind

    alerts.notify(
        case=referral.plan_item.plan.case, by=by, kind=AlertKind.REFERRAL,
        message=ALERT_REFERRAL % {"by": by, "target": referral.target_name,
                                  "status": referral.get_status_display()},
        url=reverse("resources:referral_detail", args=[referral.pk]),
    )  # fmt: skip
    return referral


@transaction.atomic
def move_referral(*, referral, by, status, on=None, note="", decline_reason="") -> Referral:
    """The move itself, for a caller that has checked who may make it (the case's officers in
    change_referral_status, the partner agency in resources.partner_services); in its
    transaction."""
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    source = ReferralStatus(locked.status)
    if locked.status != referral.status:
        raise ApplicationError(REFERRAL_CHANGED_MEANWHILE % {"status": locked.get_status_display()})
    try:
        target = ReferralStatus(status)
    except ValueError as exc:
        raise ApplicationError(REFERRAL_MOVE_NOT_ALLOWED % _move_names(source, status)) from exc
    if target not in REFERRAL_MOVES[source]:
        raise ApplicationError(REFERRAL_MOVE_NOT_ALLOWED % _move_names(source, target))
    decline_reason = decline_reason.strip()
    if target == ReferralStatus.DECLINED and not decline_reason:
        raise ApplicationError(DECLINED_NEEDS_REASON)
    on = _step_date(on, not_before=locked.latest_step_date())

    held = (source in HOLDS_CAPACITY) - (target in HOLDS_CAPACITY)
    if locked.resource_id and held:
        quantity = locked.quantity

        def refusal(resource):
            return REFERRAL_NO_CAPACITY % {
                "resource": resource.name,
                "in_use": f"{resource.capacity_in_use:,}",
                "capacity": f"{resource.capacity:,}",
                "unit": resource.get_capacity_unit_display(),
                "quantity": f"{quantity:,}",
            }

        _move_capacity(resource_pk=locked.resource_id, delta=-held * quantity, refusal=refusal)

    setattr(locked, STEP_DATE_FIELD[target], on)
    if target == ReferralStatus.IN_SERVICE and locked.responded_on is None:
        locked.responded_on = on  # started at once: the start is the provider's answer
    if target == ReferralStatus.DECLINED:
        locked.decline_reason = decline_reason
    locked.status = target
    locked.version += 1
    locked.updated_by = by
    locked.full_clean()
    locked.save()
    ReferralStatusChange.objects.create(
        referral=locked,
        source=source,
        target=target,
        on=on,
        by=by,
        note="\n".join(part for part in (decline_reason, note.strip()) if part),
    )
    referral.refresh_from_db()
    return referral


def _move_names(source, target):
    labels = dict(ReferralStatus.choices)
    return {"status": labels.get(source, source), "target": labels.get(target, target)}
