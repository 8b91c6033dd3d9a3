"""Good practice as the easy path (issue 14, points 3, 4 and 15): the case page offers only the
moves that make sense now, each with everything it lacks; a reassessment or a re-opened case
goes through a new assessment and a new plan; a gu may ask for the plan's approval first."""

import pytest
from django.urls import reverse

from casemgmt.core.exceptions import ApplicationError
from cases import services
from cases.models import ConsentMethod, DeadlinePolicy, Stage

from . import lifecycle
from .factories import ClientFactory, dong

pytestmark = pytest.mark.django_db

EXAMPLE = lifecycle.EXAMPLES["frequent_illness"]


@pytest.fixture
def run(user_in_dong, supervisor):
    def run_to(stage):
        return lifecycle.run_to(
            stage, officer=user_in_dong, supervisor=supervisor, example=EXAMPLE,
            client=ClientFactory(dong=dong("능동"), name="윤미경"),
        )  # fmt: skip

    return run_to


def move_names(case):
    return [move["name"] for move in case.moves()]


def refused(case, transition, by, note=""):
    with pytest.raises(ApplicationError) as error:
        services.move_case(case=case, transition=transition, by=by, note=note)
    return str(error.value.message)


def new_plan(case, by):
    plan = services.create_plan(
        case=case, by=by, short_term_goal="새 단기", long_term_goal="새 장기",
        goals=lifecycle.plan_goals(EXAMPLE),
    )  # fmt: skip
    return plan


def test_a_first_assessment_offers_selection_not_a_plan_revision(run):
    case = run(Stage.ASSESSMENT)
    names = move_names(case)
    assert "submit_for_selection" in names and "revise_plan" not in names


def test_selection_offers_the_move_the_supervisors_decision_leads_to(run, user_in_dong, supervisor):
    case = run(Stage.SELECTION)
    assert "reject" not in move_names(case)  # nothing decided: "go on to planning", waiting
    services.decide_selection(case=case, by=supervisor, selected=False, note="기준 미달")
    names = move_names(case)
    assert "reject" in names and "select" not in names


def test_a_closed_case_offers_follow_up_or_the_end_by_its_reason(run, user_in_dong, supervisor):
    case = run(Stage.EVALUATION)
    lifecycle.evaluate(user_in_dong, case)
    services.propose_closure(
        case=case, by=user_in_dong, reason="goal_achieved", summary="목표 달성"
    )
    services.approve_closure(case=case, by=supervisor)
    services.move_case(case=case, transition="close", by=user_in_dong)
    assert move_names(case) == ["start_follow_up"]


def test_closure_lists_everything_it_lacks_at_once(run, user_in_dong):
    case = run(Stage.MONITORING)
    close = next(move for move in case.moves() if move["name"] == "close")
    assert [str(m) for m in close["missing"]] == [
        "종결 제안(사유, 날짜, 요약)을 작성하세요.",
        "슈퍼바이저가 종결을 승인하지 않았습니다.",
        "종결 전에 평가를 하세요(사망, 전출, 연락두절만 평가 없이 종결할 수 있습니다).",
    ]


def test_a_reassessment_needs_a_new_assessment_before_the_plan_is_revised(run, user_in_dong):
    case = run(Stage.MONITORING)
    services.move_case(
        case=case, transition="request_reassessment", by=user_in_dong, note="상황 변화"
    )
    # The first assessment is complete, but it belongs to the round before the reassessment.
    assert refused(case, "revise_plan", user_in_dong) == "재사정을 먼저 완료하세요."
    lifecycle.assess(user_in_dong, case, EXAMPLE)
    services.move_case(case=case, transition="revise_plan", by=user_in_dong)
    assert case.stage == Stage.PLANNING


def test_a_reopened_case_goes_through_its_own_assessment_and_plan(run, user_in_dong):
    case = run(Stage.FOLLOW_UP)
    services.record_follow_up(
        case=case, by=user_in_dong, method="regular_contact", findings="다시 위기",
        needs_reintervention=True,
    )  # fmt: skip
    services.move_case(case=case, transition="reopen", by=user_in_dong, note="남편 재음주")
    case.refresh_from_db()
    assert (case.stage, case.cycle) == (Stage.ASSESSMENT, 2)
    assert refused(case, "revise_plan", user_in_dong) == "재사정을 먼저 완료하세요."

    lifecycle.assess(user_in_dong, case, EXAMPLE)
    services.move_case(case=case, transition="revise_plan", by=user_in_dong)
    # The previous cycle's signed plan does not start the new intervention.
    message = refused(case, "start_intervention", user_in_dong)
    assert "재사정 전에 작성한 계획입니다. 새 계획 버전을 작성하세요." in message

    plan = new_plan(case, user_in_dong)
    services.sign_plan(plan=plan, by=user_in_dong, method=ConsentMethod.SIGNED_PAPER,
                       manager_signed=True)  # fmt: skip
    services.move_case(case=case, transition="start_intervention", by=user_in_dong)
    assert case.stage == Stage.INTERVENTION


def test_where_the_gu_asks_for_it_a_plan_is_approved_before_it_is_signed(
    client, run, user_in_dong, supervisor
):
    case = run(Stage.PLANNING)
    DeadlinePolicy.objects.create(gu=case.dong.gu, plan_approval_required=True)
    plan = new_plan(case, user_in_dong)

    client.force_login(user_in_dong)
    page = client.get(reverse("cases:plan_detail", args=[case.pk, plan.number])).content.decode()
    assert "팀장(또는 사례회의)이 승인한 뒤에 서명할 수 있습니다" in page
    assert "서명 기록" not in page  # the signing form is not offered yet
    with pytest.raises(ApplicationError) as error:
        services.sign_plan(plan=plan, by=user_in_dong, method=ConsentMethod.SIGNED_PAPER,
                           manager_signed=True)  # fmt: skip
    assert "승인" in str(error.value.message)
    start = next(move for move in case.moves() if move["name"] == "start_intervention")
    assert "구에서 개입 전에 팀장의 계획 승인을 받도록 정했습니다." in [
        str(m) for m in start["missing"]
    ]

    services.approve_plan(plan=plan, by=supervisor)
    services.sign_plan(plan=plan, by=user_in_dong, method=ConsentMethod.SIGNED_PAPER,
                       manager_signed=True)  # fmt: skip
    services.move_case(case=case, transition="start_intervention", by=user_in_dong)
    assert case.stage == Stage.INTERVENTION


def test_without_the_gus_setting_a_signed_plan_starts_the_intervention_unapproved(
    run, user_in_dong
):
    case = run(Stage.PLANNING)
    plan = new_plan(case, user_in_dong)
    services.sign_plan(plan=plan, by=user_in_dong, method=ConsentMethod.SIGNED_PAPER,
                       manager_signed=True)  # fmt: skip
    services.move_case(case=case, transition="start_intervention", by=user_in_dong)
    assert case.stage == Stage.INTERVENTION


def test_the_discovery_due_date_and_the_follow_up_period_come_from_the_gus_settings(
    client, run, user_in_dong
):
    import datetime

    from django.utils import timezone

    today = timezone.localdate()
    client.force_login(user_in_dong)
    form = client.get(reverse("cases:discovery_create")).context["form"]
    assert form.initial["due_on"] == today + datetime.timedelta(days=14)
    assert "14일" in str(form.fields["due_on"].help_text)

    case = run(Stage.EVALUATION)
    DeadlinePolicy.objects.create(
        gu=case.dong.gu, discovery_investigation_days=7, follow_up_period_days=180
    )
    form = client.get(reverse("cases:discovery_create")).context["form"]
    assert form.initial["due_on"] == today + datetime.timedelta(days=7)
    form = client.get(reverse("cases:closure_create", args=[case.pk])).context["form"]
    assert form.initial["follow_up_until"] == today + datetime.timedelta(days=180)


def test_a_need_row_is_added_in_place_and_both_rows_are_saved(client, run, user_in_dong):
    case = run(Stage.ASSESSMENT)
    assessment = services.start_assessment(case=case, by=user_in_dong)
    client.force_login(user_in_dong)
    edit = reverse("cases:assessment_edit", args=[case.pk, assessment.number])
    page = client.get(edit).content.decode()
    row_url = reverse("cases:assessment_need_row", args=[case.pk, assessment.number])
    assert f'hx-get="{row_url}"' in page and 'hx-include="#id_needs-TOTAL_FORMS"' in page

    row = client.get(row_url, {"needs-TOTAL_FORMS": "1"}).content.decode()
    assert 'name="needs-1-domain"' in row and 'name="needs-0-domain"' not in row
    assert 'id="id_needs-TOTAL_FORMS" hx-swap-oob="true"' in row and 'value="2"' in row
    assert client.get(row_url, {"needs-TOTAL_FORMS": "30"}).status_code == 204  # at most 30
    assert client.get(row_url, {"needs-TOTAL_FORMS": "x"}).status_code == 400

    form = {"assessed_on": lifecycle.today().isoformat(), "functional_assessment": "자립",
            "loaded_version": str(assessment.version), "needs-TOTAL_FORMS": "2",
            "needs-INITIAL_FORMS": "0", "risk_level": "medium", "save": "1"}  # fmt: skip
    for n, (domain, state) in enumerate([("family", "대화 단절"), ("economy", "생활비 없음")]):
        form |= {f"needs-{n}-domain": domain, f"needs-{n}-priority": str(n + 1),
                 f"needs-{n}-current_state": state, f"needs-{n}-desired_state": "회복"}  # fmt: skip
    response = client.post(edit, form)
    assert response.status_code == 302
    assert sorted(assessment.needs.values_list("domain", flat=True)) == ["economy", "family"]


def test_only_who_may_write_the_assessment_gets_a_new_row(client, run, gu_staff, user_other_dong):
    case = run(Stage.ASSESSMENT)
    assessment = case.assessments.first() or services.start_assessment(
        case=case, by=case.primary_manager
    )
    row_url = reverse("cases:assessment_need_row", args=[case.pk, assessment.number])
    client.force_login(user_other_dong)
    assert client.get(row_url, {"needs-TOTAL_FORMS": "1"}).status_code == 404
