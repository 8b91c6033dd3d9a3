"""Stored due dates and deadline clocks (cases.schedule), on hand-built cases with known answers."""

import calendar
import datetime
import io
import zoneinfo

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from cases import schedule, services
from cases.models import (
    Case,
    ClockKind,
    ConsentMethod,
    DeadlineClock,
    DeadlinePolicy,
    ItemStatus,
    MonitoringMethod,
    Stage,
)

from . import lifecycle
from .clock import days, today
from .factories import ClientFactory, dong

pytestmark = pytest.mark.django_db
SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")
EXAMPLE = lifecycle.EXAMPLES["withheld_living_expenses"]


def add_months(date, months):
    month = date.month - 1 + months
    year, month = date.year + month // 12, month % 12 + 1
    return date.replace(
        year=year, month=month, day=min(date.day, calendar.monthrange(year, month)[1])
    )


def item(content, *, start, end, per_week, method=MonitoringMethod.REGULAR_CONTACT, priority=1):
    return {
        "service_content": content, "priority": priority, "period": "단기", "start_date": start,
        "end_date": end, "times_per_week": per_week, "provider_name": "광진종합사회복지관",
        "monitoring_method": method,
    }  # fmt: skip


def case_in_intervention(officer, supervisor, items):
    client = ClientFactory(dong=dong("능동"))
    case = lifecycle.run_to(
        Stage.PLANNING, officer=officer, supervisor=supervisor, client=client, example=EXAMPLE
    )
    plan = services.create_plan(
        case=case, by=officer, short_term_goal="생활비 확보", long_term_goal="자립",
        goals=[{
            "domain": "family", "problem": "생활비", "demand": "일자리", "need": "소득",
            "purpose": "안정", "goal": "3개월 안에 생활비를 함께 관리한다", "items": items,
        }],
    )  # fmt: skip
    services.sign_plan(
        plan=plan, by=officer, method=ConsentMethod.SIGNED_PAPER, manager_signed=True
    )
    lifecycle.move(case, "start_intervention", officer)
    case.refresh_from_db()
    return case, list(plan.items.order_by("priority", "id"))


def monitor(case, officer, plan_item, on, status=""):
    services.record_monitoring(
        case=case, by=officer, plan_item=plan_item, date=on, method=plan_item.monitoring_method,
        findings="제공됨", item_status=status,
    )  # fmt: skip
    case.refresh_from_db()


def assert_no_drift():
    out = io.StringIO()
    call_command("recompute_schedule", stdout=out)
    assert "0 with drift" in out.getvalue(), out.getvalue()


# --- monitoring contacts -------------------------------------------------------------------------
def test_an_item_with_two_contacts_a_week_is_due_every_four_days(user_in_dong, supervisor):
    case, (twice, informal) = case_in_intervention(
        user_in_dong,
        supervisor,
        [
            item("주 2회 방문 상담", start=days(-10), end=days(80), per_week=2),
            item(
                "이웃 관찰",
                start=days(-10),
                end=days(80),
                per_week=1,
                method=MonitoringMethod.INFORMAL,
                priority=2,
            ),  # fmt: skip
        ],
    )
    twice.refresh_from_db()
    informal.refresh_from_db()
    assert schedule.contact_interval(twice) == 4  # 7 / 2 = 3.5, rounded up
    assert twice.next_contact_due == days(-6)
    assert informal.next_contact_due == days(4)  # informal: at most every 14 days
    assert case.next_contact_due == days(-6)
    assert case.next_contact_item_id == twice.pk

    monitor(case, user_in_dong, twice, days(-2))
    twice.refresh_from_db()
    assert twice.next_contact_due == days(2)  # the contact moved the item's date
    assert case.next_contact_due == days(2)
    assert case.last_contact_on == days(-2)

    monitor(case, user_in_dong, twice, days(-1), status=ItemStatus.ACHIEVED)
    assert case.next_contact_due == days(4)  # achieved: only the informal item is left
    assert case.next_contact_item_id == informal.pk
    assert_no_drift()


def test_an_item_ending_soon_is_due_on_its_end_date_then_no_more(user_in_dong, supervisor):
    case, (short,) = case_in_intervention(
        user_in_dong,
        supervisor,
        [item("긴급 생계 지원", start=days(-20), end=days(-15), per_week=1)],
    )
    assert case.next_contact_due == days(-15)  # one interval would pass the end date
    monitor(case, user_in_dong, short, days(-15))
    assert case.next_contact_due is None
    assert_no_drift()


def test_overdue_lists_filter_on_the_stored_column(user_in_dong, supervisor):
    from cases.selectors import case_list

    late, _items = case_in_intervention(
        user_in_dong, supervisor, [item("방문", start=days(-30), end=days(60), per_week=1)]
    )
    on_time, _items = case_in_intervention(
        user_in_dong, supervisor, [item("방문", start=days(-3), end=days(60), per_week=1)]
    )
    overdue = case_list(user=user_in_dong, filters={"overdue": "monitoring"})
    assert list(overdue.values_list("pk", flat=True)) == [late.pk]
    assert on_time.next_contact_due == days(4)
    query = str(overdue.query)
    assert "cases_monitoring" not in query  # no subquery per case


# --- reassessment, consent ----------------------------------------------------------------------
def test_reassessment_is_due_a_year_after_the_assessment_or_when_monitoring_asks(
    user_in_dong, supervisor
):
    case, (visit,) = case_in_intervention(
        user_in_dong, supervisor, [item("방문", start=days(-5), end=days(60), per_week=1)]
    )
    completed = case.assessments.get().completed_on
    assert case.reassessment_due == completed + datetime.timedelta(days=365)
    monitor(case, user_in_dong, visit, today(), status=ItemStatus.REASSESS)
    assert case.reassessment_due == today()
    assert case.next_due_on == today()
    assert_no_drift()


def test_the_consent_end_is_stored_and_a_withdrawal_clears_it(user_in_dong, supervisor):
    case, _items = case_in_intervention(
        user_in_dong, supervisor, [item("방문", start=days(-5), end=days(60), per_week=1)]
    )
    assert case.consent_ends_on is None  # the demo consent runs until the case ends
    consent = services.record_consent(
        case=case, by=user_in_dong, services_consent=True, valid_from=today(),
        valid_until=days(180), method=ConsentMethod.SIGNED_PAPER,
    )  # fmt: skip
    case.refresh_from_db()
    assert case.consent_ends_on == days(180)
    services.withdraw_consent(consent=consent, by=user_in_dong, note="본인 요청")
    case.refresh_from_db()
    assert case.consent_ends_on is None
    assert_no_drift()


# --- follow-up -------------------------------------------------------------------------------------
def test_a_three_month_follow_up_is_checked_monthly_and_ends_on_its_last_day(
    user_in_dong, supervisor
):
    client = ClientFactory(dong=dong("능동"))
    case = lifecycle.run_to(
        Stage.EVALUATION, officer=user_in_dong, supervisor=supervisor, client=client,
        example=EXAMPLE,
    )  # fmt: skip
    lifecycle.evaluate(user_in_dong, case)
    closed_on = days(-95)
    until = add_months(closed_on, 3)
    services.propose_closure(
        case=case, by=user_in_dong, reason="goal_achieved", summary="목표 달성",
        closed_on=closed_on, follow_up_until=until, follow_up_agreed=True,
    )  # fmt: skip
    services.approve_closure(case=case, by=supervisor)
    lifecycle.move(case, "close", user_in_dong)
    case.refresh_from_db()
    assert case.follow_up_due is None  # not in follow-up yet
    lifecycle.move(case, "start_follow_up", user_in_dong)
    case.refresh_from_db()
    assert case.follow_up_due == closed_on + datetime.timedelta(days=30)

    def check(on):
        services.record_follow_up(
            case=case, by=user_in_dong, date=on, method="regular_contact", findings="유지됨"
        )
        case.refresh_from_db()

    check(closed_on + datetime.timedelta(days=35))
    assert case.follow_up_due == closed_on + datetime.timedelta(days=65)
    check(closed_on + datetime.timedelta(days=70))
    assert case.follow_up_due == until  # the next interval would pass the agreed period
    check(until)
    assert case.follow_up_due is None
    assert_no_drift()


# --- deadline clocks ---------------------------------------------------------------------------------
def seoul(date, hour, minute=0):
    return datetime.datetime.combine(date, datetime.time(hour, minute), tzinfo=SEOUL)


def clocks_of(case):
    return {clock.kind: clock for clock in DeadlineClock.objects.filter(case=case, cycle=1)}


def test_clocks_cross_a_month_and_a_year_in_seoul_and_follow_the_gus_limits(
    user_in_dong, supervisor
):
    year = today().year - 1
    christmas = datetime.date(year, 12, 25)
    client = ClientFactory(dong=dong("능동"))
    with time_machine.travel(seoul(christmas, 10), tick=False):
        case = lifecycle.intake(user_in_dong, client, EXAMPLE).case
        lifecycle.move(case, "start_assessment", user_in_dong)
    clocks = clocks_of(case)
    assert set(clocks) == {ClockKind.ASSESSMENT, ClockKind.INTAKE_TO_PLAN}
    assert clocks[ClockKind.ASSESSMENT].due_on == datetime.date(year + 1, 1, 4)
    assert clocks[ClockKind.INTAKE_TO_PLAN].due_on == datetime.date(year + 1, 1, 24)
    case.refresh_from_db()
    assert case.clock_due == datetime.date(year + 1, 1, 4)

    # 00:30 on 1 January in Seoul is still 31 December in UTC: the clock counts Seoul's day.
    new_year = datetime.date(year + 1, 1, 1)
    with time_machine.travel(seoul(new_year, 0, 30), tick=False):
        lifecycle.assess(user_in_dong, case, EXAMPLE)
        lifecycle.move(case, "submit_for_selection", user_in_dong)
    clocks = clocks_of(case)
    assessment = clocks[ClockKind.ASSESSMENT]
    assert assessment.stopped_on == new_year
    assert assessment.days_left(today()) == 3 and not assessment.breached(today())
    assert clocks[ClockKind.SELECTION].started_on == new_year
    assert clocks[ClockKind.SELECTION].due_on == datetime.date(year + 1, 1, 6)

    # The gu shortens the selection limit: the running clock follows, the stopped one does not.
    policy = DeadlinePolicy.objects.create(gu=case.dong.gu, selection_days=3, assessment_days=5)
    assert schedule.refresh_running_clocks(case.dong.gu_id) == 1
    clocks = clocks_of(case)
    assert clocks[ClockKind.SELECTION].limit_days == 3
    assert clocks[ClockKind.SELECTION].due_on == datetime.date(year + 1, 1, 4)
    assert clocks[ClockKind.ASSESSMENT].limit_days == 10  # stopped before the change

    with time_machine.travel(seoul(datetime.date(year + 1, 1, 5), 14), tick=False):
        services.decide_selection(case=case, by=supervisor, selected=True, case_type="general")
    selection = clocks_of(case)[ClockKind.SELECTION]
    assert selection.stopped_on == datetime.date(year + 1, 1, 5)
    assert selection.breached(today()) and selection.days_left(today()) == -1

    policy.selection_days = 10
    policy.save()
    schedule.refresh_running_clocks(case.dong.gu_id)
    assert clocks_of(case)[ClockKind.SELECTION].limit_days == 3  # stopped: keeps its limit
    assert_no_drift()


def test_a_case_closed_before_its_step_stops_the_clock_as_closed(user_in_dong, supervisor):
    client = ClientFactory(dong=dong("능동"))
    case = lifecycle.run_to(
        Stage.ASSESSMENT, officer=user_in_dong, supervisor=supervisor, client=client,
        example=EXAMPLE,
    )  # fmt: skip
    services.propose_closure(
        case=case, by=user_in_dong, reason="moved_away", summary="전출", follow_up_agreed=False
    )
    services.approve_closure(case=case, by=supervisor)
    lifecycle.move(case, "close", user_in_dong)
    clocks = clocks_of(case)
    assert clocks[ClockKind.ASSESSMENT].stopped_on == today()
    assert clocks[ClockKind.ASSESSMENT].cancelled
    case.refresh_from_db()
    assert case.clock_due is None and case.next_due_on is None
    assert_no_drift()


# --- drift -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("stage", [s for s in Stage if s != Stage.NOT_SELECTED])
def test_no_drift_after_the_worked_examples(stage, user_in_dong, supervisor):
    for example in sorted(lifecycle.EXAMPLES):
        data = lifecycle.EXAMPLES[example]
        client = ClientFactory(dong=dong("능동"), **data["client"])
        lifecycle.run_to(
            stage, officer=user_in_dong, supervisor=supervisor, client=client, example=data
        )
    assert Case.objects.count() == len(lifecycle.EXAMPLES)
    assert_no_drift()


def test_the_recompute_command_reports_a_change_made_behind_the_services_back(
    user_in_dong, supervisor
):
    case, _items = case_in_intervention(
        user_in_dong, supervisor, [item("방문", start=days(-3), end=days(60), per_week=1)]
    )
    Case.objects.filter(pk=case.pk).update(next_contact_due=days(100))
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("recompute_schedule", stdout=out)
    assert f"{case.number}: next_contact_due" in out.getvalue()
    call_command("recompute_schedule", "--fix", stdout=io.StringIO())
    case.refresh_from_db()
    assert case.next_contact_due == days(4)
    assert_no_drift()


# --- the gu's settings page --------------------------------------------------------------------------
def test_gu_staff_set_the_limits_and_the_change_is_in_the_history(
    client, gu_staff, user_in_dong, supervisor
):
    case = lifecycle.intake(user_in_dong, ClientFactory(dong=dong("능동")), EXAMPLE).case
    assessment_clock = DeadlineClock.objects.get(case=case, kind=ClockKind.ASSESSMENT)
    assert assessment_clock.due_on == days(10)

    client.force_login(user_in_dong)
    assert client.get("/deadlines/").status_code == 403
    client.force_login(gu_staff)
    page = client.get("/deadlines/")
    assert page.status_code == 200
    data = {
        "assessment_days": "7", "selection_days": "5", "plan_days": "15",
        "intake_to_plan_days": "30", "follow_up_interval_days": "30",
        "referral_answer_days": "7", "discovery_investigation_days": "14",
        "follow_up_period_days": "90", "loaded_version": "1",
    }  # fmt: skip
    refused = client.post("/deadlines/", {**data, "assessment_days": "0"})
    assert refused.status_code == 200
    assert refused.context["form"].errors["assessment_days"]
    assert refused.context["form"]["plan_days"].value() == "15"  # what was typed is kept
    assert client.post("/deadlines/", data).status_code == 302
    assessment_clock.refresh_from_db()
    assert assessment_clock.limit_days == 7 and assessment_clock.due_on == days(7)
    history = client.get("/deadlines/")
    entries = history.context["entries"]
    assert entries[0].who == gu_staff
    stale = client.post("/deadlines/", {**data, "assessment_days": "9"})  # loaded version 1 again
    assert stale.status_code == 200 and stale.context["form"].non_field_errors()
    assert DeadlinePolicy.objects.get(gu=case.dong.gu).assessment_days == 7
