"""알림: what someone else did on a case of mine, unread on the dashboard and in the top bar."""

import pytest
from django.urls import reverse

from cases import services
from cases.models import Alert, AlertKind, Stage
from meetings import services as meeting_services
from meetings.models import MeetingKind, Outcome, Question

from . import lifecycle
from .clock import at, days
from .factories import ClientFactory, UserFactory, dong

pytestmark = pytest.mark.django_db
EXAMPLE = lifecycle.EXAMPLES["frequent_illness"]


def run(stage, officer, supervisor, name="알림사례"):
    return lifecycle.run_to(
        stage, officer=officer, supervisor=supervisor,
        client=ClientFactory(dong=dong("능동"), name=name), example=EXAMPLE,
    )  # fmt: skip


def unread(user):
    return list(Alert.objects.for_user(user).unread())


def test_my_own_work_raises_no_alert(user_in_dong, supervisor):
    case = run(Stage.INTERVENTION, user_in_dong, supervisor)
    kinds = [a.kind for a in unread(user_in_dong)]
    assert kinds == [AlertKind.DECISION]  # only the supervisor's selection decision
    services.record_intervention(case=case, by=user_in_dong, kind="home_visit", note="방문")
    assert len(unread(user_in_dong)) == 1


def test_a_colleagues_record_and_a_supervisors_decision_alert_the_case_manager(
    user_in_dong, supervisor
):
    colleague = UserFactory(username="neung.cm2", name="박동료", dong=dong("능동"))
    case = run(Stage.INTERVENTION, user_in_dong, supervisor)
    Alert.objects.update(read_at=at(0, 9))
    services.record_intervention(case=case, by=colleague, kind="home_visit", note="대신 방문")
    (alert,) = unread(user_in_dong)
    assert alert.kind == AlertKind.RECORD and alert.created_by == colleague
    assert "박동료" in alert.message
    assert unread(colleague) == []


def test_one_alert_for_a_meeting_decision_not_one_per_effect(user_in_dong, supervisor):
    case = run(Stage.SELECTION, user_in_dong, supervisor)
    services.record_consent(case=case, by=user_in_dong, services_consent=True, method="paper")
    meeting = meeting_services.create_meeting(
        by=user_in_dong, kind=MeetingKind.INTERNAL_REVIEW, held_at=at(0, 10), place="회의실",
        chair=supervisor, officers=[user_in_dong],
    )  # fmt: skip
    item = meeting_services.place_on_agenda(
        meeting=meeting, case=case, question=Question.SELECT, by=user_in_dong
    )
    meeting_services.decide(item=item, by=supervisor, outcome=Outcome.GENERAL)
    alerts = unread(user_in_dong)
    assert [a.kind for a in alerts] == [AlertKind.MEETING]
    assert alerts[0].url == reverse("meetings:meeting_detail", args=[meeting.pk])


def test_a_hand_over_alerts_the_new_officer(user_in_dong, supervisor):
    newcomer = UserFactory(username="neung.new", name="최신규", dong=dong("능동"))
    case = run(Stage.ASSESSMENT, user_in_dong, supervisor)
    from cases.rotation import rotate_cases

    rotate_cases(
        by=supervisor, from_officer=user_in_dong, assignments={case.pk: newcomer},
        effective_on=days(0), reason="인사발령",
    )  # fmt: skip
    (alert,) = unread(newcomer)
    assert alert.kind == AlertKind.HANDOVER and "김담당" in alert.message


def test_the_alert_shows_until_opened_and_opening_the_case_reads_it(
    client, user_in_dong, supervisor
):
    case = run(Stage.SELECTION, user_in_dong, supervisor)  # the selection waits for the leader
    other = run(Stage.SELECTION, user_in_dong, supervisor, name="다른사례")
    services.decide_selection(case=case, by=supervisor, selected=True, case_type="general")
    services.decide_selection(case=other, by=supervisor, selected=False)
    client.force_login(user_in_dong)
    page = client.get(reverse("work:dashboard"))
    assert len(page.context["alerts"]) == 2
    assert 'data-unread="2"' in page.content.decode()  # the count in the top bar

    first = next(a for a in page.context["alerts"] if a.case_id == case.pk)
    opened = client.post(reverse("work:alert_open", args=[first.pk]))
    assert opened.status_code == 302 and opened["Location"] == first.url
    client.get(reverse("cases:case_detail", args=[other.pk]))  # the case page reads its alerts
    page = client.get(reverse("work:dashboard"))
    assert page.context["alerts"] == []
    assert "data-unread" not in page.content.decode()
    assert client.get(reverse("work:alerts")).context["page"].paginator.count == 2  # kept, read


def test_nobody_opens_anothers_alert_and_a_handed_over_case_leaves_the_list(
    client, user_in_dong, supervisor, user_other_dong
):
    case = run(Stage.SELECTION, user_in_dong, supervisor)
    services.decide_selection(case=case, by=supervisor, selected=True, case_type="general")
    (alert,) = unread(user_in_dong)
    client.force_login(user_other_dong)
    assert client.post(reverse("work:alert_open", args=[alert.pk])).status_code == 404
    assert client.get(reverse("work:alerts")).context["page"].paginator.count == 0
    alert.refresh_from_db()
    assert alert.read_at is None


def test_the_alert_list_pages_and_marks_all_read_in_a_fixed_number_of_queries(
    client, user_in_dong, supervisor, django_assert_max_num_queries
):
    case = run(Stage.SELECTION, user_in_dong, supervisor)
    for n in range(35):
        Alert.objects.create(
            recipient=user_in_dong, case=case, kind=AlertKind.RECORD, message=f"기록 {n}",
            url="/", created_by=supervisor,
        )  # fmt: skip
    client.force_login(user_in_dong)
    client.get(reverse("work:alerts"))
    with django_assert_max_num_queries(30):
        page = client.get(reverse("work:alerts"), {"unread": "1"}).context["page"]
    assert len(page.object_list) == 30 and page.paginator.count == 35
    assert client.post(reverse("work:alerts_read")).status_code == 302
    assert unread(user_in_dong) == []
