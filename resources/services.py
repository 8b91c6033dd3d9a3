"""Writes to the registry. Keyword-only, atomic, checked against the one access rule, ending in
full_clean(); save() (or save_versioned for an edit)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casemgmt.core.access import ensure_can_edit
from casemgmt.core.exceptions import ApplicationError
from casemgmt.core.versioning import save_versioned

from .models import Provider, Resource, ResourceDevelopment, can_register
from .selectors import team_members

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
