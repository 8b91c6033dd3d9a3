"""What a partner agency reads: its referrals (through the one door, consent included) and, of
each, the kinds of information the client agreed to share with it."""

from django.db.models import Case, F, IntegerField, Value, When
from django.utils import timezone

from .models import OPEN_REFERRAL, PartnerAccount, Referral, ReferralStatus

PARTNER_REFERRAL_RELATED = [
    "plan_item__plan__case__client",
    "plan_item__plan__case__dong",
    "plan_item__plan__case__primary_manager",
    "plan_item__plan__case__intake",
    "resource",
    "provider",
]


def partner_provider(user):
    account = PartnerAccount.objects.select_related("provider").filter(user=user).first()
    return account.provider if account is not None else None


def partner_referrals(*, user, filters=None):
    """The referrals the agency may read: those waiting for its answer first, then those in
    service, then the rest; newest first within each."""
    filters = filters or {}
    rows = Referral.objects.for_user(user).select_related(*PARTNER_REFERRAL_RELATED)
    if filters.get("status"):
        rows = rows.filter(status=filters["status"])
    if filters.get("open"):
        rows = rows.filter(status__in=OPEN_REFERRAL)
    order = Case(
        When(status=ReferralStatus.REQUESTED, then=Value(0)),
        When(status=ReferralStatus.ACCEPTED, then=Value(1)),
        When(status=ReferralStatus.IN_SERVICE, then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )
    if filters.get("sort") == "oldest":
        return rows.order_by("requested_on", "id")
    return rows.annotate(waiting=order).order_by("waiting", "-requested_on", "-id")


def consented_items(*, referral, on=None):
    """The kinds of information (SharedItem) the client's active consents let this referral's
    agency read today: empty when none covers it."""
    return consented_items_for(referrals=[referral], on=on)[referral.pk]


def consented_items_for(*, referrals, on=None):
    """consented_items for many referrals in one query: {referral id: set of SharedItem}."""
    from cases.models import Consent

    on = on or timezone.localdate()
    by_case = {}
    for r in referrals:
        by_case.setdefault((r.plan_item.plan.case_id, r.provider_id), []).append(r.pk)
    allowed = {r.pk: set() for r in referrals}
    if not by_case:
        return allowed
    consents = (
        Consent.objects.filter(
            case_id__in={case for case, _ in by_case},
            providers__in={provider for _, provider in by_case},
            sharing_consent=True,
        )
        .annotate(provider_id=F("providers"))
        .only("case_id", "shared_items", "valid_from", "valid_until", "withdrawn_on")
    )
    for consent in consents:
        if consent.is_active(on):
            for pk in by_case.get((consent.case_id, consent.provider_id), []):
                allowed[pk].update(consent.shared_items)
    return allowed
