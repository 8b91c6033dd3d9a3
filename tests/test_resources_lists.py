"""Finding resources: filters, Korean partial-text search, sorting, paging, the same few queries
however many rows; the providers list; the team's development log."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from casemgmt.core.roles import Role
from resources import services

from .factories import UserFactory, dong
from .resource_factories import DevelopmentFactory, ProviderFactory, ResourceFactory

pytestmark = pytest.mark.django_db


def names(response):
    return [r.name for r in response.context["page"].object_list]


@pytest.fixture
def registry(db):
    area = ProviderFactory(name="능동 전담 복지관", service_dongs=[dong("능동")])
    gu_wide = ProviderFactory(name="구 전체 자활센터")
    return {
        "반찬": ResourceFactory(
            name="밑반찬 정기 배달",
            description="홀몸 어르신 댁으로 주 1회 반찬 배달",
            kind="material",
            subtype="goods",
            need_domain="daily_living",
            provider=area,
            capacity=10,
            capacity_unit="households",
            capacity_in_use=10,
        ),
        "봉사": ResourceFactory(
            name="말벗 자원봉사자",
            description="안부 전화와 방문",
            kind="human",
            subtype="volunteer",
            need_domain="social",
        ),
        "자활": ResourceFactory(
            name="자활근로",
            description="청소 사업단 일자리",
            kind="material",
            subtype="service",
            need_domain="employment",
            provider=gu_wide,
            capacity=30,
            capacity_unit="places",
            capacity_in_use=12,
        ),
        "이웃": ResourceFactory(
            name="이웃 안부 살피미",
            description="골목 이웃이 하루 한 번 안부 확인",
            kind="relational",
            subtype="neighbour_network",
            need_domain="safety",
            registering_dong=dong("구의제1동"),
            shared_gu_wide=True,
        ),
        "area": area,
        "gu_wide": gu_wide,
    }


def test_korean_partial_text_search_looks_in_names_and_descriptions(client, user_in_dong, registry):
    client.force_login(user_in_dong)
    url = reverse("resources:resource_list")
    assert names(client.get(url, {"q": "반찬"})) == ["밑반찬 정기 배달"]
    assert names(client.get(url, {"q": "사업단"})) == ["자활근로"]  # in the description
    assert names(client.get(url, {"q": "안부"})) == ["말벗 자원봉사자", "이웃 안부 살피미"]
    # Every word must appear, in any order.
    assert names(client.get(url, {"q": "안부 골목"})) == ["이웃 안부 살피미"]
    assert names(client.get(url, {"q": "없는말"})) == []


def test_the_list_filters_by_kind_domain_provider_dong_and_capacity_left(
    client, user_in_dong, registry
):
    client.force_login(user_in_dong)
    url = reverse("resources:resource_list")
    assert names(client.get(url, {"kind": "relational"})) == ["이웃 안부 살피미"]
    assert names(client.get(url, {"need_domain": "employment"})) == ["자활근로"]
    assert names(client.get(url, {"provider": registry["area"].pk})) == ["밑반찬 정기 배달"]
    # The provider serves 능동 only: not usable by a client of 화양동.
    assert "밑반찬 정기 배달" not in names(client.get(url, {"dong": dong("화양동").pk}))
    assert "밑반찬 정기 배달" in names(client.get(url, {"dong": dong("능동").pk}))
    # Full (10 of 10 in use): dropped when only resources with room are asked for.
    assert names(client.get(url, {"has_room": "on"})) == [
        "말벗 자원봉사자",
        "이웃 안부 살피미",
        "자활근로",
    ]


def test_a_bad_filter_value_drops_that_filter_only(client, user_in_dong, registry):
    client.force_login(user_in_dong)
    response = client.get(reverse("resources:resource_list"), {"kind": "nonsense", "q": "자활"})
    assert names(response) == ["자활근로"]


def test_the_list_sorts(client, user_in_dong, registry):
    client.force_login(user_in_dong)
    url = reverse("resources:resource_list")
    assert names(client.get(url))[0] == "말벗 자원봉사자"
    by_room = names(client.get(url, {"sort": "capacity_left"}))
    # Unlimited first, then the most left (18), the full one last.
    assert by_room[-2:] == ["자활근로", "밑반찬 정기 배달"]
    by_provider = names(client.get(url, {"sort": "provider"}))
    assert by_provider[:2] == ["자활근로", "밑반찬 정기 배달"]  # 구 전체… before 능동…


def test_the_list_pages_by_25_and_keeps_the_filters(client, user_in_dong):
    ResourceFactory.create_batch(30, need_domain="health", description="건강")
    ResourceFactory(need_domain="economy")
    client.force_login(user_in_dong)
    url = reverse("resources:resource_list")
    first = client.get(url, {"need_domain": "health"})
    assert first.context["page"].paginator.count == 30
    assert len(first.context["page"].object_list) == 25
    second = client.get(url, {"need_domain": "health", "page": 2})
    assert len(second.context["page"].object_list) == 5
    assert "need_domain=health&amp;page=1" in second.content.decode()


def test_the_resource_list_costs_the_same_few_queries_for_many_rows(
    client, user_in_dong, django_assert_max_num_queries
):
    providers = ProviderFactory.create_batch(5)
    for i in range(40):
        ResourceFactory(
            provider=providers[i % 5],
            updated_by=user_in_dong,
            capacity=5,
            capacity_unit="persons",
            registering_dong=dong("능동" if i % 2 else "구의제1동"),
        )
    client.force_login(user_in_dong)
    with django_assert_max_num_queries(13):  # with the top bar's unread-alert count
        response = client.get(reverse("resources:resource_list"), {"sort": "provider"})
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 25


def test_the_provider_list_costs_the_same_few_queries_for_many_rows(
    client, user_in_dong, django_assert_max_num_queries
):
    for i in range(30):
        provider = ProviderFactory(service_dongs=[dong("능동"), dong("광장동")])
        ResourceFactory.create_batch(2, provider=provider, name=f"자원{i}")
    client.force_login(user_in_dong)
    with django_assert_max_num_queries(13):  # with the top bar's unread-alert count
        response = client.get(reverse("resources:provider_list"))
    page = response.context["page"].object_list
    assert len(page) == 25
    assert page[0].resource_count == 2
    assert "능동, 광장동" in response.content.decode()


def test_the_provider_list_filters_by_sector_kind_dong_and_conferences(client, user_in_dong):
    ProviderFactory(
        name="보건소", sector="public", kind="health_centre", joins_case_conferences=True
    )
    ProviderFactory(name="능동 교회", kind="religious", service_dongs=[dong("능동")])
    ProviderFactory(name="자양 복지관", service_dongs=[dong("자양제1동")])
    client.force_login(user_in_dong)
    url = reverse("resources:provider_list")
    assert names(client.get(url, {"sector": "public"})) == ["보건소"]
    assert names(client.get(url, {"kind": "religious"})) == ["능동 교회"]
    assert names(client.get(url, {"dong": dong("능동").pk})) == ["능동 교회", "보건소"]
    assert names(client.get(url, {"conferences": "on"})) == ["보건소"]
    assert names(client.get(url, {"q": "자양"})) == ["자양 복지관"]


# --- the development log ------------------------------------------------------------------------


@pytest.fixture
def team_work(user_in_dong, supervisor, user_other_dong):
    today = timezone.localdate()
    ours = ResourceFactory(name="능동 반찬")
    theirs = ResourceFactory(name="구의 반찬", registering_dong=dong("구의제1동"))
    return {
        "old": DevelopmentFactory(
            resource=ours,
            developed_by=user_in_dong,
            developed_on=today - datetime.timedelta(days=90),
        ),
        "recent": DevelopmentFactory(
            resource=ours,
            developed_by=supervisor,
            method="business_donation",
            developed_on=today - datetime.timedelta(days=5),
        ),
        "other_dong": DevelopmentFactory(
            resource=theirs, developed_by=user_other_dong, developed_on=today
        ),
    }


def test_a_supervisor_sees_the_development_work_of_their_team(client, supervisor, team_work):
    client.force_login(supervisor)
    response = client.get(reverse("resources:development_list"))
    assert list(response.context["page"].object_list) == [team_work["recent"], team_work["old"]]
    assert response.context["total"] == 2
    assert "구의 반찬" not in response.content.decode()


def test_the_development_log_filters_by_date_range_and_person(
    client, supervisor, user_in_dong, team_work
):
    client.force_login(supervisor)
    url = reverse("resources:development_list")
    since = timezone.localdate() - datetime.timedelta(days=30)
    assert list(client.get(url, {"date_from": since.isoformat()}).context["page"]) == [
        team_work["recent"]
    ]
    assert list(client.get(url, {"date_to": since.isoformat()}).context["page"]) == [
        team_work["old"]
    ]
    assert list(client.get(url, {"person": user_in_dong.pk}).context["page"]) == [team_work["old"]]
    summary = dict(client.get(url, {"person": supervisor.pk}).context["summary"])
    assert [n for n in summary.values()] == [0, 1, 0, 0]


def test_gu_staff_see_every_dongs_development_work_and_filter_by_dong(client, gu_staff, team_work):
    client.force_login(gu_staff)
    url = reverse("resources:development_list")
    assert client.get(url).context["page"].paginator.count == 3
    assert list(client.get(url, {"dong": dong("구의제1동").pk}).context["page"]) == [
        team_work["other_dong"]
    ]


def test_the_development_log_costs_the_same_few_queries_for_many_rows(
    client, supervisor, user_in_dong, django_assert_max_num_queries
):
    for _ in range(30):
        DevelopmentFactory(developed_by=user_in_dong)
    client.force_login(supervisor)
    with django_assert_max_num_queries(13):  # with the top bar's unread-alert count
        response = client.get(reverse("resources:development_list"))
    assert len(response.context["page"].object_list) == 25


def test_an_officer_records_a_development_and_returns_to_the_resource(client, user_in_dong):
    colleague = UserFactory(name="이동료", dong=dong("능동"), role=Role.CASE_MANAGER)
    resource = ResourceFactory()
    client.force_login(user_in_dong)
    form_page = client.get(reverse("resources:development_create"), {"resource": resource.pk})
    assert form_page.context["form"].initial["resource"] == resource.pk
    response = client.post(
        reverse("resources:development_create"),
        {
            "resource": resource.pk,
            "developed_on": timezone.localdate().isoformat(),
            "method": "new_volunteer",
            "developed_by": colleague.pk,
            "note": "새 봉사자 2명",
            "next": "resource",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("resources:resource_detail", args=[resource.pk])
    entry = resource.developments.get()
    assert (entry.developed_by, entry.created_by, entry.note) == (
        colleague,
        user_in_dong,
        "새 봉사자 2명",
    )


def test_a_development_cannot_be_dated_in_the_future(client, user_in_dong):
    resource = ResourceFactory()
    client.force_login(user_in_dong)
    response = client.post(
        reverse("resources:development_create"),
        {
            "resource": resource.pk,
            "developed_on": (timezone.localdate() + datetime.timedelta(days=1)).isoformat(),
            "method": "other",
            "developed_by": user_in_dong.pk,
            "note": "미리 적은 기록",
        },
    )
    assert response.status_code == 200
    assert "developed_on" in response.context["form"].errors
    assert "미리 적은 기록" in response.content.decode()


def test_the_service_refuses_a_developer_from_outside_the_team(user_in_dong, user_other_dong):
    from django.core.exceptions import ValidationError

    resource = ResourceFactory()
    with pytest.raises(ValidationError):
        services.record_development(
            resource=resource,
            by=user_in_dong,
            developed_by=user_other_dong,
            developed_on=timezone.localdate(),
            method="other",
        )
