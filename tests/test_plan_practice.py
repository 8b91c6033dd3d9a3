"""The service plan as 002 asks for it: each goal pre-filled from the assessed need of its own
domain; a service the case manager gives herself (사례관리자 직접 제공) needs no provider; the
plan's labels are those of the seed's form."""

import re

import pytest
from django.urls import reverse

from casemgmt.core.exceptions import ApplicationError
from cases import services
from cases.models import PlanItem, Stage
from resources import services as resource_services
from resources.models import Referral

from . import lifecycle
from .clock import iso
from .factories import ClientFactory, dong
from .resource_factories import ProviderFactory

pytestmark = pytest.mark.django_db

EXAMPLE = lifecycle.EXAMPLES["withheld_living_expenses"]

ECONOMY = {
    "domain": "economy",
    "priority": 1,
    "current_state": "관리비와 전기요금이 석 달째 밀려 있음",
    "client_view": "밀린 요금부터 해결하고 싶다고 함",
    "desired_state": "체납 없이 매달 요금을 냄",
    "change_strategy": "체납 해소 후원 연계",
}
SOCIAL = {
    "domain": "social",
    "priority": 2,
    "current_state": "이사 온 뒤 이웃과 왕래가 없어 고립되어 있음",
    "client_view": "말벗이 있었으면 좋겠다고 함",
    "desired_state": "이웃과 안부를 주고받음",
    "change_strategy": "동네 모임 연결",
}


def planning_case(officer, supervisor, *, needs=(ECONOMY, SOCIAL)):
    """A case at planning whose completed assessment has the given needs (not the example's)."""
    case = lifecycle.run_to(
        Stage.ASSESSMENT,
        officer=officer,
        supervisor=supervisor,
        client=ClientFactory(dong=dong("능동"), name="홍정미"),
        example=EXAMPLE,
    )
    assessment = services.start_assessment(
        case=case, by=officer, functional_assessment="일상생활 자립", risk_level="medium"
    )
    services.update_assessment(
        assessment=assessment,
        by=officer,
        expected_version=assessment.version,
        needs=[dict(need) for need in needs],
    )
    services.complete_assessment(assessment=assessment, by=officer)
    lifecycle.move(case, "submit_for_selection", officer)
    lifecycle.select_with_consent(officer, supervisor, case)
    lifecycle.move(case, "select", officer)
    return case


def printed_text(client, case):
    """The printed plan's HTML preview as text, without white space (the PDF wraps words)."""
    html = client.get(reverse("cases:plan_print", args=[case.pk, 1]) + "?format=html")
    return "".join(re.sub(r"<[^>]+>", " ", html.content.decode()).split())


def new_plan(client, case):
    response = client.post(
        reverse("cases:plan_create", args=[case.pk]),
        {"short_term_goal": "체납을 해소한다", "long_term_goal": "이웃과 어울려 산다"},
    )
    assert response.status_code == 302
    return response["Location"]


# --- point 16: pre-fill from the assessed need of the same domain -----------------------------------
def test_each_goal_is_prefilled_from_the_assessed_need_of_its_own_domain(
    client, user_in_dong, supervisor
):
    case = planning_case(user_in_dong, supervisor)
    client.force_login(user_in_dong)
    plan_url = new_plan(client, case)

    first = client.get(plan_url).context["goal_form"].initial
    assert first == {
        "domain": "economy",
        "problem": ECONOMY["current_state"],  # not the intake's presenting problem
        "demand": ECONOMY["client_view"],
        "need": ECONOMY["desired_state"],  # not the current state
        "purpose": ECONOMY["desired_state"],
    }

    saved = client.post(
        reverse("cases:plan_goal_add", args=[case.pk, 1]),
        {
            **{f"goal-{field}": value for field, value in first.items()},
            "goal-goal": "3개월 안에 본인의 관리비와 전기요금 체납이 0원이 된다",
        },
    )
    assert saved.status_code == 302
    goal = case.plans.get().goals.get()
    assert (goal.domain, goal.problem) == ("economy", ECONOMY["current_state"])

    second = client.get(plan_url).context["goal_form"].initial
    assert second["domain"] == "social"
    assert second["problem"] == SOCIAL["current_state"]
    assert second["demand"] == SOCIAL["client_view"]
    assert second["need"] == SOCIAL["desired_state"]


def test_the_officer_may_start_a_goal_from_any_assessed_need(client, user_in_dong, supervisor):
    case = planning_case(user_in_dong, supervisor)
    client.force_login(user_in_dong)
    plan_url = new_plan(client, case)
    page = client.get(plan_url)
    assert "?need=social#add-goal" in page.content.decode()
    initial = client.get(plan_url + "?need=social").context["goal_form"].initial
    assert (initial["domain"], initial["problem"]) == ("social", SOCIAL["current_state"])


# --- point 7: the case manager as provider ------------------------------------------------------------
def direct_item(case, **more):
    goal = case.plans.get().goals.first()
    return {
        "item-goal": goal.pk,
        "item-service_content": "정서 지지 상담(가정방문)",
        "item-priority": 1,
        "item-period": "단기",
        "item-start_date": iso(0),
        "item-end_date": iso(60),
        "item-times_per_week": 1,
        "item-by_case_manager": "on",
        "item-monitoring_method": "regular_contact",
        **more,
    }


@pytest.fixture
def planned(client, user_in_dong, supervisor):
    """A plan with the example's goals, at the planning stage, the officer logged in."""
    case = lifecycle.run_to(
        Stage.PLANNING,
        officer=user_in_dong,
        supervisor=supervisor,
        client=ClientFactory(dong=dong("능동"), name="응우옌티투"),
        example=EXAMPLE,
    )
    services.create_plan(
        case=case,
        by=user_in_dong,
        short_term_goal="가계 사정을 함께 안다",
        long_term_goal="평등한 부부 관계",
        goals=[{**g, "items": []} for g in lifecycle.plan_goals(EXAMPLE)],
    )
    client.force_login(user_in_dong)
    return case


def test_the_item_form_offers_direct_provision_with_the_case_managers_name(
    client, planned, user_in_dong
):
    page = client.get(reverse("cases:plan_detail", args=[planned.pk, 1]))
    form = page.context["item_form"]
    assert str(form["by_case_manager"].label) == "사례관리자 직접 제공"
    html = page.content.decode()
    assert f'data-manager-name="{user_in_dong.name}"' in html
    assert "js/plan_item.js" in html


def test_a_direct_service_needs_no_provider_and_is_given_by_the_case_manager(
    client, planned, user_in_dong
):
    response = client.post(reverse("cases:plan_item_add", args=[planned.pk, 1]), direct_item(planned))  # fmt: skip
    assert response.status_code == 302
    item = PlanItem.objects.get(plan__case=planned)
    assert item.by_case_manager
    assert item.resource is None and item.provider is None
    assert item.provider_name == "사례관리자 직접 제공"
    assert item.person_in_charge == user_in_dong.name
    page = client.get(response["Location"]).content.decode()
    assert "사례관리자 직접 제공" in page
    printed = printed_text(client, planned)
    assert "사례관리자직접제공" in printed
    assert user_in_dong.name in printed


def test_a_person_in_charge_typed_by_the_officer_is_kept(client, planned):
    client.post(
        reverse("cases:plan_item_add", args=[planned.pk, 1]),
        direct_item(planned, **{"item-person_in_charge": "이보조"}),
    )
    assert PlanItem.objects.get(plan__case=planned).person_in_charge == "이보조"


def test_a_direct_service_with_a_provider_is_refused_on_the_field(client, planned, user_in_dong):
    provider = ProviderFactory(gu=user_in_dong.dong.gu)
    response = client.post(
        reverse("cases:plan_item_add", args=[planned.pk, 1]),
        direct_item(planned, **{"item-provider": provider.pk}),
    )
    assert response.status_code == 400
    assert response.context["item_form"].errors["by_case_manager"] == [
        "사례관리자가 직접 제공하는 서비스에는 자원이나 제공기관을 고르지 않습니다. 고른 것을 "
        "지우거나 직접 제공 표시를 해제하세요."
    ]
    assert not PlanItem.objects.filter(plan__case=planned).exists()
    with pytest.raises(ApplicationError):
        services.add_plan_item(
            plan=planned.plans.get(),
            goal=planned.plans.get().goals.first(),
            by=user_in_dong,
            service_content="상담",
            start_date=planned.opened_on,
            end_date=planned.opened_on,
            times_per_week=1,
            by_case_manager=True,
            provider=provider,
            monitoring_method="regular_contact",
        )


def test_referral_code_refuses_a_direct_service_cleanly(client, planned, user_in_dong):
    client.post(reverse("cases:plan_item_add", args=[planned.pk, 1]), direct_item(planned))
    item = PlanItem.objects.get(plan__case=planned)
    plan_page = client.get(reverse("cases:plan_detail", args=[planned.pk, 1])).content.decode()
    assert reverse("resources:referral_create", args=[item.pk]) not in plan_page
    with pytest.raises(ApplicationError) as refused:
        resource_services.create_referral(plan_item=item, by=user_in_dong)
    assert refused.value.message == resource_services.REFERRAL_DIRECT
    url = reverse("resources:referral_create", args=[item.pk])
    assert client.get(url).status_code == 200
    posted = client.post(url, {"requested_on": iso(0)})
    assert posted.status_code == 400
    assert (
        "사례관리자가 직접 제공하는 서비스라 의뢰할 제공기관이 없습니다." in posted.content.decode()
    )
    assert not Referral.objects.exists()


def test_a_new_plan_version_keeps_the_direct_service(planned, user_in_dong):
    plan = planned.plans.get()
    services.add_plan_item(
        plan=plan,
        goal=plan.goals.first(),
        by=user_in_dong,
        service_content="정서 지지 상담",
        start_date=planned.opened_on,
        end_date=planned.opened_on,
        times_per_week=1,
        by_case_manager=True,
        monitoring_method="regular_contact",
    )
    services.sign_plan(plan=plan, by=user_in_dong, method="paper", manager_signed=True)
    second = services.create_plan(
        case=planned, by=user_in_dong, short_term_goal="새 단기", long_term_goal="새 장기"
    )
    item = second.items.get()
    assert item.by_case_manager and item.provider_name == "사례관리자 직접 제공"
    assert item.person_in_charge == user_in_dong.name
    assert second.goals.first().goal_type == plan.goals.first().goal_type != ""


def test_the_demo_shows_a_service_the_case_manager_gives_herself(user_in_dong, supervisor):
    case = lifecycle.run_to(
        Stage.INTERVENTION,
        officer=user_in_dong,
        supervisor=supervisor,
        client=ClientFactory(dong=dong("능동")),
        example=lifecycle.EXAMPLES["school_grades"],
    )
    item = case.plans.get().items.get(by_case_manager=True)
    assert item.person_in_charge == user_in_dong.name


# --- point 13: the labels of the seed's form --------------------------------------------------------
def test_the_plan_form_and_printed_plan_use_the_seed_forms_labels(client, planned):
    client.post(reverse("cases:plan_item_add", args=[planned.pk, 1]), direct_item(planned))
    page = client.get(reverse("cases:plan_detail", args=[planned.pk, 1]))
    labels = {name: str(field.label) for name, field in page.context["item_form"].fields.items()}
    assert labels["start_date"] == "서비스 시작일자"  # ⑦
    assert labels["end_date"] == "서비스 종료일자"  # ⑧
    assert labels["times_per_week"] == "횟수(회/1주당)"  # ⑨
    goal_labels = {n: str(f.label) for n, f in page.context["goal_form"].fields.items()}
    assert goal_labels["goal"] == "개입 목표"  # ③
    assert goal_labels["goal_type"] == "목표 유형" and goal_labels["term"] == "목표 기간"
    printed = printed_text(client, planned)
    for label in ["대상자명", "담당사례관리자", "단기성과목표", "장기성과목표", "서비스시작일자",
                  "서비스종료일자", "횟수(회/1주당)", "⑭성명:", "⑮사례관리자:"]:  # fmt: skip
        assert label in printed, label
    assert "단기·대인관계" in printed  # the goal's term and type (002) printed under ③
