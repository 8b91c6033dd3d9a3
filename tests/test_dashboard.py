"""My work (대시보드): what is due on my cases, each a click from the pre-filled form."""

import datetime

import pytest
from django.urls import reverse

from cases import services as case_services
from cases.models import ConsentMethod, Disposition, IntakeRoute, MonitoringMethod, Stage
from meetings import services as meeting_services
from meetings.models import MeetingKind, Question

from . import lifecycle
from .clock import at, days, today
from .factories import ClientFactory, dong
from .referral_helpers import plan_with_item, refer
from .resource_factories import ProviderFactory
from .test_schedule import case_in_intervention, item

pytestmark = pytest.mark.django_db
EXAMPLE = lifecycle.EXAMPLES["school_grades"]


def open_case(officer, *, days_ago=0, name="대시보드"):
    intake = case_services.record_intake(
        client=ClientFactory(dong=dong("능동"), name=name), by=officer,
        intake_date=days(-days_ago), route=IntakeRoute.WALK_IN, presenting_problem="생계 곤란",
        disposition=Disposition.CASE_MANAGEMENT,
    )  # fmt: skip
    return intake.case


def test_an_overdue_contact_is_one_click_from_its_pre_filled_form(client, user_in_dong, supervisor):
    case, (visit,) = case_in_intervention(
        user_in_dong, supervisor,
        [item("주 2회 방문 상담", start=days(-10), end=days(60), per_week=2,
              method=MonitoringMethod.PROVIDER)],
    )  # fmt: skip
    client.force_login(user_in_dong)
    response = client.get(reverse("work:dashboard"))
    due = response.context["due"]
    assert [(d.kind, d.on, d.case.pk) for d in due] == [("contact", days(-6), case.pk)]
    link = due[0].url
    assert link == reverse("cases:monitoring_create", args=[case.pk]) + f"?item={visit.pk}"
    assert link in response.content.decode()

    form = client.get(link).context["form"]
    assert form["plan_item"].value() == visit.pk
    assert form["method"].value() == MonitoringMethod.PROVIDER
    assert form["date"].value() == today()
    saved = client.post(link, {"plan_item": visit.pk, "date": today().isoformat(),
                               "method": "provider", "findings": "주 2회 제공 확인"})  # fmt: skip
    assert saved.status_code == 302
    case.refresh_from_db()
    assert case.next_contact_due == days(4)
    assert client.get(reverse("work:dashboard")).context["due"] == []


def test_my_cases_are_sorted_by_what_is_due_next(client, user_in_dong):
    later = open_case(user_in_dong, days_ago=0, name="나중")  # assessment due in 10 days
    sooner = open_case(user_in_dong, days_ago=8, name="먼저")  # in 2 days
    late = open_case(user_in_dong, days_ago=12, name="늦음")  # 2 days over
    client.force_login(user_in_dong)
    response = client.get(reverse("work:dashboard"))
    mine = response.context["my_cases"]
    assert [c.pk for c in mine] == [late.pk, sooner.pk, later.pk]
    assert [c.next.on for c in mine] == [days(-2), days(2), days(10)]
    assert {(d.kind, d.case.pk) for d in response.context["due"]} == {
        ("clock", late.pk),
        ("clock", sooner.pk),
    }  # a deadline shows from three days before it
    text = response.content.decode()
    assert "초과 2일" in text and "D-2" in text


def test_consents_ending_soon_and_follow_ups_due_are_listed(client, user_in_dong, supervisor):
    case, _items = case_in_intervention(
        user_in_dong, supervisor, [item("방문", start=days(-3), end=days(60), per_week=1)]
    )
    case_services.record_consent(
        case=case, by=user_in_dong, services_consent=True, valid_from=today(),
        valid_until=days(10), method=ConsentMethod.SIGNED_PAPER,
    )  # fmt: skip
    client.force_login(user_in_dong)
    due = client.get(reverse("work:dashboard")).context["due"]
    assert [(d.kind, d.on) for d in due] == [("consent", days(10))]
    assert due[0].url == reverse("cases:consent_create", args=[case.pk])


def test_referrals_waiting_longer_than_the_gus_days_are_listed(client, user_in_dong, supervisor):
    from .referral_helpers import case_in_planning

    provider = ProviderFactory()
    case = case_in_planning(user_in_dong, supervisor)
    plan_item, other_item = plan_with_item(case, user_in_dong, provider=provider, items=2)
    case_services.record_consent(
        case=case, by=user_in_dong, services_consent=True, sharing_consent=True,
        shared_items=["basic"], providers=[provider], valid_from=days(-10),
        method=ConsentMethod.SIGNED_PAPER,
    )  # fmt: skip
    old = refer(plan_item, user_in_dong, requested_on=days(-8))
    refer(other_item, user_in_dong, requested_on=days(-3))  # within the 7 days
    client.force_login(user_in_dong)
    assert [r.pk for r in client.get(reverse("work:dashboard")).context["referrals"]] == [old.pk]


def test_my_cases_on_the_next_meetings_agenda_are_listed(client, user_in_dong, supervisor):
    case = lifecycle.run_to(
        Stage.INTERVENTION, officer=user_in_dong, supervisor=supervisor,
        client=ClientFactory(dong=dong("능동")), example=EXAMPLE,
    )  # fmt: skip
    meeting = meeting_services.create_meeting(
        by=user_in_dong, kind=MeetingKind.INTEGRATED_CONFERENCE, held_at=at(3, 14),
        place="2층 회의실", chair=supervisor, officers=[user_in_dong],
    )  # fmt: skip
    agenda_item = meeting_services.place_on_agenda(
        meeting=meeting, case=case, question=Question.CONSULTATION, by=user_in_dong
    )
    client.force_login(user_in_dong)
    assert [a.pk for a in client.get(reverse("work:dashboard")).context["agenda"]] == [
        agenda_item.pk
    ]


def test_the_dashboard_reads_the_same_number_of_queries_with_5_and_50_cases(
    client, user_in_dong, django_assert_max_num_queries
):
    def make(n, start):
        for i in range(n):
            open_case(user_in_dong, days_ago=8 + i % 5, name=f"대시{start + i}")

    client.force_login(user_in_dong)
    make(5, 0)
    client.get(reverse("work:dashboard"))  # warm the session and the caches
    with django_assert_max_num_queries(40) as few:
        response = client.get(reverse("work:dashboard"))
    assert len(response.context["due"]) == 5
    make(45, 5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("work:dashboard"))
    assert len(response.context["due"]) == 50
    assert len(response.context["my_cases"]) == 30  # bounded


def test_another_officers_cases_are_not_on_my_dashboard(client, user_in_dong, user_other_dong):
    open_case(user_in_dong, days_ago=12, name="내사례")
    client.force_login(user_other_dong)
    response = client.get(reverse("work:dashboard"))
    assert response.context["due"] == [] and response.context["my_cases"] == []


def test_days_left_cross_midnight_in_seoul(user_in_dong):
    from casemgmt.work.selectors import my_due

    case = open_case(user_in_dong, days_ago=9)
    tomorrow = today() + datetime.timedelta(days=1)
    assert [d.on for d in my_due(user=user_in_dong)] == [case.clock_due] == [tomorrow]
    assert my_due(user=user_in_dong, today=today() - datetime.timedelta(days=10)) == []


def test_my_recent_work_names_the_case_not_an_internal_identifier(client, user_in_dong):
    case = open_case(user_in_dong, name="최근작업")
    client.force_login(user_in_dong)
    client.get(reverse("cases:case_detail", args=[case.pk]))
    page = client.get(reverse("work:dashboard"))
    text = page.content.decode()
    assert "cases.case:" not in text
    assert f'<a href="/cases/{case.pk}/">{case.number} 최근작업</a>' in text
