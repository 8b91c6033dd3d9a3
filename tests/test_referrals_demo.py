"""The demo referrals: linked plan items of the demo cases, every status, idempotent."""

import pytest

from cases.demo import DEMO_CASE_CLIENTS
from resources.demo import DEMO_PARTNER_REFERRALS, DEMO_RESOURCES, seed_demo_referrals
from resources.models import Referral, Resource
from resources.selectors import referrals_for_case

pytestmark = pytest.mark.django_db


@pytest.mark.django_db(transaction=True)
def test_the_demo_referrals_cover_every_status_and_can_run_twice(demo):
    seed_demo_referrals()  # (once seed_demo runs it itself, this finds nothing more to do)
    # The demo cases' referrals (the partner agencies' own are tested below).
    demo_cases = [name for names in DEMO_CASE_CLIENTS.values() for name in names]
    rows = Referral.objects.filter(plan_item__plan__case__client__name__in=demo_cases)
    count = rows.count()
    assert count >= 8
    assert seed_demo_referrals() == {"referrals": 0}
    assert rows.count() == count

    assert set(rows.values_list("status", flat=True)) == {
        "requested",
        "accepted",
        "declined",
        "in_service",
        "ended",
    }
    dongs = set(rows.values_list("plan_item__plan__case__dong__name", flat=True))
    assert dongs == {"능동", "구의제1동"}
    stages = set(rows.values_list("plan_item__plan__case__stage", flat=True))
    assert stages == {"intervention", "monitoring", "evaluation"}
    assert rows.filter(consent_override_by__isnull=False).count() == 1
    assert rows.filter(resource__isnull=True, provider__isnull=False).exists()
    for referral in rows.select_related("plan_item"):
        assert referral.plan_item.resource_id == referral.resource_id
        assert referral.changes.count() >= 1

    # Capacity follows: what the demo referrals hold now was added to the seeded use.
    seeded = {row[0]: row[9] for row in DEMO_RESOURCES}
    for resource in Resource.objects.filter(referrals__isnull=False).distinct():
        held = sum(
            r.quantity for r in resource.referrals.filter(status__in=["accepted", "in_service"])
        )
        assert resource.capacity_in_use == seeded[resource.name] + held, resource.name

    declined = rows.get(status="declined")
    assert declined.decline_reason
    assert [
        r.needs_advocacy
        for r in referrals_for_case(case=declined.plan_item.plan.case)
        if r.pk == declined.pk
    ] == [True]


@pytest.mark.django_db(transaction=True)
def test_each_demo_partner_agency_has_a_login_and_a_referral_in_every_state(demo):
    from django.contrib.auth import get_user_model

    from casemgmt.core.access import is_partner
    from cases.models import Monitoring

    for agency, rows in DEMO_PARTNER_REFERRALS.items():
        referrals = Referral.objects.filter(
            provider__name=agency,
            plan_item__plan__case__client__name__in=[client for client, _i, _s in rows],
        )
        assert set(referrals.values_list("status", flat=True)) == {s for _c, _i, s in rows}
        partner = get_user_model().objects.get(partner_account__provider__name=agency)
        assert is_partner(partner) and partner.two_factor
        # The agency reads every one of them (each client agreed to share with it)...
        assert set(Referral.objects.for_user(partner)) >= set(referrals)
        # ...and its reports wait for the case manager on the referrals in service.
        waiting = Monitoring.objects.filter(reported_by_provider__name=agency, confirmed_at=None)
        assert waiting.count() == 2
