"""Every guard refuses its move and says, in Korean, what is missing."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from casemgmt.core.exceptions import ApplicationError
from cases import services
from cases.models import Case, CaseStageChange, ConsentMethod, Disposition, Stage

from . import lifecycle
from .factories import ClientFactory, dong

pytestmark = pytest.mark.django_db

EXAMPLE = lifecycle.EXAMPLES["frequent_illness"]


@pytest.fixture
def client_record():
    return ClientFactory(dong=dong("능동"), name="윤미경")


@pytest.fixture
def run(user_in_dong, supervisor, client_record):
    def run_to(stage):
        return lifecycle.run_to(
            stage,
            officer=user_in_dong,
            supervisor=supervisor,
            client=client_record,
            example=EXAMPLE,
        )

    return run_to


def refused(case, transition, by, note=""):
    with pytest.raises(ApplicationError) as error:
        services.move_case(case=case, transition=transition, by=by, note=note)
    return str(error.value.message)


def test_the_stage_cannot_be_set_directly(run):
    case = run(Stage.INTAKE)
    with pytest.raises(AttributeError):
        case.stage = Stage.INTERVENTION
    case.refresh_from_db()
    assert case.stage == Stage.INTAKE


def test_only_disposition_three_opens_a_case_the_others_end_at_intake(user_in_dong, client_record):
    for disposition in (Disposition.BENEFIT, Disposition.SERVICE, Disposition.INFORMATION):
        intake = lifecycle.intake(user_in_dong, client_record, EXAMPLE, disposition=disposition)
        assert not Case.objects.filter(intake=intake).exists()
    intake = lifecycle.intake(user_in_dong, client_record, EXAMPLE)
    assert intake.case.stage == Stage.INTAKE


def test_a_case_cannot_be_submitted_for_selection_before_the_assessment_is_complete(
    run, user_in_dong
):
    case = run(Stage.ASSESSMENT)
    assert refused(case, "submit_for_selection", user_in_dong) == "욕구사정을 먼저 완료하세요."


def test_a_plan_cannot_be_written_before_the_assessment_is_complete(run, user_in_dong):
    case = run(Stage.ASSESSMENT)
    with pytest.raises(ApplicationError) as error:
        services.create_plan(case=case, by=user_in_dong, short_term_goal="a", long_term_goal="b")
    assert str(error.value.message) == "서비스 계획은 계획 수립 단계에서 작성합니다."


def test_selection_needs_the_supervisors_decision_and_the_clients_consent(
    run, user_in_dong, supervisor
):
    case = run(Stage.SELECTION)
    message = refused(case, "select", user_in_dong)
    assert "슈퍼바이저(복지팀장)가 아직 선정 여부를 결정하지 않았습니다." in message
    assert "서비스 이용에 대한 당사자의 동의를 기록하세요." in message
    services.decide_selection(case=case, by=supervisor, selected=True, case_type="specialised")
    assert refused(case, "select", user_in_dong) == "서비스 이용에 대한 당사자의 동의를 기록하세요."


def test_a_case_manager_cannot_decide_the_selection(run, user_in_dong):
    case = run(Stage.SELECTION)
    with pytest.raises(ApplicationError) as error:
        services.decide_selection(case=case, by=user_in_dong, selected=True, case_type="general")
    assert str(error.value.message) == "이 결정은 해당 동의 복지팀장(슈퍼바이저)만 할 수 있습니다."


def test_a_case_not_selected_ends_with_its_decision(run, user_in_dong, supervisor):
    case = run(Stage.SELECTION)
    assert refused(case, "reject", user_in_dong) == "미선정 결정이 없습니다."
    services.decide_selection(
        case=case, by=supervisor, selected=False, note="기초생활수급 신청(①)으로 안내"
    )
    services.move_case(case=case, transition="reject", by=user_in_dong)
    assert case.stage == Stage.NOT_SELECTED


def test_intervention_needs_a_signed_plan(run, user_in_dong):
    case = run(Stage.PLANNING)
    assert refused(case, "start_intervention", user_in_dong) == "서비스 계획을 작성하세요."
    plan = services.create_plan(
        case=case,
        by=user_in_dong,
        short_term_goal="a",
        long_term_goal="b",
        goals=lifecycle.plan_goals(EXAMPLE),
    )
    assert (
        refused(case, "start_intervention", user_in_dong)
        == "계획에 아직 서명이 없습니다. 당사자(⑭)와 사례관리자(⑮)가 모두 서명해야 합니다."
    )
    services.sign_plan(
        plan=plan, by=user_in_dong, method=ConsentMethod.SIGNED_PAPER, manager_signed=True
    )
    services.move_case(case=case, transition="start_intervention", by=user_in_dong)
    assert case.stage == Stage.INTERVENTION


def test_a_withdrawn_consent_stops_the_intervention_from_starting(run, user_in_dong):
    case = run(Stage.PLANNING)
    lifecycle.plan_and_sign(user_in_dong, case, EXAMPLE)
    services.withdraw_consent(consent=case.consents.get(), by=user_in_dong, note="본인 요청")
    assert refused(case, "start_intervention", user_in_dong) == (
        "유효한 서비스 이용 동의가 없습니다. 동의를 받은 적이 없거나 철회되었습니다."
    )


def test_a_signed_plan_is_frozen_and_changes_make_a_new_version(run, user_in_dong):
    case = run(Stage.PLANNING)
    plan = lifecycle.plan_and_sign(user_in_dong, case, EXAMPLE)
    with pytest.raises(ApplicationError) as error:
        services.update_plan(
            plan=plan, by=user_in_dong, expected_version=plan.version, short_term_goal="바꿈"
        )
    assert (
        str(error.value.message)
        == "당사자가 서명한 계획입니다. 변경 내용은 새 버전으로 작성하세요."
    )
    second = services.create_plan(
        case=case, by=user_in_dong, short_term_goal="새 목표", long_term_goal="b"
    )
    assert second.number == 2
    assert second.items.count() == plan.items.count()  # copied, not retyped
    plan.refresh_from_db()
    assert plan.short_term_goal == "위기 요인을 줄인다"


def test_monitoring_needs_an_intervention_under_the_current_plan(run, user_in_dong):
    case = run(Stage.INTERVENTION)
    assert (
        refused(case, "start_monitoring", user_in_dong)
        == "현재 계획에 따른 개입을 한 건 이상 기록하세요."
    )


def test_evaluation_needs_a_status_for_every_plan_item(run, user_in_dong):
    case = run(Stage.MONITORING)
    message = refused(case, "start_evaluation", user_in_dong)
    assert message.startswith("점검에서 이행 여부(달성, 연장, 재사정)를 정하지 않은 항목: ")
    assert "보건소 영유아 건강검진 연계" in message


def test_closure_needs_an_evaluation_and_the_supervisors_approval(run, user_in_dong, supervisor):
    case = run(Stage.MONITORING)
    # Everything the closure lacks, at once (not the approval only after the proposal).
    assert refused(case, "close", user_in_dong) == (
        "종결 제안(사유, 날짜, 요약)을 작성하세요. 슈퍼바이저가 종결을 승인하지 않았습니다. "
        "종결 전에 평가를 하세요(사망, 전출, 연락두절만 평가 없이 종결할 수 있습니다)."
    )
    services.propose_closure(
        case=case, by=user_in_dong, reason="goal_achieved", summary="목표 달성"
    )
    message = refused(case, "close", user_in_dong)
    assert "슈퍼바이저가 종결을 승인하지 않았습니다." in message
    assert (
        "종결 전에 평가를 하세요(사망, 전출, 연락두절만 평가 없이 종결할 수 있습니다)." in message
    )


def test_death_closes_a_case_without_an_evaluation_and_without_follow_up(
    run, user_in_dong, supervisor
):
    case = run(Stage.INTERVENTION)
    services.propose_closure(case=case, by=user_in_dong, reason="death", summary="사망")
    services.approve_closure(case=case, by=supervisor)
    services.move_case(case=case, transition="close", by=user_in_dong)
    assert refused(case, "start_follow_up", user_in_dong).startswith(
        "이 종결 사유는 사후관리를 하지 않습니다"
    )
    services.move_case(case=case, transition="end", by=user_in_dong)
    assert case.stage == Stage.ENDED


def test_follow_up_needs_a_period_and_the_clients_agreement(run, user_in_dong, supervisor):
    case = run(Stage.EVALUATION)
    lifecycle.evaluate(user_in_dong, case)
    services.propose_closure(
        case=case, by=user_in_dong, reason="goal_achieved", summary="목표 달성"
    )
    services.approve_closure(case=case, by=supervisor)
    services.move_case(case=case, transition="close", by=user_in_dong)
    message = refused(case, "start_follow_up", user_in_dong)
    assert "사후관리 종료일을 정하세요." in message
    assert "당사자에게 사후관리를 설명하고 동의를 기록하세요." in message


def test_a_follow_up_period_must_pass_before_the_case_ends(run, user_in_dong):
    case = run(Stage.FOLLOW_UP)
    closure = case.closures.get()
    type(closure).objects.filter(pk=closure.pk).update(
        follow_up_until=lifecycle.today() + datetime.timedelta(days=90)
    )
    message = refused(case, "end", user_in_dong)
    assert "사후관리 점검을 한 번 이상 기록하세요." in message
    assert "사후관리 기간은" in message


def test_reassessment_loops_back_and_keeps_every_version(run, user_in_dong):
    case = run(Stage.MONITORING)
    assert (
        refused(case, "request_reassessment", user_in_dong)
        == "사유를 적으세요. 이 이동에는 메모가 필요합니다."
    )
    services.move_case(
        case=case,
        transition="request_reassessment",
        by=user_in_dong,
        note="남편 실직으로 상황 변화",
    )
    assert case.stage == Stage.ASSESSMENT
    second = services.start_assessment(case=case, by=user_in_dong, reason="남편 실직")
    assert (second.number, second.is_reassessment, second.needs.count()) == (
        2,
        True,
        2,
    )  # carried over
    assert refused(case, "revise_plan", user_in_dong) == "재사정을 먼저 완료하세요."
    services.complete_assessment(assessment=second, by=user_in_dong)
    assert refused(case, "submit_for_selection", user_in_dong).startswith("이미 선정된 사례입니다")
    services.move_case(case=case, transition="revise_plan", by=user_in_dong)
    assert refused(case, "start_intervention", user_in_dong) == (
        "재사정 전에 작성한 계획입니다. 새 계획 버전을 작성하세요."
    )
    plan = services.create_plan(
        case=case, by=user_in_dong, short_term_goal="새 단기", long_term_goal="새 장기"
    )
    services.sign_plan(
        plan=plan, by=user_in_dong, method=ConsentMethod.SIGNED_PAPER, manager_signed=True
    )
    services.move_case(case=case, transition="start_intervention", by=user_in_dong)
    assert list(case.assessments.values_list("number", flat=True)) == [1, 2]
    assert list(case.plans.values_list("number", flat=True)) == [1, 2]
    assert case.assessments.get(number=1).completed_on is not None


def test_a_completed_assessment_cannot_be_changed(run, user_in_dong):
    case = run(Stage.SELECTION)
    assessment = case.assessments.get()
    with pytest.raises(ApplicationError):
        services.update_assessment(
            assessment=assessment,
            by=user_in_dong,
            expected_version=assessment.version,
            strengths="바꿈",
        )


def test_follow_up_that_finds_a_new_need_reopens_the_case_for_a_new_cycle(run, user_in_dong):
    case = run(Stage.FOLLOW_UP)
    assert (
        refused(case, "reopen", user_in_dong)
        == "다시 개입할 필요가 있다는 사후관리 점검이 없습니다."
    )
    services.record_follow_up(
        case=case,
        by=user_in_dong,
        method="regular_contact",
        findings="다시 위기",
        needs_reintervention=True,
    )
    services.move_case(case=case, transition="reopen", by=user_in_dong, note="남편 재음주")
    case.refresh_from_db()
    assert (case.stage, case.cycle) == (Stage.ASSESSMENT, 2)
    reassessment = services.start_assessment(case=case, by=user_in_dong)
    assert reassessment.number == 2


def test_a_year_old_assessment_blocks_moving_on_until_reassessed(run, user_in_dong):
    case = run(Stage.INTERVENTION)
    services.record_intervention(case=case, by=user_in_dong, kind="counselling", note="상담")
    case.assessments.update(completed_on=lifecycle.today() - datetime.timedelta(days=400))
    assert (
        refused(case, "start_monitoring", user_in_dong)
        == "마지막 욕구사정이 1년이 넘었습니다. 재사정이 필요합니다."
    )


def test_every_move_is_recorded_with_who_when_and_note(run, user_in_dong):
    case = run(Stage.ASSESSMENT)
    change = CaseStageChange.objects.get(case=case)
    assert (change.source, change.target, change.by, change.transition) == (
        "intake",
        "assessment",
        user_in_dong,
        "start_assessment",
    )
    assert change.at is not None


def test_a_stale_move_is_refused(run, user_in_dong):
    case = run(Stage.ASSESSMENT)
    stale = Case.objects.get(pk=case.pk)
    lifecycle.assess(user_in_dong, case, EXAMPLE)
    services.move_case(case=case, transition="submit_for_selection", by=user_in_dong)
    message = refused(stale, "submit_for_selection", user_in_dong)
    assert (
        message
        == "그사이 다른 사람이 이 사례의 단계를 바꾸었습니다. 지금은 대상자 선정 · 동의 단계입니다."
    )


def test_another_dong_cannot_move_a_case(run, user_other_dong):
    from django.core.exceptions import PermissionDenied

    case = run(Stage.INTAKE)
    with pytest.raises(PermissionDenied):
        services.move_case(case=case, transition="start_assessment", by=user_other_dong)


def test_management_numbers_are_unique_per_dong_and_year(
    user_in_dong, user_other_dong, client_record
):
    first = lifecycle.intake(user_in_dong, client_record, EXAMPLE).case
    second = lifecycle.intake(user_in_dong, client_record, EXAMPLE).case
    other = lifecycle.intake(user_other_dong, ClientFactory(dong=dong("구의제1동")), EXAMPLE).case
    year = lifecycle.today().year
    assert [first.number, second.number, other.number] == [
        f"능동-{year}-0001",
        f"능동-{year}-0002",
        f"구의제1동-{year}-0001",
    ]
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=second.pk).update(sequence=first.sequence)


def test_the_page_lists_each_move_with_what_it_lacks(run):
    case = run(Stage.PLANNING)
    moves = {m["name"]: m for m in case.moves()}
    assert set(moves) == {"start_intervention", "close"}
    assert [str(m) for m in moves["start_intervention"]["missing"]] == ["서비스 계획을 작성하세요."]


def test_the_assessment_cannot_start_from_an_intake_without_a_presenting_problem(run, user_in_dong):
    from cases.models import Intake

    case = run(Stage.INTAKE)
    Intake.objects.filter(pk=case.intake_id).update(presenting_problem="  ")
    case.refresh_from_db()
    assert (
        refused(case, "start_assessment", user_in_dong) == "초기상담 기록에 제시된 문제가 없습니다."
    )


def test_the_assessment_cannot_start_from_an_intake_not_referred_to_case_management(
    run, user_in_dong
):
    from cases.models import Intake

    case = run(Stage.INTAKE)
    Intake.objects.filter(pk=case.intake_id).update(disposition="benefit")
    case.refresh_from_db()
    assert (
        refused(case, "start_assessment", user_in_dong)
        == "초기상담 기록에 사례관리 의뢰(③) 결정이 없습니다."
    )


def test_an_item_to_reassess_sends_the_case_to_reassessment_not_to_evaluation(run, user_in_dong):
    case = run(Stage.MONITORING)
    lifecycle.monitor_all(user_in_dong, case, status="reassess")
    assert refused(case, "start_evaluation", user_in_dong) == (
        "이행 여부가 '재사정'인 항목이 있습니다. 재사정을 요청하세요."
    )


def test_a_selected_case_cannot_be_submitted_for_selection_again(run, user_in_dong):
    case = run(Stage.INTERVENTION)
    services.move_case(
        case=case, transition="request_reassessment", by=user_in_dong, note="상황 변화"
    )
    assessment = services.start_assessment(case=case, by=user_in_dong)
    services.complete_assessment(assessment=assessment, by=user_in_dong)
    assert refused(case, "submit_for_selection", user_in_dong) == (
        "이미 선정된 사례입니다. 재사정 뒤에는 계획을 수정하세요."
    )
