"""Meetings, issue 14 points 6 and 8: the minutes' action items (what, who — an officer or an
external partner by name — and by when), shown on the meeting page and on the dashboard of the
officer in charge until done; no decision before the meeting's day; and the 내부판정회의's
questions about a client (emergency support, public assistance), decided with no case and shown
on the client's page."""

import pytest
from django.db import IntegrityError, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import strip_tags

from casemgmt.core.exceptions import CONCURRENT_EDIT_MESSAGE, ApplicationError
from cases.models import Stage
from meetings import services
from meetings.models import ActionItem, AgendaItem, Decision, MeetingKind, Outcome, Question

from . import lifecycle
from .clock import at, days, iso
from .factories import ClientFactory, dong
from .pdf_helpers import squash

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(user_in_dong, supervisor):
    """Today's 내부판정회의 of 능동 (decided on its day)."""
    return services.create_meeting(
        by=user_in_dong, kind=MeetingKind.INTERNAL_REVIEW, held_at=at(0, 9),
        place="능동 주민센터 상담실", chair=supervisor, officers=[user_in_dong],
    )  # fmt: skip


@pytest.fixture
def case_on_agenda(meeting, user_in_dong, supervisor):
    case = lifecycle.run_to(
        Stage.SELECTION, officer=user_in_dong, supervisor=supervisor,
        client=ClientFactory(dong=dong("능동"), name="조은숙"),
        example=lifecycle.EXAMPLES["school_grades"],
    )  # fmt: skip
    services.place_on_agenda(
        meeting=meeting, case=case, question=Question.CONSULTATION, by=user_in_dong
    )
    return case


def add_url(meeting):
    return reverse("meetings:action_add", args=[meeting.pk])


def action_urls(action):
    args = [action.meeting_id, action.pk]
    return {
        "edit": reverse("meetings:action_edit", args=args),
        "done": reverse("meetings:action_done", args=args),
        "cancel": reverse("meetings:action_cancel", args=args),
    }


def dashboard_actions(client):
    return [a.pk for a in client.get(reverse("work:dashboard")).context["action_items"]]


# --- action items --------------------------------------------------------------------------------


def test_an_action_item_for_an_officer_shows_on_her_dashboard_and_the_meeting_page_until_done(
    client, meeting, case_on_agenda, user_in_dong, supervisor
):
    client.force_login(supervisor)
    response = client.post(add_url(meeting), {
        "text": "긴급지원 신청서를 받아 구청에 보내기", "case": case_on_agenda.pk,
        "owner": user_in_dong.pk, "owner_name": "", "due_on": iso(3),
    })  # fmt: skip
    assert response.status_code == 302
    action = ActionItem.objects.get()
    assert (action.owner, action.case, action.due_on, action.created_by) == (
        user_in_dong, case_on_agenda, days(3), supervisor,
    )  # fmt: skip
    assert action.history.count() == 1  # its change history, like every record

    page = client.get(reverse("meetings:meeting_detail", args=[meeting.pk])).content.decode()
    assert "긴급지원 신청서를 받아 구청에 보내기" in page and "D-3" in page
    client.force_login(user_in_dong)
    assert dashboard_actions(client) == [action.pk]
    assert "긴급지원 신청서를 받아 구청에 보내기" in client.get("/").content.decode()
    client.force_login(supervisor)
    assert dashboard_actions(client) == []  # not his

    client.force_login(user_in_dong)
    done = client.post(action_urls(action)["done"], {"back": "dashboard"})
    assert done.status_code == 302 and done["Location"] == reverse("work:dashboard")
    action.refresh_from_db()
    assert action.done_by == user_in_dong and action.done_at is not None
    assert dashboard_actions(client) == []
    page = client.get(reverse("meetings:meeting_detail", args=[meeting.pk]))
    assert page.context["action_items"][0].is_open is False
    assert "D-3" not in page.content.decode()
    again = client.post(action_urls(action)["done"], follow=True)
    assert "이미 완료했거나 취소한 조치 사항입니다." in again.content.decode()


def test_an_external_partner_in_charge_is_written_by_name(client, meeting, user_in_dong):
    client.force_login(user_in_dong)
    response = client.post(add_url(meeting), {
        "text": "가족 상담 가능 일정 알려 주기", "owner": "",
        "owner_name": "이협력 (광진건강가정지원센터)", "due_on": iso(7),
    })  # fmt: skip
    assert response.status_code == 302
    action = ActionItem.objects.get()
    assert (action.owner, action.owner_name) == (None, "이협력 (광진건강가정지원센터)")
    page = client.get(reverse("meetings:meeting_detail", args=[meeting.pk])).content.decode()
    assert "이협력 (광진건강가정지원센터) (외부)" in page
    assert dashboard_actions(client) == []  # an external partner has no dashboard


@pytest.mark.parametrize(
    ("who", "field", "message"),
    [
        ({"owner": "", "owner_name": ""}, "owner",
         "누가 할지 정하세요. 담당 공무원을 고르거나 외부 협력자의 이름을 적으세요."),
        ({"owner": "OFFICER", "owner_name": "이협력"}, "owner_name",
         "담당 공무원과 외부 협력자 중 한 사람만 정하세요."),
    ],
)  # fmt: skip
def test_an_action_item_has_exactly_one_person_in_charge_and_a_refusal_keeps_what_was_typed(
    client, meeting, user_in_dong, who, field, message
):
    client.force_login(user_in_dong)
    who = {k: user_in_dong.pk if v == "OFFICER" else v for k, v in who.items()}
    response = client.post(add_url(meeting), {"text": "입력한 할 일", "due_on": iso(2), **who})
    assert response.status_code == 400
    form = response.context["action_form"]
    assert form.errors[field] == [message]
    assert form["text"].value() == "입력한 할 일"
    assert message in response.content.decode()
    assert not ActionItem.objects.exists()


def test_an_action_item_is_due_on_or_after_the_meetings_day_and_its_case_is_on_the_agenda(
    client, meeting, user_in_dong, supervisor
):
    client.force_login(user_in_dong)
    early = client.post(
        add_url(meeting), {"text": "할 일", "owner": user_in_dong.pk, "due_on": iso(-1)}
    )
    assert early.context["action_form"].errors["due_on"][0].startswith("기한은 회의일(")
    elsewhere = lifecycle.run_to(
        Stage.INTAKE, officer=user_in_dong, supervisor=supervisor,
        client=ClientFactory(dong=dong("능동")), example=lifecycle.EXAMPLES["school_grades"],
    )  # fmt: skip
    with pytest.raises(ApplicationError) as error:
        services.add_action_item(
            meeting=meeting, by=user_in_dong, text="x", due_on=days(1), owner=user_in_dong,
            case=elsewhere,
        )  # fmt: skip
    assert str(error.value.message) == "이 회의 안건에 오른 사례를 고르세요."
    assert not ActionItem.objects.exists()


def test_a_stale_edit_is_refused_and_keeps_what_was_typed(
    client, meeting, user_in_dong, supervisor
):
    action = services.add_action_item(
        meeting=meeting, by=user_in_dong, text="처음 내용", due_on=days(5), owner=user_in_dong
    )
    client.force_login(user_in_dong)
    loaded = client.get(action_urls(action)["edit"]).context["form"]["loaded_version"].value()
    services.update_action_item(
        action=action, by=supervisor, expected_version=action.version, text="팀장이 고침"
    )
    response = client.post(action_urls(action)["edit"], {
        "text": "내가 고친 내용", "owner": user_in_dong.pk, "owner_name": "", "due_on": iso(6),
        "loaded_version": loaded,
    })  # fmt: skip
    assert response.status_code == 200
    assert str(CONCURRENT_EDIT_MESSAGE) in response.context["form"].non_field_errors()
    assert response.context["form"]["text"].value() == "내가 고친 내용"
    action.refresh_from_db()
    assert (action.text, action.version) == ("팀장이 고침", 2)
    again = client.post(action_urls(action)["edit"], {
        "text": "내가 고친 내용", "owner": user_in_dong.pk, "owner_name": "", "due_on": iso(6),
        "loaded_version": action.version,
    })  # fmt: skip
    assert again.status_code == 302
    action.refresh_from_db()
    assert action.text == "내가 고친 내용" and action.history.count() == 3


def test_cancelling_keeps_the_action_item_marked_cancelled(client, meeting, user_in_dong):
    action = services.add_action_item(
        meeting=meeting, by=user_in_dong, text="필요 없어진 일", due_on=days(5), owner=user_in_dong
    )
    client.force_login(user_in_dong)
    assert client.post(action_urls(action)["cancel"]).status_code == 302
    action.refresh_from_db()
    assert action.cancelled_at is not None and action.done_at is None
    assert dashboard_actions(client) == []
    page = client.get(reverse("meetings:meeting_detail", args=[meeting.pk])).content.decode()
    assert "필요 없어진 일" in page and "취소" in page


def test_final_minutes_take_no_new_action_item_but_open_ones_can_still_be_done(
    client, meeting, user_in_dong, supervisor
):
    action = services.add_action_item(
        meeting=meeting, by=user_in_dong, text="회의 뒤 할 일", due_on=days(5), owner=user_in_dong
    )
    services.update_meeting(
        meeting=meeting, by=supervisor, expected_version=meeting.version, minutes="논의함"
    )
    services.finalise_minutes(meeting=meeting, by=supervisor)
    with pytest.raises(ApplicationError):
        services.add_action_item(
            meeting=meeting, by=user_in_dong, text="늦은 일", due_on=days(5), owner=user_in_dong
        )
    client.force_login(user_in_dong)
    assert dashboard_actions(client) == [action.pk]
    client.post(action_urls(action)["done"], {"back": "dashboard"})
    assert dashboard_actions(client) == []


def test_a_gu_officer_in_charge_marks_her_item_done_but_changes_nothing_else(
    client, meeting, user_in_dong, gu_staff
):
    action = services.add_action_item(
        meeting=meeting, by=user_in_dong, text="통합사례관리 검토", due_on=days(5), owner=gu_staff
    )
    client.force_login(gu_staff)
    assert dashboard_actions(client) == [action.pk]
    assert client.post(action_urls(action)["cancel"]).status_code == 403
    assert client.post(action_urls(action)["done"]).status_code == 302
    action.refresh_from_db()
    assert action.done_by == gu_staff


def test_another_dongs_officer_gets_404_on_every_action_address(
    client, meeting, user_in_dong, user_other_dong
):
    action = services.add_action_item(
        meeting=meeting, by=user_in_dong, text="우리 동 일", due_on=days(5), owner=user_in_dong
    )
    client.force_login(user_other_dong)
    urls = action_urls(action)
    assert client.get(urls["edit"]).status_code == 404
    for url in (urls["edit"], urls["done"], urls["cancel"], add_url(meeting)):
        assert (
            client.post(url, {"text": "x", "owner_name": "x", "due_on": iso(3)}).status_code == 404
        )
    action.refresh_from_db()
    assert action.is_open and action.text == "우리 동 일"
    assert ActionItem.objects.count() == 1
    with pytest.raises(ApplicationError):  # not an officer of 능동 or of the gu
        services.add_action_item(
            meeting=meeting, by=user_in_dong, text="x", due_on=days(1), owner=user_other_dong
        )


def test_the_dashboard_reads_the_same_number_of_queries_with_5_and_50_action_items(
    client, meeting, user_in_dong
):
    def make(n):
        for i in range(n):
            services.add_action_item(
                meeting=meeting, by=user_in_dong, text=f"할 일 {i}", due_on=days(1 + i % 9),
                owner=user_in_dong,
            )  # fmt: skip

    from django.db import connection

    client.force_login(user_in_dong)
    make(5)
    client.get("/")
    with CaptureQueriesContext(connection) as few:
        assert len(client.get("/").context["action_items"]) == 5
    make(45)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get("/").context["action_items"]) == 20  # bounded
    assert len(many.captured_queries) == len(few.captured_queries)


# --- no decision before the meeting's day -----------------------------------------------------------


def test_a_decision_before_the_meetings_day_is_refused_and_not_offered(
    client, user_in_dong, supervisor
):
    later = services.create_meeting(
        by=user_in_dong, kind=MeetingKind.TEAM_CONFERENCE, held_at=at(2, 14), place="2층",
        chair=supervisor, officers=[user_in_dong],
    )  # fmt: skip
    client_record = ClientFactory(dong=dong("능동"), name="한미래")
    item = services.place_on_agenda(
        meeting=later, client=client_record, question=Question.EMERGENCY_SUPPORT, by=user_in_dong
    )
    with pytest.raises(ApplicationError) as error:
        services.decide(item=item, by=supervisor, outcome=Outcome.SUPPORT_SELECTED)
    message = str(error.value.message)
    assert message.startswith("회의일은 ") and "결정은 회의 당일부터 기록할 수 있고" in message
    assert "-" not in message.split("회의일은 ")[1][:12]  # the Korean date, not an ISO one

    client.force_login(supervisor)
    page = client.get(reverse("meetings:meeting_detail", args=[later.pk]))
    assert page.context["items"][0][1] is None  # no decision form before the day
    assert (
        "결정은 " in page.content.decode() and "부터 기록할 수 있습니다." in page.content.decode()
    )
    refused = client.post(
        reverse("meetings:item_decide", args=[later.pk, item.pk]),
        {f"item-{item.pk}-outcome": Outcome.SUPPORT_SELECTED},
    )
    assert refused.status_code == 400
    assert "결정은 회의 당일부터 기록할 수 있고" in refused.content.decode()
    assert not Decision.objects.exists()


# --- the 내부판정회의's questions about a client ------------------------------------------------------


def test_a_client_selected_for_emergency_support_shows_on_the_client_page_and_in_the_minutes(
    client, meeting, user_in_dong, supervisor, client_in_dong
):
    client.force_login(user_in_dong)
    added = client.post(
        reverse("meetings:agenda_add", args=[meeting.pk]),
        {"client": client_in_dong.pk, "question": Question.EMERGENCY_SUPPORT},
    )
    assert added.status_code == 302
    item = AgendaItem.objects.get()
    assert (item.client, item.case) == (client_in_dong, None)
    assert client_in_dong.name in item.summary

    client.force_login(supervisor)
    decided = client.post(
        reverse("meetings:item_decide", args=[meeting.pk, item.pk]),
        {f"item-{item.pk}-outcome": Outcome.SUPPORT_SELECTED,
         f"item-{item.pk}-comments": "실직으로 생계 곤란: 생계지원 1개월"},
    )  # fmt: skip
    assert decided.status_code == 302
    assert item.decision.get_outcome_display() == "선정"

    client.force_login(user_in_dong)
    page = client.get(reverse("cases:client_detail", args=[client_in_dong.pk]))
    text = page.content.decode()
    assert "내부판정회의 결정" in text
    assert "긴급지원 대상 선정" in text and "실직으로 생계 곤란: 생계지원 1개월" in text
    meeting_page = client.get(
        reverse("meetings:meeting_detail", args=[meeting.pk])
    ).content.decode()
    assert "긴급지원 대상 선정" in meeting_page and "당사자 안건" in meeting_page
    minutes = client.get(reverse("meetings:minutes_print", args=[meeting.pk]) + "?format=html")
    printed = squash(strip_tags(minutes.content.decode()))
    assert squash(f"{client_in_dong.name}당사자 안건긴급지원 대상 선정") in printed
    assert squash("선정 실직으로 생계 곤란: 생계지원 1개월") in printed


def test_public_assistance_can_be_put_on_hold_and_the_client_page_reads_every_decision_at_once(
    client, user_in_dong, supervisor, client_in_dong, django_assert_max_num_queries
):
    def decided_meetings(n, outcome):
        for _ in range(n):
            held = services.create_meeting(
                by=user_in_dong, kind=MeetingKind.INTERNAL_REVIEW, held_at=at(-1, 10),
                place="상담실", chair=supervisor,
            )  # fmt: skip
            item = services.place_on_agenda(
                meeting=held, client=client_in_dong, question=Question.PUBLIC_ASSISTANCE,
                by=user_in_dong,
            )  # fmt: skip
            services.decide(item=item, by=supervisor, outcome=outcome, comments="소득 자료 확인")

    client.force_login(user_in_dong)
    url = reverse("cases:client_detail", args=[client_in_dong.pk])
    decided_meetings(1, Outcome.ON_HOLD)
    client.get(url)
    from django.db import connection

    with CaptureQueriesContext(connection) as one:
        assert "보류" in client.get(url).content.decode()
    decided_meetings(5, Outcome.NOT_SELECTED)
    with CaptureQueriesContext(connection) as six:
        response = client.get(url)
    assert len(response.context["meeting_decisions"]) == 6
    assert len(six.captured_queries) == len(one.captured_queries)


def test_a_client_of_another_dong_cannot_be_put_on_the_agenda(
    client, meeting, user_in_dong, client_other_dong
):
    client.force_login(user_in_dong)
    refused = client.post(
        reverse("meetings:agenda_add", args=[meeting.pk]),
        {"client": client_other_dong.pk, "question": Question.EMERGENCY_SUPPORT},
    )
    assert refused.status_code == 400
    assert refused.context["agenda_form"].errors["client"]
    assert client_other_dong.name not in refused.content.decode()
    with pytest.raises(ApplicationError) as error:
        services.place_on_agenda(
            meeting=meeting, client=client_other_dong, question=Question.EMERGENCY_SUPPORT,
            by=user_in_dong,
        )  # fmt: skip
    assert str(error.value.message) == "회의를 여는 동의 당사자만 안건에 올릴 수 있습니다."
    assert not AgendaItem.objects.exists()


def test_another_dongs_officer_does_not_see_the_clients_decision(
    client, meeting, user_in_dong, supervisor, client_in_dong, user_other_dong, gu_staff
):
    item = services.place_on_agenda(
        meeting=meeting, client=client_in_dong, question=Question.EMERGENCY_SUPPORT,
        by=user_in_dong,
    )  # fmt: skip
    services.decide(item=item, by=supervisor, outcome=Outcome.SUPPORT_SELECTED)
    client.force_login(user_other_dong)
    assert client.get(reverse("cases:client_detail", args=[client_in_dong.pk])).status_code == 404
    assert client.get(reverse("meetings:meeting_detail", args=[meeting.pk])).status_code == 404
    client.force_login(gu_staff)  # the gu reads both: the client and the decision
    page = client.get(reverse("cases:client_detail", args=[client_in_dong.pk]))
    assert [i.pk for i in page.context["meeting_decisions"]] == [item.pk]


@pytest.mark.parametrize(
    ("subject", "question", "field", "message"),
    [
        ("case", Question.EMERGENCY_SUPPORT, "client",
         "당사자에 대한 안건입니다. 사례가 아니라 당사자를 고르세요."),
        ("client", Question.SELECT, "case",
         "사례에 대한 안건입니다. 당사자가 아니라 사례를 고르세요."),
    ],
)  # fmt: skip
def test_case_questions_need_a_case_and_client_questions_a_client(
    client, meeting, case_on_agenda, user_in_dong, client_in_dong, subject, question, field, message
):
    client.force_login(user_in_dong)
    chosen = {"case": case_on_agenda.pk} if subject == "case" else {"client": client_in_dong.pk}
    refused = client.post(
        reverse("meetings:agenda_add", args=[meeting.pk]), {**chosen, "question": question}
    )
    assert refused.status_code == 400
    assert refused.context["agenda_form"].errors[field] == [message]
    assert meeting.items.count() == 1  # only the case put there by the fixture
    with pytest.raises(ApplicationError):
        services.place_on_agenda(
            meeting=meeting, question=question, by=user_in_dong,
            **({"case": case_on_agenda} if subject == "case" else {"client": client_in_dong}),
        )  # fmt: skip


def test_the_database_refuses_an_agenda_item_about_both_a_case_and_a_client_or_neither(
    meeting, case_on_agenda, client_in_dong
):
    for subject in ({"case": case_on_agenda, "client": client_in_dong}, {}):
        with pytest.raises(IntegrityError), transaction.atomic():
            AgendaItem.objects.create(
                meeting=meeting, question=Question.CONSULTATION, summary="x", **subject
            )
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionItem.objects.create(meeting=meeting, text="x", due_on=days(1), owner_name="")
