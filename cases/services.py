"""Writes with business rules. Keyword-only, atomic, ending in full_clean(); save()."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from casemgmt.core.access import can_create_in_dong, ensure_can_edit
from casemgmt.core.exceptions import ApplicationError
from casemgmt.core.versioning import save_versioned

from .models import Client

CLIENT_FIELDS = [
    "name",
    "birth_date",
    "sex",
    "phone",
    "address",
    "livelihood_status",
    "health_notes",
]

NO_DONG_TO_REGISTER = _("Only officers of a dong can register clients.")


@transaction.atomic
def create_client(*, by, **data) -> Client:
    if not can_create_in_dong(by, Client):
        raise ApplicationError(NO_DONG_TO_REGISTER)
    client = Client(dong_id=by.dong_id, created_by=by, updated_by=by)
    for field in CLIENT_FIELDS:
        if field in data:
            setattr(client, field, data[field])
    client.full_clean()
    client.save()
    return client


def update_client(*, client, by, expected_version, **data) -> Client:
    ensure_can_edit(by, client)
    for field in CLIENT_FIELDS:
        if field in data:
            setattr(client, field, data[field])
    return save_versioned(client, by=by, expected_version=expected_version)
