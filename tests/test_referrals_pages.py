"""Referral pages: matching on the plan page (two clicks), referring from the plan page, the
referral page and its status form, the declined-referral prompt, the list, the provider page."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from cases.models import Intervention, PlanItem
from resources import services
from resources.models import Referral

from .factories import dong
from .referral_helpers import case_in_planning, consent_for, plan_with_item, refer
from .resource_factories import ProviderFactory, ResourceFactory

pytestmark = pytest.mark.django_db


def today():
    """Seoul's date now: a test that runs across midnight must not compare with a stale one."""
    return timezone.localdate()


@pytest.fixture
def centre(db):
    return ProviderFactory(
        name="아차산복지관", service_dongs=[dong("능동")], contact_person="윤연계"
    )


@pytest.fixture
def case(user_in_dong, supervisor):
    return case_in_planning(user_in_dong, supervisor)


def plan_url(plan, **query):
    url = reverse("cases:plan_detail", args=[plan.case_id, plan.number])
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def empty_plan(case, officer, domain="health"):
    from cases import services as case_services

    plan = case_services.create_plan(
        case=case,
        by=officer,
        short_term_goal="건강 회복",
        long_term_goal="스스로 생활",
        goals=[
            {
                "domain": domain,
                "problem": "아이가 자주 아픔",
                "need": "아이의 건강 회복",
                "purpose": "아이의 건강 회복",
                "goal": "6개월 안에 병원 치료 일수를 30% 줄인다",
            }
        ],
    )
    return plan


# --- matching on the plan page: two clicks -----------------------------------------------------


@pytest.fixture
def health_resources(centre):
    far = ProviderFactory(name="자양의원", service_dongs=[dong("자양제1동")])
    return {
        "full": ResourceFactory(
            name="가 정원 마감 검진",
            need_domain="health",
            capacity=1,
            capacity_unit="persons",
            capacity_in_use=1,
        ),
        "gu": ResourceFactory(name="나 구 전체 방문간호", need_domain="health"),
        "local": ResourceFactory(
            name="다 동네 의원 진료",
            need_domain="health",
            provider=centre,
            capacity=4,
            capacity_unit="persons",
            capacity_in_use=1,
        ),
        "other_domain": ResourceFactory(name="라 일자리", need_domain="employment"),
        "elsewhere": ResourceFactory(name="마 자양만", need_domain="health", provider=far),
        "other_dong_only": ResourceFactory(
            name="바 구의 전용 검진",
            need_domain="health",
            registering_dong=dong("구의제1동"),
            shared_gu_wide=False,
        ),
    }


def test_the_plan_page_lists_the_resources_that_fit_the_goal_best_first_and_says_why(
    client, user_in_dong, case, health_resources
):
    plan = empty_plan(case, user_in_dong)
    client.force_login(user_in_dong)
    response = client.get(plan_url(plan))
    assert [r.name for r in response.context["matches"]] == [
        "다 동네 의원 진료",  # room left, available now, local
        "나 구 전체 방문간호",  # room left, gu-wide
        "가 정원 마감 검진",  # full: last
    ]
    local, gu_wide, full = response.context["matches"]
    assert (local.has_room, local.available_now, local.is_local) == (1, 1, 1)
    assert (gu_wide.has_room, gu_wide.is_local) == (1, 0)
    assert full.has_room == 0
    page = response.content.decode()
    matching = page[page.index('id="matching"') : page.index('id="item-form"')]
    assert matching.index("다 동네 의원 진료") < matching.index("나 구 전체 방문간호")
    assert matching.index("나 구 전체 방문간호") < matching.index("가 정원 마감 검진")
    for absent in ("라 일자리", "마 자양만", "바 구의 전용 검진"):
        assert absent not in matching
    with translation.override("ko"):
        matching = client.get(plan_url(plan)).content.decode()
    for why in ("3명 남음", "제한 없음", "마감", "지금 이용 가능", "우리 동 자원", "구 전체"):
        assert why in matching, why


def test_choosing_a_match_fills_in_the_service_form_and_adding_it_links_the_resource(
    client, user_in_dong, case, health_resources, centre
):
    plan = empty_plan(case, user_in_dong)
    goal = plan.goals.get()
    local = health_resources["local"]
    client.force_login(user_in_dong)
    # Click 1: choose.
    response = client.get(plan_url(plan, goal=goal.pk, resource=local.pk))
    form = response.context["item_form"]
    assert response.context["picked"] == local
    assert form["resource"].value() == local.pk
    assert form["provider"].value() == centre.pk
    assert form["provider_name"].value() == "아차산복지관"
    assert form["person_in_charge"].value() == "윤연계"
    assert form["goal"].value() == goal.pk
    assert "다 동네 의원 진료" in form["service_content"].value()
    # Click 2: add the service, with exactly what the form shows.
    data = {
        f"item-{name}": ("" if form[name].value() is None else form[name].value())
        for name in form.fields
    }
    response = client.post(reverse("cases:plan_item_add", args=[case.pk, plan.number]), data)
    assert response.status_code == 302, response.context and response.context["item_form"].errors
    item = PlanItem.objects.get(plan=plan)
    assert (item.resource, item.provider, item.provider_name) == (local, centre, "아차산복지관")
    page = client.get(plan_url(plan)).content.decode()
    assert reverse("resources:resource_detail", args=[local.pk]) in page
    assert reverse("resources:referral_create", args=[item.pk]) in page


def test_a_resource_the_officer_may_not_see_cannot_be_chosen(
    client, user_in_dong, case, health_resources
):
    plan = empty_plan(case, user_in_dong)
    client.force_login(user_in_dong)
    hidden = health_resources["other_dong_only"]
    response = client.get(plan_url(plan, resource=hidden.pk))
    assert response.context["picked"] is None
    assert response.context["item_form"]["resource"].value() is None
    assert hidden not in response.context["item_form"].fields["resource"].queryset


def test_the_matches_follow_the_goal_chosen(client, user_in_dong, case, health_resources):
    from cases import services as case_services

    plan = empty_plan(case, user_in_dong)
    work = case_services.add_plan_goal(
        plan=plan,
        by=user_in_dong,
        domain="employment",
        problem="일자리 없음",
        need="소득",
        purpose="소득",
        goal="3개월 안에 일을 시작한다",
    )
    health = plan.goals.get(domain="health")
    client.force_login(user_in_dong)
    assert [r.name for r in client.get(plan_url(plan)).context["matches"]] == ["라 일자리"]
    assert client.get(plan_url(plan, goal=health.pk)).context["match_goal"] == health
    assert client.get(plan_url(plan, goal=work.pk)).context["match_goal"] == work


def test_a_signed_plan_offers_no_matching_but_its_items_can_be_referred(
    client, user_in_dong, case, centre
):
    from cases import services as case_services

    consent_for(case, user_in_dong, centre)
    item = plan_with_item(case, user_in_dong, provider=centre)
    case_services.sign_plan(plan=item.plan, by=user_in_dong, method="paper", manager_signed=True)
    client.force_login(user_in_dong)
    response = client.get(plan_url(item.plan))
    assert response.context["matches"] == []
    assert reverse("resources:referral_create", args=[item.pk]) in response.content.decode()


# --- referring from the plan page ---------------------------------------------------------------


def test_an_officer_refers_a_linked_service_from_the_plan_page_and_sees_its_status(
    client, user_in_dong, case, centre
):
    consent_for(case, user_in_dong, centre)
    item = plan_with_item(case, user_in_dong, provider=centre)
    client.force_login(user_in_dong)
    url = reverse("resources:referral_create", args=[item.pk])
    form_page = client.get(url)
    assert form_page.status_code == 200
    assert form_page.context["covering"] is not None
    assert form_page.context["form"]["shares_information"].value() is True
    response = client.post(
        url, {"shares_information": "on", "requested_on": today().isoformat(), "note": "전화 의뢰"}
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"{plan_url(item.plan)}#item-{item.pk}")
    referral = Referral.objects.get()
    assert (referral.plan_item, referral.status, referral.note) == (item, "requested", "전화 의뢰")
    page = client.get(plan_url(item.plan)).content.decode()
    assert reverse("resources:referral_detail", args=[referral.pk]) in page
    assert reverse("resources:referral_create", args=[item.pk]) not in page  # one open at a time


def test_the_referral_form_says_what_consent_is_missing_and_refuses(
    client, user_in_dong, case, centre
):
    item = plan_with_item(case, user_in_dong, provider=centre)
    client.force_login(user_in_dong)
    url = reverse("resources:referral_create", args=[item.pk])
    page = client.get(url)
    assert page.context["missing"]
    assert "override_reason" not in page.context["form"].fields  # a case manager cannot
    response = client.post(
        url, {"shares_information": "on", "requested_on": today().isoformat(), "note": ""}
    )
    assert response.status_code == 400
    assert "아차산복지관" in " ".join(response.context["form"].non_field_errors())
    assert not Referral.objects.exists()


def test_the_supervisor_refers_without_consent_by_writing_the_reason(
    client, supervisor, user_in_dong, case, centre
):
    item = plan_with_item(case, user_in_dong, provider=centre)
    client.force_login(supervisor)
    url = reverse("resources:referral_create", args=[item.pk])
    assert "override_reason" in client.get(url).context["form"].fields
    response = client.post(
        url,
        {
            "shares_information": "on",
            "requested_on": today().isoformat(),
            "override_reason": "긴급 연계",
        },
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert (referral.consent_override_by, referral.consent_override_reason) == (
        supervisor,
        "긴급 연계",
    )
    assert (
        "긴급 연계"
        in client.get(reverse("resources:referral_detail", args=[referral.pk])).content.decode()
    )


# --- the referral page --------------------------------------------------------------------------


@pytest.fixture
def referral(case, user_in_dong, centre):
    consent_for(case, user_in_dong, centre)
    return refer(plan_with_item(case, user_in_dong, provider=centre), user_in_dong)


def test_the_referral_page_records_each_step_with_a_korean_form(client, user_in_dong, referral):
    client.force_login(user_in_dong)
    detail = reverse("resources:referral_detail", args=[referral.pk])
    change = reverse("resources:referral_change", args=[referral.pk])
    choices = dict(client.get(detail).context["status_form"].fields["status"].choices)
    assert set(choices) == {"accepted", "declined", "in_service", "ended"}
    response = client.post(
        change, {"status": "accepted", "on": today().isoformat(), "note": "수락"}
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == "accepted"
    page = client.get(detail)
    assert set(dict(page.context["status_form"].fields["status"].choices)) == {
        "declined",
        "in_service",
        "ended",
    }
    assert [(c.source, c.target) for c in page.context["history"]] == [
        ("", "requested"),
        ("requested", "accepted"),
    ]


def test_a_decline_without_its_reason_is_refused_on_the_form(client, user_in_dong, referral):
    client.force_login(user_in_dong)
    response = client.post(
        reverse("resources:referral_change", args=[referral.pk]),
        {"status": "declined", "on": today().isoformat()},
    )
    assert response.status_code == 400
    assert response.context["status_form"].errors["decline_reason"]
    assert Referral.objects.get(pk=referral.pk).status == "requested"


def test_the_gu_staff_read_a_referral_but_change_nothing(client, gu_staff, referral):
    client.force_login(gu_staff)
    detail = client.get(reverse("resources:referral_detail", args=[referral.pk]))
    assert detail.status_code == 200
    assert detail.context["status_form"] is None
    response = client.post(
        reverse("resources:referral_change", args=[referral.pk]),
        {"status": "accepted", "on": today().isoformat()},
    )
    assert response.status_code == 403
    assert Referral.objects.get(pk=referral.pk).status == "requested"


# --- a declined referral prompts advocacy -------------------------------------------------------


def test_a_declined_referral_prompts_the_officer_to_advocate_until_advocacy_is_recorded(
    client, user_in_dong, case, referral
):
    services.change_referral_status(
        referral=referral, by=user_in_dong, status="declined", decline_reason="정원이 찼다고 함"
    )
    advocacy_url = (
        reverse("cases:intervention_create", args=[case.pk])
        + f"?kind=advocacy&amp;plan_item={referral.plan_item_id}"
    )
    partial = render_to_string("resources/_case_referrals.html", {"case": case, "can_edit": True})
    assert "정원이 찼다고 함" in partial
    assert advocacy_url in partial
    client.force_login(user_in_dong)
    assert advocacy_url in client.get(plan_url(referral.plan_item.plan)).content.decode()
    assert (
        advocacy_url
        in client.get(reverse("resources:referral_detail", args=[referral.pk])).content.decode()
    )

    # The link opens the intervention form ready for advocacy on that service.
    form = client.get(advocacy_url.replace("&amp;", "&")).context["form"]
    assert form["kind"].value() == "advocacy"
    assert str(form["plan_item"].value()) == str(referral.plan_item_id)
    response = client.post(
        reverse("cases:intervention_create", args=[case.pk]),
        {
            "kind": "advocacy",
            "date": today().isoformat(),
            "plan_item": referral.plan_item_id,
            "note": "기관장과 통화해 대기 순번을 앞당김",
        },
    )
    assert response.status_code == 302
    assert Intervention.objects.filter(kind="advocacy", plan_item=referral.plan_item).exists()
    partial = render_to_string("resources/_case_referrals.html", {"case": case, "can_edit": True})
    assert advocacy_url not in partial
    assert "정원이 찼다고 함" not in partial


def test_the_case_partial_lists_the_case_referrals_in_a_few_queries(
    case, user_in_dong, centre, django_assert_max_num_queries
):
    consent_for(case, user_in_dong, centre)
    for item in plan_with_item(case, user_in_dong, provider=centre, items=6):
        refer(item, user_in_dong)
    with django_assert_max_num_queries(2):
        html = render_to_string("resources/_case_referrals.html", {"case": case, "can_edit": False})
    assert html.count("아차산복지관") == 6
