"""Case conferences: meetings of each kind, decisions that move cases, final minutes, confidentiality."""

import pytest
from django.urls import reverse

from casemgmt.core.exceptions import ApplicationError
from cases import services as case_services
from cases.models import Stage
from meetings import services
from meetings.models import MeetingKind, ReturnedTask
from meetings.selectors import external_copy, review_queue

from . import lifecycle
from .clock import at, iso
from .factories import ClientFactory, dong
from .resource_factories import ProviderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(user_in_dong, supervisor):
    """Today's conference: a meeting is decided on or after its day."""
    return services.create_meeting(
        by=user_in_dong,
        kind=MeetingKind.INTEGRATED_CONFERENCE,
        held_at=at(0, 9),
        place="능동 주민센터 2층",
        chair=supervisor,
        officers=[user_in_dong],
    )


@pytest.fixture
def case_at(user_in_dong, supervisor):
    def run(stage, name="조은숙", example="school_grades"):
        client_record = ClientFactory(dong=dong("능동"), name=name)
        return lifecycle.run_to(stage, officer=user_in_dong, supervisor=supervisor, client=client_record,
                                example=lifecycle.EXAMPLES[example])  # fmt: skip

    return run


def for_selection(case_at, user_in_dong, name="윤미경"):
    case = case_at(Stage.SELECTION, name=name)
    case_services.record_consent(case=case, by=user_in_dong, services_consent=True, method="paper")
    return case


@pytest.mark.parametrize("kind", list(MeetingKind))
def test_each_kind_of_meeting_is_held_with_its_chair_and_attendees(kind, user_in_dong, supervisor):
    meeting = services.create_meeting(by=user_in_dong, kind=kind, held_at=at(2, 14), place="회의실", chair=supervisor,
                                      officers=[user_in_dong])  # fmt: skip
    assert meeting.get_kind_display()
    assert {a.user for a in meeting.attendees.all()} == {user_in_dong, supervisor}


def test_the_chair_must_be_the_dongs_supervisor(user_in_dong):
    with pytest.raises(ApplicationError) as error:
        services.create_meeting(
            by=user_in_dong,
            kind="team_conference",
            held_at=at(2, 14),
            place="x",
            chair=user_in_dong,
        )
    assert str(error.value.message) == "회의 의장은 이 동의 복지팀장(슈퍼바이저)이어야 합니다."


def test_a_selection_decision_selects_the_case_and_moves_it_to_planning(
    meeting, case_at, user_in_dong, supervisor
):
    case = for_selection(case_at, user_in_dong)
    item = services.place_on_agenda(meeting=meeting, case=case, question="select", by=user_in_dong)
    assert "윤미경" in item.summary  # prepared from the case's records
    decision = services.decide(
        item=item, by=supervisor, outcome="specialised", comments="가정폭력 위험"
    )
    case.refresh_from_db()
    assert (case.stage, case.case_type) == (Stage.PLANNING, "specialised")
    assert case.selections.get().decided_by == supervisor
    assert decision.effect == "사례가 계획 수립 · 계약 단계로 넘어갔습니다."


def test_a_selection_without_consent_is_recorded_but_the_case_waits_and_says_why(
    meeting, case_at, user_in_dong, supervisor
):
    case = case_at(Stage.SELECTION)
    item = services.place_on_agenda(meeting=meeting, case=case, question="select", by=user_in_dong)
    decision = services.decide(item=item, by=supervisor, outcome="general")
    case.refresh_from_db()
    assert case.stage == Stage.SELECTION
    assert "서비스 이용에 대한 당사자의 동의를 기록하세요." in decision.effect


def test_not_selected_ends_the_case(meeting, case_at, user_in_dong, supervisor):
    case = case_at(Stage.SELECTION)
    item = services.place_on_agenda(meeting=meeting, case=case, question="select", by=user_in_dong)
    services.decide(item=item, by=supervisor, outcome="not_selected", comments="긴급지원으로 안내")
    case.refresh_from_db()
    assert case.stage == Stage.NOT_SELECTED


def test_a_closure_approval_closes_the_case(meeting, case_at, user_in_dong, supervisor):
    case = case_at(Stage.EVALUATION)
    lifecycle.evaluate(user_in_dong, case)
    case_services.propose_closure(
        case=case, by=user_in_dong, reason="goal_achieved", summary="목표 달성"
    )
    item = services.place_on_agenda(
        meeting=meeting, case=case, question="approve_closure", by=user_in_dong
    )
    services.decide(item=item, by=supervisor, outcome="closure_approved")
    case.refresh_from_db()
    assert case.stage == Stage.CLOSURE
    assert case.closures.get().approved_by == supervisor


def test_a_returned_plan_sends_the_case_manager_a_task(
    meeting, case_at, user_in_dong, supervisor, client
):
    case = case_at(Stage.PLANNING)
    case_services.create_plan(case=case, by=user_in_dong, short_term_goal="a", long_term_goal="b",
                              goals=lifecycle.plan_goals(lifecycle.EXAMPLES["school_grades"]))  # fmt: skip
    item = services.place_on_agenda(
        meeting=meeting, case=case, question="approve_plan", by=user_in_dong
    )
    services.decide(
        item=item,
        by=supervisor,
        outcome="plan_returned",
        comments="목표를 측정할 수 있게 다시 쓰세요",
    )
    task = ReturnedTask.objects.get()
    assert (task.assigned_to, task.case) == (user_in_dong, case)
    client.force_login(user_in_dong)
    assert (
        "목표를 측정할 수 있게 다시 쓰세요"
        in client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    )
    assert [t.pk for t in client.get("/").context["waiting"]["tasks"]] == [task.pk]


def test_only_the_chair_decides_and_only_with_an_outcome_for_the_question(
    meeting, case_at, user_in_dong, supervisor
):
    case = case_at(Stage.SELECTION)
    item = services.place_on_agenda(meeting=meeting, case=case, question="select", by=user_in_dong)
    with pytest.raises(ApplicationError) as error:
        services.decide(item=item, by=user_in_dong, outcome="general")
    assert str(error.value.message) == "안건은 회의 의장만 결정합니다."
    with pytest.raises(ApplicationError) as error:
        services.decide(item=item, by=supervisor, outcome="closure_approved")
    assert str(error.value.message) == "이 안건의 질문에 맞지 않는 결정입니다."


def test_finalised_minutes_cannot_be_edited(meeting, case_at, user_in_dong, supervisor, client):
    case = case_at(Stage.SELECTION)
    item = services.place_on_agenda(meeting=meeting, case=case, question="select", by=user_in_dong)
    with pytest.raises(ApplicationError) as error:
        services.finalise_minutes(meeting=meeting, by=supervisor)
    assert str(error.value.message).startswith("회의록을 확정하기 전에 모든 안건을 결정하세요")
    services.decide(item=item, by=supervisor, outcome="general")
    services.update_meeting(
        meeting=meeting, by=supervisor, expected_version=meeting.version, minutes="선정 1건"
    )
    services.finalise_minutes(meeting=meeting, by=supervisor)
    for attempt in (
        lambda: services.update_meeting(
            meeting=meeting, by=supervisor, expected_version=meeting.version, minutes="변경"
        ),
        lambda: services.place_on_agenda(
            meeting=meeting, case=case, question="classify", by=user_in_dong
        ),
        lambda: services.add_attendee(
            meeting=meeting, by=user_in_dong, provider=ProviderFactory(), name="x"
        ),
    ):
        with pytest.raises(ApplicationError) as error:
            attempt()
        assert (
            str(error.value.message)
            == "회의록이 확정되었습니다. 이 회의의 내용은 더 이상 바꿀 수 없습니다."
        )
    client.force_login(supervisor)
    response = client.post(
        reverse("meetings:meeting_minutes", args=[meeting.pk]),
        {
            "held_at": f"{iso(2)}T14:00",
            "place": "x",
            "minutes": "변경",
            "loaded_version": meeting.version,
        },
    )
    assert response.status_code == 400
    meeting.refresh_from_db()
    assert meeting.minutes == "선정 1건"


def test_an_external_partner_sees_only_their_items_and_only_what_consent_allows(
    meeting, case_at, user_in_dong, supervisor
):
    center = ProviderFactory(name="광진건강가정지원센터")
    other = ProviderFactory(name="다른기관")
    partner = services.add_attendee(
        meeting=meeting, by=user_in_dong, provider=center, name="이협력", position="팀장"
    )
    stranger = services.add_attendee(
        meeting=meeting, by=user_in_dong, provider=other, name="박외부"
    )
    consenting = case_at(Stage.SELECTION, name="동의함")
    case_services.record_consent(case=consenting, by=user_in_dong, services_consent=True, sharing_consent=True,
                                 shared_items=["basic", "progress"], providers=[center], method="paper")  # fmt: skip
    silent = case_at(Stage.SELECTION, name="동의안함")
    hidden = case_at(Stage.SELECTION, name="안건외")
    services.place_on_agenda(
        meeting=meeting,
        case=consenting,
        question="select",
        by=user_in_dong,
        partners=[partner, stranger],
    )
    services.place_on_agenda(
        meeting=meeting, case=silent, question="select", by=user_in_dong, partners=[partner]
    )
    services.place_on_agenda(meeting=meeting, case=hidden, question="select", by=user_in_dong)
    copy = external_copy(meeting=meeting, attendee=partner)
    assert [entry["item"].case for entry in copy] == [consenting, silent]  # not the third item
    shown = " ".join(text for title, text in copy[0]["sections"])
    assert "동의함" in shown and "중학생 자녀" in shown  # basic details and progress: consented
    assert "기초생활수급" not in shown  # economic details: not consented
    assert copy[1]["sections"] == [] and not copy[1]["consented"]
    assert (
        external_copy(meeting=meeting, attendee=stranger)[0]["sections"] == []
    )  # consent does not cover them


def test_the_review_queue_lists_what_waits_and_one_click_puts_it_on_the_next_meeting(
    client, meeting, case_at, user_in_dong, supervisor
):
    case = case_at(Stage.SELECTION)
    queue = {question: cases for question, _title, cases in review_queue(user=supervisor)}
    assert [c.pk for c in queue["select"]] == [case.pk]
    client.force_login(supervisor)
    response = client.post(reverse("meetings:queue_place"), {"case": case.pk, "question": "select"})
    assert response.status_code == 302
    assert meeting.items.get().case == case
    page = client.get(reverse("meetings:review_queue")).content.decode()
    assert "안건에 올라 있음" in page


def test_a_case_manager_cannot_open_the_review_queue(client, user_in_dong):
    client.force_login(user_in_dong)
    assert client.get(reverse("meetings:review_queue")).status_code == 403


def test_the_case_timeline_shows_the_meeting_decision(
    meeting, case_at, user_in_dong, supervisor, client
):
    case = for_selection(case_at, user_in_dong)
    item = services.place_on_agenda(meeting=meeting, case=case, question="select", by=user_in_dong)
    services.decide(item=item, by=supervisor, outcome="general")
    client.force_login(user_in_dong)
    timeline = client.get(reverse("cases:case_detail", args=[case.pk])).context["timeline"]
    assert any(e["kind"] == "meeting" and "선정: 일반사례" in e["title"] for e in timeline)


def test_another_dongs_meeting_is_not_found(client, meeting, user_other_dong):
    client.force_login(user_other_dong)
    assert client.get(reverse("meetings:meeting_detail", args=[meeting.pk])).status_code == 404
    assert meeting not in client.get(reverse("meetings:meeting_list")).context["page"]


def test_the_meeting_page_records_access_to_every_client_on_its_agenda(
    client, meeting, case_at, user_in_dong
):
    from casemgmt.core.models import AccessRecord

    case = case_at(Stage.SELECTION)
    services.place_on_agenda(meeting=meeting, case=case, question="select", by=user_in_dong)
    client.force_login(user_in_dong)
    client.get(reverse("meetings:meeting_detail", args=[meeting.pk]))
    assert AccessRecord.objects.filter(
        target=f"meetings.meeting:{meeting.pk}"
    ).get().client_ids == [case.client_id]


def test_the_meeting_page_adds_a_partner_and_an_agenda_item_and_shows_their_copy(
    client, meeting, case_at, user_in_dong
):
    center = ProviderFactory(name="광진건강가정지원센터")
    case = case_at(Stage.SELECTION)
    client.force_login(user_in_dong)
    client.post(
        reverse("meetings:partner_add", args=[meeting.pk]),
        {"provider": center.pk, "name": "이협력", "position": "팀장"},
    )
    partner = meeting.attendees.get(provider=center)
    client.post(
        reverse("meetings:agenda_add", args=[meeting.pk]),
        {"case": case.pk, "question": "consultation", "partners": [partner.pk]},
    )
    item = meeting.items.get()
    assert (item.case, list(item.partners.all())) == (case, [partner])
    refused = client.post(
        reverse("meetings:agenda_add", args=[meeting.pk]),
        {"case": case.pk, "question": "consultation"},
    )
    assert "같은 안건으로 이미 이 회의에 올라 있습니다" in refused.content.decode()
    copy = client.get(reverse("meetings:external_copy", args=[meeting.pk, partner.pk]))
    assert copy.context["copy"][0]["item"] == item
    assert "동의하지 않아 세부 내용을 표시하지 않습니다" in copy.content.decode()


def test_the_chair_decides_and_finalises_from_the_meeting_page(
    client, meeting, case_at, user_in_dong, supervisor
):
    case = for_selection(case_at, user_in_dong)
    item = services.place_on_agenda(meeting=meeting, case=case, question="select", by=user_in_dong)
    client.force_login(supervisor)
    client.post(
        reverse("meetings:item_decide", args=[meeting.pk, item.pk]),
        {f"item-{item.pk}-outcome": "general"},
    )
    refused = client.post(reverse("meetings:meeting_finalise", args=[meeting.pk]), follow=True)
    assert "회의록을 작성한 뒤 확정하세요." in refused.content.decode()
    services.update_meeting(
        meeting=meeting, by=supervisor, expected_version=meeting.version, minutes="선정 1건"
    )
    client.post(reverse("meetings:meeting_finalise", args=[meeting.pk]))
    meeting.refresh_from_db()
    assert meeting.is_final and item.case.selections.get().case_type == "general"


def test_a_returned_task_is_marked_done_from_the_case_page(
    client, meeting, case_at, user_in_dong, supervisor
):
    case = case_at(Stage.PLANNING)
    case_services.create_plan(case=case, by=user_in_dong, short_term_goal="a", long_term_goal="b",
                              goals=lifecycle.plan_goals(lifecycle.EXAMPLES["school_grades"]))  # fmt: skip
    item = services.place_on_agenda(
        meeting=meeting, case=case, question="approve_plan", by=user_in_dong
    )
    services.decide(item=item, by=supervisor, outcome="plan_returned", comments="보완")
    task = ReturnedTask.objects.get()
    client.force_login(user_in_dong)
    assert client.post(reverse("meetings:task_done", args=[task.pk])).status_code == 302
    task.refresh_from_db()
    assert task.done_at is not None
    assert not client.get("/").context["waiting"]["tasks"]
