"""Separate consent for sensitive data and for the resident registration number.

The Personal Information Protection Act asks for consent to sensitive data such as health and
disability (Art. 23) and to unique identifiers such as the resident registration number
(Art. 24) apart from the general consent. A client's consent records (``Consent``, one per case
and date) carry the two as their own ticks. The rules:

- health and disability notes (the client's and the household's) are recorded only while the
  client has a consent in force with ``sensitive_consent``; the resident registration number
  only while one has ``identifier_consent``. Clearing a value is always allowed;
- what was recorded before a withdrawal (or before the consent ran out) is kept, unchanged and
  in its history, but it is no longer shown on any page, in a summary or a print: the pages say
  that something is held and why it is not shown.

"Lifting" a withdrawal means a new consent record (a new signature): nothing is re-shown by
editing an old one.
"""

from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casemgmt.core.exceptions import ApplicationError

RESIDENT_NUMBER_NEEDS_CONSENT = _(
    "The resident registration number is recorded only with the client's separate consent to "
    "it (Personal Information Protection Act, Art. 24): record that consent on the case first."
)
HEALTH_NEEDS_CONSENT = _(
    "Health and disability notes are recorded only with the client's separate consent to "
    "sensitive data (Personal Information Protection Act, Art. 23): record that consent on the "
    "case first."
)
NOT_SHOWN_RESIDENT_NUMBER = _(
    "Held, not shown: there is no separate consent in force for the resident registration number."
)
NOT_SHOWN_HEALTH = _(
    "Held, not shown: there is no separate consent in force for health and disability information."
)


@dataclass(frozen=True)
class SpecialConsent:
    sensitive: bool = False
    identifier: bool = False


def in_force(on=None):
    """The consent records in force on a day (not withdrawn by then, not run out)."""
    on = on or timezone.localdate()
    return (
        Q(valid_from__lte=on)
        & (Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=on))
        & (Q(valid_until__isnull=True) | Q(valid_until__gte=on))
    )


def special_consent(client, on=None) -> SpecialConsent:
    """What the client has separately consented to today, over all of their cases (one query)."""
    from .models import Consent

    if client is None or client.pk is None:
        return SpecialConsent()
    given = set()
    rows = (
        Consent.objects.filter(in_force(on), case__client_id=client.pk)
        .filter(Q(sensitive_consent=True) | Q(identifier_consent=True))
        .values_list("sensitive_consent", "identifier_consent")
    )
    for sensitive, identifier in rows:
        if sensitive:
            given.add("sensitive")
        if identifier:
            given.add("identifier")
    return SpecialConsent(sensitive="sensitive" in given, identifier="identifier" in given)


def check_client_values(client, *, resident_number, health_notes, before=None):
    """Refuse recording (not clearing or keeping) what the client has not consented to."""
    consent = special_consent(client)
    before = before or {}
    if resident_number and resident_number != before.get("resident_number", ""):
        if not consent.identifier:
            raise ApplicationError(RESIDENT_NUMBER_NEEDS_CONSENT)
    if health_notes and health_notes != before.get("health_notes", ""):
        if not consent.sensitive:
            raise ApplicationError(HEALTH_NEEDS_CONSENT)
