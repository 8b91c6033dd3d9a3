"""Matching a need to resources: what fits, and in which order."""

import datetime

import pytest

from resources.selectors import matching_resources

from .factories import dong
from .resource_factories import ProviderFactory, ResourceFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 15)


def health(**fields):
    return ResourceFactory(
        **{"need_domain": "health", "kind": "material", "subtype": "service", **fields}
    )


def matched(user, **kwargs):
    return [
        r.name
        for r in matching_resources(
            user=user, domain="health", dong=dong("능동"), on=TODAY, **kwargs
        )
    ]


def test_matching_lists_fitting_resources_best_first(user_in_dong):
    neung_area = ProviderFactory(name="능동 의원", service_dongs=[dong("능동")])
    elsewhere = ProviderFactory(name="자양 의원", service_dongs=[dong("자양제1동")])
    health(name="F 정원 마감", capacity=3, capacity_unit="persons", capacity_in_use=3)
    health(name="E 다음 달 시작", available_from=datetime.date(2026, 7, 1))
    health(name="D 구 전체 무제한")
    health(name="C 구 전체 두 자리", capacity=5, capacity_unit="persons", capacity_in_use=3)
    health(name="B 능동 의원 진료", provider=neung_area, capacity=4, capacity_unit="persons")
    health(name="A 능동 전용 방문간호", shared_gu_wide=False, capacity=2, capacity_unit="persons")
    # Not fitting at all:
    health(name="다른 영역", need_domain="economy")
    health(name="자양만 이용", provider=elsewhere)
    health(name="끝난 사업", available_until=datetime.date(2026, 5, 31))
    health(name="보관된 자원", archived_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))
    health(name="구의 전용", registering_dong=dong("구의제1동"), shared_gu_wide=False)

    assert matched(user_in_dong) == [
        # with room, available now, local: the more room left first
        "B 능동 의원 진료",
        "A 능동 전용 방문간호",
        # with room, available now, gu-wide: unlimited before two places
        "D 구 전체 무제한",
        "C 구 전체 두 자리",
        # with room but starting later
        "E 다음 달 시작",
        # full: last
        "F 정원 마감",
    ]


def test_matching_can_leave_out_full_resources(user_in_dong):
    health(name="정원 마감", capacity=1, capacity_unit="persons", capacity_in_use=1)
    health(name="여유 있음", capacity=1, capacity_unit="persons")
    assert matched(user_in_dong, include_full=False) == ["여유 있음"]


def test_matching_says_why_a_resource_ranks_where_it_does(user_in_dong):
    health(name="능동 전용", shared_gu_wide=False, available_from=datetime.date(2026, 7, 1))
    [row] = matching_resources(user=user_in_dong, domain="health", dong=dong("능동"), on=TODAY)
    assert (row.has_room, row.available_now, row.is_local) == (1, 0, 1)


def test_matching_for_another_dongs_client_offers_what_serves_that_dong(gu_staff):
    health(name="능동 전용", shared_gu_wide=False)
    health(name="구의 전용", registering_dong=dong("구의제1동"), shared_gu_wide=False)
    health(name="구 전체")
    found = matching_resources(user=gu_staff, domain="health", dong=dong("구의제1동"), on=TODAY)
    assert [r.name for r in found] == ["구의 전용", "구 전체"]


def test_matching_never_offers_what_the_officer_may_not_see(user_other_dong):
    health(name="능동 전용", shared_gu_wide=False)
    # Even asked for 능동, an officer of 구의제1동 is not shown 능동's own resource.
    assert [
        r.name
        for r in matching_resources(
            user=user_other_dong, domain="health", dong=dong("능동"), on=TODAY
        )
    ] == []


def test_matching_costs_one_query(user_in_dong, django_assert_num_queries):
    provider = ProviderFactory(service_dongs=[dong("능동")])
    for i in range(10):
        health(name=f"자원{i}", provider=provider if i % 2 else None)
    neung = dong("능동")
    user_in_dong.has_perm("resources.view_resource")  # the role's permissions, loaded once
    with django_assert_num_queries(1):
        rows = list(matching_resources(user=user_in_dong, domain="health", dong=neung, on=TODAY))
        assert len([r.provider.name for r in rows if r.provider_id]) == 5
