"""The case pages: Korean forms that keep what was typed, moves refused with their reasons."""

import pytest
from django.urls import reverse

from cases.models import Case, Stage

from . import lifecycle
from .clock import days, iso
from .factories import ClientFactory, dong

pytestmark = pytest.mark.django_db

EXAMPLE = lifecycle.EXAMPLES["school_grades"]


@pytest.fixture
def run(user_in_dong, supervisor):
    def run_to(stage):
        client_record = ClientFactory(dong=dong("능동"), name="조은숙")
        return lifecycle.run_to(
            stage,
            officer=user_in_dong,
            supervisor=supervisor,
            client=client_record,
            example=EXAMPLE,
        )

    return run_to


def test_an_intake_with_disposition_three_opens_a_case_and_lands_on_it(
    client, user_in_dong, client_in_dong
):
    client.force_login(user_in_dong)
    response = client.post(
        reverse("cases:intake_create", args=[client_in_dong.pk]),
        {
            "intake_date": iso(-1),
            "route": "referral",
            "route_detail": "통장 제보",
            "presenting_problem": "월세 체납",
            "urgency": "urgent",
            "disposition": "case",
        },
    )
    case = Case.objects.get()
    assert response["Location"] == reverse("cases:case_detail", args=[case.pk])
    assert case.number == f"능동-{days(-1).year}-0001"
    page = client.get(response["Location"]).content.decode()
    assert "욕구사정 시작" in page
    assert "초기상담" in page


def test_a_refused_intake_keeps_what_was_typed(client, user_in_dong, client_in_dong):
    client.force_login(user_in_dong)
    response = client.post(
        reverse("cases:intake_create", args=[client_in_dong.pk]),
        {
            "intake_date": iso(-1),
            "route": "walk_in",
            "presenting_problem": "",
            "strengths": "이웃과 친함",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["presenting_problem"] == ["필수 항목입니다."]
    assert response.context["form"].errors["disposition"] == ["필수 항목입니다."]
    assert "이웃과 친함" in response.content.decode()
    assert not Case.objects.exists()


def test_the_case_page_shows_the_next_step_and_what_it_lacks(client, user_in_dong, run):
    case = run(Stage.PLANNING)
    client.force_login(user_in_dong)
    page = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert "다음 단계" in page
    assert "개입 시작" in page
    assert "서비스 계획을 작성하세요." in page


def test_a_refused_move_says_why_in_korean(client, user_in_dong, run):
    case = run(Stage.PLANNING)
    client.force_login(user_in_dong)
    response = client.post(
        reverse("cases:case_move", args=[case.pk, "start_intervention"]), follow=True
    )
    assert "서비스 계획을 작성하세요." in response.content.decode()
    case.refresh_from_db()
    assert case.stage == Stage.PLANNING


def test_the_assessment_form_saves_needs_and_completes(client, user_in_dong, run):
    case = run(Stage.ASSESSMENT)
    client.force_login(user_in_dong)
    response = client.post(reverse("cases:assessment_start", args=[case.pk]))
    assessment = case.assessments.get()
    assert response["Location"] == reverse("cases:assessment_edit", args=[case.pk, 1])
    form_page = client.get(response["Location"]).content.decode()
    assert "이웃과 관계가 좋고" in form_page  # the intake's strengths, not typed twice
    data = {
        "loaded_version": assessment.version,
        "assessed_on": iso(0),
        "functional_assessment": "일상생활 자립",
        "strengths": "성실함",
        "client_view": "",
        "risk_level": "",
        "needs-TOTAL_FORMS": "2",
        "needs-INITIAL_FORMS": "0",
        "needs-MIN_NUM_FORMS": "0",
        "needs-MAX_NUM_FORMS": "1000",
        "needs-1-priority": "1",  # the empty extra row, as the browser sends it
        "needs-0-domain": "education",
        "needs-0-priority": "1",
        "needs-0-current_state": "성적 하위권",
        "needs-0-desired_state": "학업 향상",
        "needs-0-change_strategy": "",
        "needs-0-client_view": "",
    }
    refused = client.post(response["Location"], {**data, "complete": "1"})
    assert "욕구사정을 완료하기 전에 위기도를 고르세요." in refused.content.decode()
    # the refused "save and complete" saved nothing: the form's version still holds
    done = client.post(response["Location"], {**data, "risk_level": "medium", "complete": "1"})
    assert done.status_code == 302
    assessment.refresh_from_db()
    assert assessment.is_complete
    assert list(assessment.needs.values_list("domain", flat=True)) == ["education"]


def test_the_plan_page_prefills_the_goal_from_the_assessed_need(client, user_in_dong, run):
    case = run(Stage.PLANNING)
    client.force_login(user_in_dong)
    response = client.post(
        reverse("cases:plan_create", args=[case.pk]),
        {"short_term_goal": "단기", "long_term_goal": "장기"},
    )
    assert case.plans.get().number == 1
    page = client.get(response["Location"])
    assert page.context["goal_form"].initial["domain"] == "social"
    # the problem of the need's own domain, not the intake's presenting problem
    assert page.context["goal_form"].initial["problem"] == EXAMPLE["needs"]["social"][0]


def test_a_plan_item_ending_before_it_starts_is_refused_on_the_field(client, user_in_dong, run):
    case = run(Stage.PLANNING)
    client.force_login(user_in_dong)
    client.post(
        reverse("cases:plan_create", args=[case.pk]),
        {"short_term_goal": "단기", "long_term_goal": "장기"},
    )
    client.post(
        reverse("cases:plan_goal_add", args=[case.pk, 1]),
        {
            "goal-domain": "education",
            "goal-problem": "p",
            "goal-need": "n",
            "goal-purpose": "u",
            "goal-goal": "3개월 안에 자녀의 성적 30% 향상",
        },
    )
    goal = case.plans.get().goals.get()
    response = client.post(
        reverse("cases:plan_item_add", args=[case.pk, 1]),
        {
            "item-goal": goal.pk,
            "item-service_content": "학습 멘토링",
            "item-priority": 1,
            "item-start_date": iso(30),
            "item-end_date": iso(0),
            "item-times_per_week": 2,
            "item-provider_name": "복지관",
            "item-monitoring_method": "provider",
        },
    )
    assert response.status_code == 400
    assert response.context["item_form"].errors["end_date"] == [
        "종료일은 시작일보다 빠를 수 없습니다."
    ]
    assert "학습 멘토링" in response.content.decode()
    signed = client.post(
        reverse("cases:plan_sign", args=[case.pk, 1]),
        {"sign-method": "paper", "sign-signed_on": iso(0), "sign-manager_signed": "on"},
    )
    assert "서명할 서비스 항목이 계획에 없습니다." in signed.content.decode()


def test_only_the_supervisor_sees_the_selection_decision(client, user_in_dong, supervisor, run):
    case = run(Stage.SELECTION)
    client.force_login(user_in_dong)
    assert (
        "선정 여부 결정"
        not in client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    )
    refused = client.post(
        reverse("cases:selection_decide", args=[case.pk]),
        {"selected": "1", "case_type": "general", "decided_on": iso(0)},
    )
    assert "복지팀장(슈퍼바이저)만" in refused.content.decode()
    client.force_login(supervisor)
    assert (
        "선정 여부 결정"
        in client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    )
    assert (
        client.post(
            reverse("cases:selection_decide", args=[case.pk]),
            {"selected": "1", "case_type": "general", "decided_on": iso(0)},
        ).status_code
        == 302
    )


def test_the_timeline_shows_moves_counselling_and_monitoring(client, user_in_dong, run):
    case = run(Stage.EVALUATION)
    client.force_login(user_in_dong)
    timeline = client.get(reverse("cases:case_detail", args=[case.pk])).context["timeline"]
    kinds = {event["kind"] for event in timeline}
    assert {
        "stage",
        "intake",
        "assessment",
        "selection",
        "consent",
        "plan",
        "intervention",
        "monitoring",
    } <= kinds


def test_the_case_list_filters_by_stage_and_manager_in_bounded_queries(
    client, user_in_dong, supervisor, run, django_assert_max_num_queries
):
    for stage in (Stage.ASSESSMENT, Stage.PLANNING, Stage.INTERVENTION):
        run(stage)
    client.force_login(user_in_dong)
    url = reverse("cases:case_list")
    with django_assert_max_num_queries(16):
        response = client.get(url)
    assert response.context["page"].paginator.count == 3
    assert [c.stage for c in client.get(url, {"stage": "planning"}).context["page"]] == ["planning"]
    assert client.get(url, {"manager": "me"}).context["page"].paginator.count == 3
    assert client.get(url, {"manager": str(user_in_dong.pk)}).context["page"].paginator.count == 3


def test_overdue_monitoring_is_found(client, user_in_dong, run):
    import datetime

    from cases import schedule
    from cases.models import PlanItem

    late, on_time = run(Stage.INTERVENTION), run(Stage.INTERVENTION)
    PlanItem.objects.filter(plan__case=late).update(
        start_date=lifecycle.today() - datetime.timedelta(days=45)
    )  # the services keep the dates; an item edited in place is recomputed as they would
    schedule.refresh(late)
    client.force_login(user_in_dong)
    found = client.get(reverse("cases:case_list"), {"overdue": "monitoring"}).context["page"]
    assert [c.pk for c in found] == [late.pk]
    assert on_time.next_contact_due > lifecycle.today()


def test_the_dashboard_puts_what_waits_for_the_supervisor_on_top(client, supervisor, run):
    case = run(Stage.SELECTION)
    client.force_login(supervisor)
    response = client.get("/")
    assert [c.pk for c in response.context["waiting"]["selection"]] == [case.pk]
    assert "선정 결정을 기다리는 사례" in response.content.decode()


def test_saving_an_assessment_again_unchanged_keeps_its_needs(client, user_in_dong, run):
    case = run(Stage.ASSESSMENT)
    client.force_login(user_in_dong)
    client.post(reverse("cases:assessment_start", args=[case.pk]))
    assessment = case.assessments.get()
    url = reverse("cases:assessment_edit", args=[case.pk, 1])
    row = {
        "needs-0-domain": "education",
        "needs-0-priority": "1",
        "needs-0-current_state": "하위권",
        "needs-0-desired_state": "향상",
        "needs-0-change_strategy": "",
        "needs-0-client_view": "",
    }
    base = {
        "assessed_on": iso(0),
        "functional_assessment": "자립",
        "strengths": "",
        "client_view": "",
        "risk_level": "low",
        "needs-MIN_NUM_FORMS": "0",
        "needs-MAX_NUM_FORMS": "1000",
    }
    client.post(
        url,
        {
            **base,
            **row,
            "loaded_version": assessment.version,
            "needs-TOTAL_FORMS": "1",
            "needs-INITIAL_FORMS": "0",
        },
    )
    # The page now shows the row as an initial form; the officer saves again without touching it.
    client.post(
        url,
        {
            **base,
            **row,
            "loaded_version": assessment.version + 1,
            "needs-TOTAL_FORMS": "2",
            "needs-INITIAL_FORMS": "1",
            "needs-1-priority": "1",
        },
    )
    assert list(assessment.needs.values_list("domain", "current_state")) == [
        ("education", "하위권")
    ]


def test_the_dashboard_counts_every_intake_result_of_the_month(
    client, user_in_dong, client_in_dong
):
    from cases import services as case_services

    for disposition in ("benefit", "benefit", "information", "case"):
        case_services.record_intake(client=client_in_dong, by=user_in_dong, intake_date=lifecycle.today(), route="walk_in",
                                    presenting_problem="상담", disposition=disposition)  # fmt: skip
    client.force_login(user_in_dong)
    stats = dict(client.get("/").context["intakes"])
    assert [
        stats[k]
        for k in (
            "① 복지급여 신청",
            "② 복지서비스 신청",
            "③ 서비스 연계 및 사례관리 의뢰",
            "④ 타 기관 사업 정보 제공",
        )
    ] == [2, 0, 1, 1]


def test_a_consent_is_withdrawn_from_the_case_page_with_its_date(client, user_in_dong, run):
    case = run(Stage.PLANNING)
    consent = case.consents.get()
    client.force_login(user_in_dong)
    url = reverse("cases:consent_withdraw", args=[case.pk, consent.pk])
    withdrawn_on = consent.valid_from  # the day the consent was given: here, today
    refused = client.post(url, {"withdrawn_on": withdrawn_on.isoformat(), "note": ""})
    assert refused.context["form"].errors["note"] == ["필수 항목입니다."]
    posted = {"withdrawn_on": withdrawn_on.isoformat(), "note": "본인 요청"}
    assert client.post(url, posted).status_code == 302
    consent.refresh_from_db()
    assert (consent.withdrawn_on, consent.withdrawal_note) == (withdrawn_on, "본인 요청")


def test_the_outcome_goals_of_an_unsigned_plan_are_changed_on_the_plan_page(
    client, user_in_dong, run
):
    case = run(Stage.PLANNING)
    client.force_login(user_in_dong)
    client.post(
        reverse("cases:plan_create", args=[case.pk]),
        {"short_term_goal": "단기", "long_term_goal": "장기"},
    )
    plan = case.plans.get()
    url = reverse("cases:plan_update", args=[case.pk, 1])
    client.post(
        url,
        {"short_term_goal": "새 단기", "long_term_goal": "장기", "loaded_version": plan.version},
    )
    plan.refresh_from_db()
    assert plan.short_term_goal == "새 단기"
    stale = client.post(
        url, {"short_term_goal": "덮어쓰기", "long_term_goal": "장기", "loaded_version": 1}
    )
    assert stale.status_code == 400
    plan.refresh_from_db()
    assert plan.short_term_goal == "새 단기"


def _needs_post(version, needs):
    data = {
        "loaded_version": version,
        "assessed_on": iso(0),
        "functional_assessment": "일상생활 자립",
        "strengths": "",
        "client_view": "",
        "risk_level": "",
        "needs-TOTAL_FORMS": str(len(needs)),
        "needs-INITIAL_FORMS": "0",
        "needs-MIN_NUM_FORMS": "0",
        "needs-MAX_NUM_FORMS": "1000",
    }
    for n, (domain, current) in enumerate(needs):
        data |= {f"needs-{n}-domain": domain, f"needs-{n}-priority": str(n + 1),
                 f"needs-{n}-current_state": current, f"needs-{n}-desired_state": "나아짐",
                 f"needs-{n}-change_strategy": "", f"needs-{n}-client_view": ""}  # fmt: skip
    return data


def test_a_draft_assessment_keeps_every_version_of_its_needs_in_the_history(
    client, user_in_dong, run
):
    """Saving a draft used to delete its needs and write them anew, with no history."""
    from cases.models import AssessmentNeed

    case = run(Stage.ASSESSMENT)
    client.force_login(user_in_dong)
    client.post(reverse("cases:assessment_start", args=[case.pk]))
    assessment = case.assessments.get()
    url = reverse("cases:assessment_edit", args=[case.pk, 1])
    client.post(
        url,
        _needs_post(assessment.version, [("education", "성적 하위권"), ("health", "허리 통증")]),
    )
    education = assessment.needs.get(domain="education")
    assessment.refresh_from_db()
    client.post(url, _needs_post(assessment.version, [("education", "기초학력 미달")]))

    education.refresh_from_db()  # the same row, changed in place
    assert education.current_state == "기초학력 미달"
    assert list(assessment.needs.values_list("domain", flat=True)) == ["education"]
    kinds = list(
        AssessmentNeed.history.order_by("history_id").values_list(
            "domain", "history_type", "current_state"
        )
    )
    assert kinds == [
        ("education", "+", "성적 하위권"), ("health", "+", "허리 통증"),
        ("health", "-", "허리 통증"), ("education", "~", "기초학력 미달"),
    ]  # fmt: skip
    assert {h.history_user for h in AssessmentNeed.history.all()} == {user_in_dong}
    page = client.get(reverse("cases:case_history", args=[case.pk])).content.decode()
    assert "성적 하위권" in page and "기초학력 미달" in page and "허리 통증" in page
