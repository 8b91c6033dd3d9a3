"""Referrals (서비스 연계 · 의뢰): status changes and their history, the capacity they hold, and the
consent rule for sharing the client's information."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation

from casemgmt.core.exceptions import ApplicationError
from resources import services
from resources.models import (
    CONSENT_DOES_NOT_COVER,
    DECLINED_NEEDS_REASON,
    NO_PROVIDER_TO_CONSENT_TO,
    Referral,
    ReferralStatus,
    Resource,
)

from .factories import dong
from .referral_helpers import case_in_planning, consent_for, plan_with_item, refer
from .resource_factories import ProviderFactory, ResourceFactory

pytestmark = pytest.mark.django_db


def today():
    """Seoul's date now: a test that runs across midnight must not compare with a stale one."""
    return timezone.localdate()


@pytest.fixture
def centre(db):
    return ProviderFactory(name="아차산복지관", service_dongs=[dong("능동")])


@pytest.fixture
def meals(centre):
    return ResourceFactory(
        name="밑반찬 배달",
        provider=centre,
        need_domain="health",
        capacity=2,
        capacity_unit="households",
    )


@pytest.fixture
def case(user_in_dong, supervisor):
    return case_in_planning(user_in_dong, supervisor)


@pytest.fixture
def item(case, user_in_dong, meals, centre):
    consent_for(case, user_in_dong, centre)
    return plan_with_item(case, user_in_dong, resource=meals)


def in_use(resource):
    return Resource.objects.get(pk=resource.pk).capacity_in_use


def history(referral):
    return [(c.source, c.target, c.by, c.on, c.note) for c in referral.changes.order_by("at", "id")]


# --- status and history -------------------------------------------------------------------------


def test_a_referral_starts_requested_with_one_history_row(item, user_in_dong, meals, centre):
    referral = refer(item, user_in_dong, note="전화로 의뢰")
    assert referral.status == ReferralStatus.REQUESTED
    assert (referral.resource, referral.provider) == (meals, centre)
    assert referral.requested_on == today()
    assert referral.created_by == user_in_dong
    assert history(referral) == [("", "requested", user_in_dong, today(), "전화로 의뢰")]


def test_every_status_change_fills_its_date_and_leaves_one_history_row(
    item, user_in_dong, supervisor
):
    referral = refer(item, user_in_dong)
    services.change_referral_status(
        referral=referral, by=user_in_dong, status="accepted", note="담당자 확인"
    )
    services.change_referral_status(referral=referral, by=supervisor, status="in_service")
    services.change_referral_status(
        referral=referral, by=user_in_dong, status="ended", note="목표 달성"
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ENDED
    assert (referral.responded_on, referral.started_on, referral.ended_on) == (today(),) * 3
    assert referral.version == 4
    assert referral.updated_by == user_in_dong
    assert history(referral) == [
        ("", "requested", user_in_dong, today(), ""),
        ("requested", "accepted", user_in_dong, today(), "담당자 확인"),
        ("accepted", "in_service", supervisor, today(), ""),
        ("in_service", "ended", user_in_dong, today(), "목표 달성"),
    ]


def test_a_decline_needs_its_reason_and_keeps_it(item, user_in_dong):
    referral = refer(item, user_in_dong)
    with pytest.raises(ApplicationError) as refused:
        services.change_referral_status(referral=referral, by=user_in_dong, status="declined")
    assert refused.value.message == DECLINED_NEEDS_REASON
    assert Referral.objects.get(pk=referral.pk).status == "requested"

    services.change_referral_status(
        referral=referral, by=user_in_dong, status="declined", decline_reason="정원 초과"
    )
    referral.refresh_from_db()
    assert (referral.status, referral.decline_reason, referral.responded_on) == (
        "declined",
        "정원 초과",
        today(),
    )
    assert history(referral)[-1][:2] == ("requested", "declined")
    assert history(referral)[-1][4] == "정원 초과"


@pytest.mark.parametrize(
    ("path", "forbidden"),
    [
        (["declined"], "accepted"),
        (["accepted", "in_service"], "accepted"),
        (["in_service", "ended"], "in_service"),
        ([], "requested"),
        ([], "no_such_status"),
    ],
)
def test_a_referral_moves_only_forward_along_its_steps(item, user_in_dong, path, forbidden):
    referral = refer(item, user_in_dong)
    for status in path:
        services.change_referral_status(
            referral=referral, by=user_in_dong, status=status, decline_reason="사유"
        )
    rows = referral.changes.count()
    with pytest.raises(ApplicationError):
        services.change_referral_status(
            referral=referral, by=user_in_dong, status=forbidden, decline_reason="사유"
        )
    assert referral.changes.count() == rows


def test_a_step_cannot_be_dated_in_the_future_or_before_the_previous_step(item, user_in_dong):
    # (Shares nothing: the consent of the fixture is valid from today only.)
    referral = refer(
        item,
        user_in_dong,
        requested_on=today() - datetime.timedelta(days=5),
        shares_information=False,
    )
    with pytest.raises(ApplicationError):
        services.change_referral_status(
            referral=referral,
            by=user_in_dong,
            status="accepted",
            on=today() + datetime.timedelta(days=1),
        )
    with pytest.raises(ApplicationError):
        services.change_referral_status(
            referral=referral,
            by=user_in_dong,
            status="accepted",
            on=today() - datetime.timedelta(days=6),
        )
    services.change_referral_status(
        referral=referral,
        by=user_in_dong,
        status="accepted",
        on=today() - datetime.timedelta(days=3),
    )
    with pytest.raises(ApplicationError):
        services.change_referral_status(
            referral=referral,
            by=user_in_dong,
            status="in_service",
            on=today() - datetime.timedelta(days=4),
        )
    assert Referral.objects.get(pk=referral.pk).started_on is None


def test_a_status_change_on_a_stale_copy_is_refused(item, user_in_dong, supervisor):
    referral = refer(item, user_in_dong)
    stale = Referral.objects.get(pk=referral.pk)
    services.change_referral_status(referral=referral, by=supervisor, status="accepted")
    with pytest.raises(ApplicationError):
        services.change_referral_status(
            referral=stale, by=user_in_dong, status="declined", decline_reason="중복"
        )
    assert Referral.objects.get(pk=referral.pk).status == "accepted"


def test_a_service_has_one_open_referral_at_a_time_and_may_be_referred_again_after_a_decline(
    item, user_in_dong
):
    first = refer(item, user_in_dong)
    with pytest.raises(ApplicationError):
        refer(item, user_in_dong)
    services.change_referral_status(
        referral=first, by=user_in_dong, status="declined", decline_reason="대기자 많음"
    )
    second = refer(item, user_in_dong)
    assert list(Referral.objects.filter(plan_item=item).order_by("id")) == [first, second]


def test_only_those_who_may_change_the_case_refer_or_change_a_referral(
    item, user_in_dong, user_other_dong, gu_staff
):
    for outsider in (user_other_dong, gu_staff):
        with pytest.raises(PermissionDenied):
            refer(item, outsider)
    referral = refer(item, user_in_dong)
    for outsider in (user_other_dong, gu_staff):
        with pytest.raises(PermissionDenied):
            services.change_referral_status(referral=referral, by=outsider, status="accepted")
    assert history(referral) == [("", "requested", user_in_dong, today(), "")]


def test_a_service_not_linked_to_the_registry_cannot_be_referred(case, user_in_dong):
    from cases.models import PlanItem

    item = plan_with_item(case, user_in_dong, provider=ProviderFactory(name="임시기관"))
    PlanItem.objects.filter(pk=item.pk).update(provider=None)
    item.refresh_from_db()
    with pytest.raises(ApplicationError):
        refer(item, user_in_dong)


def test_a_service_can_be_referred_to_a_provider_without_a_specific_resource(
    case, user_in_dong, centre
):
    consent_for(case, user_in_dong, centre)
    item = plan_with_item(case, user_in_dong, provider=centre)
    referral = refer(item, user_in_dong)
    services.change_referral_status(referral=referral, by=user_in_dong, status="in_service")
    referral.refresh_from_db()
    assert (referral.resource, referral.provider, referral.status) == (None, centre, "in_service")


def test_a_closed_case_makes_no_new_referral(user_in_dong, supervisor, centre):
    from cases.demo import EXAMPLES, run_to
    from cases.models import PlanItem

    from .factories import ClientFactory

    case = run_to(
        "closure",
        officer=user_in_dong,
        supervisor=supervisor,
        client=ClientFactory(name="종결된분"),
        example=EXAMPLES["withheld_living_expenses"],
    )
    item = case.plans.get().items.get()
    PlanItem.objects.filter(pk=item.pk).update(provider=centre)
    item.refresh_from_db()
    with pytest.raises(ApplicationError) as refused:
        refer(item, user_in_dong, shares_information=False)
    assert refused.value.message == services.REFERRAL_WRONG_STAGE
    assert not Referral.objects.exists()


# --- capacity follows the referrals -------------------------------------------------------------


def test_accepting_takes_capacity_and_ending_gives_it_back(item, user_in_dong, meals):
    referral = refer(item, user_in_dong)
    assert in_use(meals) == 0  # a request holds nothing yet
    services.change_referral_status(referral=referral, by=user_in_dong, status="accepted")
    assert in_use(meals) == 1
    services.change_referral_status(referral=referral, by=user_in_dong, status="in_service")
    assert in_use(meals) == 1  # held once, not twice
    services.change_referral_status(referral=referral, by=user_in_dong, status="ended")
    assert in_use(meals) == 0


def test_a_provider_taking_back_its_acceptance_gives_the_capacity_back(item, user_in_dong, meals):
    referral = refer(item, user_in_dong)
    services.change_referral_status(referral=referral, by=user_in_dong, status="accepted")
    services.change_referral_status(
        referral=referral, by=user_in_dong, status="declined", decline_reason="담당자 퇴사"
    )
    assert in_use(meals) == 0


def test_starting_at_once_takes_the_capacity_and_records_the_answer(item, user_in_dong, meals):
    referral = refer(item, user_in_dong)
    services.change_referral_status(referral=referral, by=user_in_dong, status="in_service")
    referral.refresh_from_db()
    assert in_use(meals) == 1
    assert referral.responded_on == referral.started_on == today()


def test_accepting_is_refused_when_no_capacity_is_left(
    case, user_in_dong, meals, centre, supervisor
):
    consent_for(case, user_in_dong, centre)
    items = plan_with_item(case, user_in_dong, resource=meals, items=3)
    referrals = [refer(i, user_in_dong) for i in items]
    for referral in referrals[:2]:
        services.change_referral_status(referral=referral, by=user_in_dong, status="accepted")
    assert in_use(meals) == 2
    for status in ("accepted", "in_service"):
        with translation.override("ko"), pytest.raises(ApplicationError) as refused:
            services.change_referral_status(referral=referrals[2], by=supervisor, status=status)
        message = str(refused.value.message)
        assert "밑반찬 배달" in message and "남은 정원이 모자라" in message
        assert "정원 2가구, 이용 중 2가구" in message
    assert in_use(meals) == 2
    assert Referral.objects.get(pk=referrals[2].pk).status == "requested"
    assert referrals[2].changes.count() == 1
    # Declining a full resource's referral needs no room.
    services.change_referral_status(
        referral=referrals[2], by=user_in_dong, status="declined", decline_reason="정원 마감"
    )
    # One ends: a place is free again.
    services.change_referral_status(referral=referrals[0], by=user_in_dong, status="ended")
    third = refer(items[2], user_in_dong)
    services.change_referral_status(referral=third, by=user_in_dong, status="accepted")
    assert in_use(meals) == 2


def test_a_referral_takes_as_much_capacity_as_it_uses(case, user_in_dong, centre):
    heating = ResourceFactory(
        name="난방비 후원",
        provider=centre,
        kind="material",
        subtype="sponsorship",
        need_domain="health",
        capacity=300000,
        capacity_unit="won_month",
        capacity_in_use=100000,
    )
    consent_for(case, user_in_dong, centre)
    first, second = plan_with_item(case, user_in_dong, resource=heating, items=2)
    referral = refer(first, user_in_dong, quantity=150000)
    services.change_referral_status(referral=referral, by=user_in_dong, status="accepted")
    assert in_use(heating) == 250000
    too_much = refer(second, user_in_dong, quantity=60000)
    with pytest.raises(ApplicationError):
        services.change_referral_status(referral=too_much, by=user_in_dong, status="accepted")
    services.change_referral_status(referral=referral, by=user_in_dong, status="ended")
    assert in_use(heating) == 100000


def test_an_unlimited_resource_counts_its_use_and_never_refuses(case, user_in_dong, centre):
    visits = ResourceFactory(name="방문건강관리", provider=centre, need_domain="health")
    consent_for(case, user_in_dong, centre)
    items = plan_with_item(case, user_in_dong, resource=visits, items=2)
    for i in items:
        services.change_referral_status(
            referral=refer(i, user_in_dong), by=user_in_dong, status="accepted"
        )
    assert in_use(visits) == 2


def test_a_resource_cannot_be_edited_below_what_its_referrals_hold(
    case, user_in_dong, meals, centre
):
    from django.core.exceptions import ValidationError

    consent_for(case, user_in_dong, centre)
    for i in plan_with_item(case, user_in_dong, resource=meals, items=2):
        services.change_referral_status(
            referral=refer(i, user_in_dong), by=user_in_dong, status="accepted"
        )
    meals.refresh_from_db()
    with pytest.raises(ValidationError):
        services.update_resource(
            resource=meals, by=user_in_dong, expected_version=meals.version, capacity=1
        )
    assert Resource.objects.get(pk=meals.pk).capacity == 2


# --- consent: who may receive the client's information ------------------------------------------


@pytest.fixture
def unconsented(case, user_in_dong, meals):
    """A service linked to a provider that the case's consent does not name."""
    return plan_with_item(case, user_in_dong, resource=meals)


def test_sharing_with_a_provider_is_refused_unless_a_consent_names_it(
    unconsented, user_in_dong, centre
):
    with translation.override("ko"), pytest.raises(ApplicationError) as refused:
        refer(unconsented, user_in_dong)
    message = str(refused.value.message)
    assert message == str(CONSENT_DOES_NOT_COVER % {"provider": "아차산복지관"})
    assert "아차산복지관" in message and "동의" in message  # Korean, and says what is missing
    assert not Referral.objects.exists()


def test_a_consent_that_names_the_provider_allows_the_referral(
    unconsented, case, user_in_dong, centre
):
    consent_for(case, user_in_dong, centre)
    referral = refer(unconsented, user_in_dong)
    assert referral.shares_information is True
    assert not referral.consent_overridden


@pytest.mark.parametrize("kind", ["withdrawn", "no_sharing", "another_provider", "future"])
def test_a_consent_that_does_not_cover_the_provider_today_does_not_allow_it(
    unconsented, case, user_in_dong, centre, kind
):
    from cases import services as case_services

    if kind == "withdrawn":
        consent = consent_for(case, user_in_dong, centre)
        case_services.withdraw_consent(consent=consent, by=user_in_dong, note="철회")
    elif kind == "no_sharing":
        consent = consent_for(case, user_in_dong, centre)
        type(consent).objects.filter(pk=consent.pk).update(sharing_consent=False)
    elif kind == "another_provider":
        consent_for(case, user_in_dong, ProviderFactory(name="다른기관"))
    else:
        consent = consent_for(case, user_in_dong, centre)
        type(consent).objects.filter(pk=consent.pk).update(
            valid_from=today() + datetime.timedelta(days=3)
        )
    with pytest.raises(ApplicationError):
        refer(unconsented, user_in_dong)


def test_the_dongs_supervisor_may_refer_without_consent_and_the_reason_is_recorded(
    unconsented, supervisor
):
    before = timezone.now()
    referral = refer(
        unconsented, supervisor, override_reason="위기 상황이라 먼저 연계, 서면 동의 예정"
    )
    referral.refresh_from_db()
    assert referral.consent_overridden
    assert referral.consent_override_by == supervisor
    assert referral.consent_override_at >= before
    assert referral.consent_override_reason == "위기 상황이라 먼저 연계, 서면 동의 예정"
    assert referral.shares_information is True


def test_a_supervisors_override_needs_a_reason(unconsented, supervisor):
    with pytest.raises(ApplicationError) as refused:
        refer(unconsented, supervisor, override_reason="  ")
    assert refused.value.extra["missing"]
    assert not Referral.objects.exists()


def test_a_case_manager_cannot_override_the_consent(unconsented, user_in_dong):
    with pytest.raises(ApplicationError) as refused:
        refer(unconsented, user_in_dong, override_reason="급해서")
    assert refused.value.message == services.OVERRIDE_ONLY_SUPERVISOR
    assert not Referral.objects.exists()


def test_another_dongs_supervisor_cannot_override_the_consent(unconsented, supervisor_other_dong):
    with pytest.raises(PermissionDenied):
        refer(unconsented, supervisor_other_dong, override_reason="급해서")


def test_an_override_is_not_recorded_when_the_consent_covers_the_provider(
    unconsented, case, user_in_dong, supervisor, centre
):
    consent_for(case, user_in_dong, centre)
    referral = refer(unconsented, supervisor, override_reason="필요 없음")
    assert not referral.consent_overridden
    assert referral.consent_override_reason == ""


def test_a_referral_that_shares_nothing_needs_no_consent(unconsented, user_in_dong):
    referral = refer(unconsented, user_in_dong, shares_information=False)
    assert referral.shares_information is False


def test_the_dongs_own_centre_shares_nothing_by_default_and_needs_no_consent(case, user_in_dong):
    own = ProviderFactory(
        name="능동 주민센터", sector="public", kind="dong_centre", service_dongs=[dong("능동")]
    )
    other_centre = ProviderFactory(
        name="구의제1동 주민센터",
        sector="public",
        kind="dong_centre",
        registering_dong=dong("구의제1동"),
    )
    referral = refer(plan_with_item(case, user_in_dong, provider=own), user_in_dong)
    assert referral.shares_information is False
    with pytest.raises(ApplicationError):
        refer(plan_with_item(case, user_in_dong, provider=other_centre), user_in_dong)


def test_a_resource_without_a_provider_cannot_be_covered_by_a_consent(case, user_in_dong):
    neighbours = ResourceFactory(
        name="이웃 안부 살피미", kind="relational", subtype="neighbour_network"
    )
    item = plan_with_item(case, user_in_dong, resource=neighbours)
    with translation.override("ko"), pytest.raises(ApplicationError) as refused:
        refer(item, user_in_dong)
    assert str(refused.value.message) == str(
        NO_PROVIDER_TO_CONSENT_TO % {"resource": "이웃 안부 살피미"}
    )
    assert refer(item, user_in_dong, shares_information=False).provider is None
