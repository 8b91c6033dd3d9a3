"""The demo referrals: linked plan items of the demo cases, every status, idempotent."""

import pytest

from resources.demo import DEMO_RESOURCES, seed_demo_referrals
from resources.models import Referral, Resource
from resources.selectors import referrals_for_case

pytestmark = pytest.mark.django_db


@pytest.mark.django_db(transaction=True)
def test_the_demo_referrals_cover_every_status_and_can_run_twice(demo):
    seed_demo_referrals()  # (once seed_demo runs it itself, this finds nothing more to do)
    count = Referral.objects.count()
    assert count >= 8
    assert seed_demo_referrals() == {"referrals": 0}
    assert Referral.objects.count() == count

    assert set(Referral.objects.values_list("status", flat=True)) == {
        "requested",
        "accepted",
        "declined",
        "in_service",
        "ended",
    }
    dongs = set(Referral.objects.values_list("plan_item__plan__case__dong__name", flat=True))
    assert dongs == {"능동", "구의제1동"}
    stages = set(Referral.objects.values_list("plan_item__plan__case__stage", flat=True))
    assert stages == {"intervention", "monitoring", "evaluation"}
    assert Referral.objects.filter(consent_override_by__isnull=False).count() == 1
    assert Referral.objects.filter(resource__isnull=True, provider__isnull=False).exists()
    for referral in Referral.objects.select_related("plan_item"):
        assert referral.plan_item.resource_id == referral.resource_id
        assert referral.changes.count() >= 1

    # Capacity follows: what the demo referrals hold now was added to the seeded use.
    seeded = {row[0]: row[9] for row in DEMO_RESOURCES}
    for resource in Resource.objects.filter(referrals__isnull=False).distinct():
        held = sum(
            r.quantity for r in resource.referrals.filter(status__in=["accepted", "in_service"])
        )
        assert resource.capacity_in_use == seeded[resource.name] + held, resource.name

    declined = Referral.objects.get(status="declined")
    assert declined.decline_reason
    assert [
        r.needs_advocacy
        for r in referrals_for_case(case=declined.plan_item.plan.case)
        if r.pk == declined.pk
    ] == [True]
