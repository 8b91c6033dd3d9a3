"""The database backs up form validation: impossible rows are refused even past the forms."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from cases.models import Case, Consent, DiscoveryEntry, Intervention, PlanItem, Stage
from resources.models import Resource

from . import lifecycle
from .factories import ClientFactory, dong

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(user_in_dong, supervisor):
    data = lifecycle.EXAMPLES["frequent_illness"]
    person = ClientFactory(dong=dong("능동"), **data["client"])
    return lifecycle.run_to(
        Stage.INTERVENTION, officer=user_in_dong, supervisor=supervisor, client=person, example=data
    )


def _refused(queryset, **values):
    with pytest.raises(IntegrityError), transaction.atomic():
        queryset.update(**values)


def test_plan_items_need_an_end_after_the_start_and_a_positive_frequency(case):
    items = PlanItem.objects.filter(plan__case=case)[:1]
    item = items.get()
    _refused(PlanItem.objects.filter(pk=item.pk), end_date=item.start_date - datetime.timedelta(1))
    _refused(PlanItem.objects.filter(pk=item.pk), times_per_week=0)
    _refused(PlanItem.objects.filter(pk=item.pk), priority=0)


def test_case_numbers_are_unique_per_dong_and_year(case, user_in_dong, supervisor):
    other = lifecycle.run_to(
        Stage.ASSESSMENT,
        officer=user_in_dong,
        supervisor=supervisor,
        client=ClientFactory(dong=dong("능동")),
        example=lifecycle.EXAMPLES["frequent_illness"],
    )
    _refused(Case.objects.filter(pk=other.pk), sequence=case.sequence, year=case.year)


def test_a_consent_cannot_be_withdrawn_before_it_began(case):
    consent = Consent.objects.filter(case=case).first()
    _refused(
        Consent.objects.filter(pk=consent.pk),
        withdrawn_on=consent.valid_from - datetime.timedelta(days=1),
    )


def test_an_intervention_lasts_a_positive_time(case, user_in_dong):
    from cases import services

    done = services.record_intervention(
        case=case, by=user_in_dong, kind="counselling", note="가정방문 상담", duration_minutes=30
    )
    _refused(Intervention.objects.filter(pk=done.pk), duration_minutes=0)


def test_a_discovery_entry_is_due_after_it_was_received(user_in_dong):
    from cases import services

    entry = services.add_discovery_entry(
        by=user_in_dong,
        source="tongjang",
        name="위기가구",
        address="능동로 9",
        received_on=datetime.date(2026, 11, 1),
        due_on=datetime.date(2026, 11, 10),
    )
    _refused(DiscoveryEntry.objects.filter(pk=entry.pk), due_on=datetime.date(2026, 10, 1))


def test_resources_keep_a_positive_capacity_and_a_sane_period():
    from .resource_factories import ResourceFactory

    resource = ResourceFactory(registering_dong=dong("능동"), capacity=5, capacity_unit="persons")
    _refused(Resource.objects.filter(pk=resource.pk), capacity=0)
    _refused(
        Resource.objects.filter(pk=resource.pk),
        available_from=datetime.date(2026, 5, 1),
        available_until=datetime.date(2026, 4, 1),
    )


def test_every_postgresql_connection_runs_without_jit():
    """JIT compilation cost more than the gu's long list queries themselves (casemgmt/settings)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
