"""The calendar (달력): a month or a week of contacts due, home visits, follow-up checks, clocks
ending and meetings, for me or (the team leader) for the team — on hand-built cases."""

import calendar as pycalendar
import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from casemgmt.core.models import AccessRecord
from casemgmt.work.calendar import (
    MONTH,
    WEEK,
    Whose,
    calendar_entries,
    contact_dates,
    period,
)
from cases import services as case_services
from cases.models import (
    Case,
    ClockKind,
    ConsentMethod,
    DeadlineClock,
    ItemStatus,
    MonitoringMethod,
    PlanItem,
    Stage,
)
from cases.schedule import item_next_contact
from meetings import services as meeting_services
from meetings.models import MeetingKind

from . import lifecycle
from .clock import at, days, today
from .factories import ClientFactory, UserFactory, dong
from .scope_world import _specialised_case
from .test_dashboard import open_case
from .test_schedule import case_in_intervention, item, monitor

pytestmark = pytest.mark.django_db
SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")
URL = "/calendar/"


@pytest.fixture(autouse=True)
def _stopped_clock():
    """Each answer here is a day counted from today: the clock stops where the test starts (with
    --clock-at, two seconds before midnight), so building the cases cannot carry it into the next
    day between the records and the page."""
    with time_machine.travel(timezone.now(), tick=False):
        yield


def this_week():
    monday = today() - datetime.timedelta(days=today().weekday())
    return monday, monday + datetime.timedelta(days=6)


def entries_of(response, kind=None):
    return [
        entry
        for week in response.context["weeks"]
        for day in week
        for entry in day.entries
        if kind is None or entry.kind == kind
    ]


def mine(user, start, end, kind=None):
    found = calendar_entries(user=user, whose=Whose("me", user), start=start, end=end)
    return [e for e in found if kind is None or e.kind == kind]


def team(user, start, end):
    return calendar_entries(user=user, whose=Whose("team"), start=start, end=end)


def meeting(officer, chair, *, when, officers=()):
    return meeting_services.create_meeting(
        by=officer, kind=MeetingKind.TEAM_CONFERENCE, held_at=when, place="2층 회의실",
        chair=chair, officers=officers,
    )  # fmt: skip


# --- monitoring contacts -------------------------------------------------------------------------
def test_an_item_with_two_contacts_a_week_shows_them_on_their_days_this_week(
    client, user_in_dong, supervisor
):
    case, (visit,) = case_in_intervention(
        user_in_dong, supervisor, [item("주 2회 방문", start=days(-4), end=days(60), per_week=2)]
    )
    visit.refresh_from_db()
    assert visit.next_contact_due == today()  # one interval (4 days) after its start
    monday, sunday = this_week()
    client.force_login(user_in_dong)
    response = client.get(URL, {"view": "week"})
    assert response.status_code == 200
    contacts = entries_of(response, "contact")
    expected = [d for d in (days(0), days(4), days(8)) if monday <= d <= sunday]
    assert [e.on for e in contacts] == expected  # today, then every four days
    assert [e.projected for e in contacts] == [False, *[True] * (len(expected) - 1)]
    link = reverse("cases:monitoring_create", args=[case.pk]) + f"?item={visit.pk}"
    assert {e.url for e in contacts} == {link}
    html = response.content.decode()
    assert f'href="{link}"' in html
    # the cell of today holds the link, and is marked as today
    cell = html.split(f'data-date="{today().isoformat()}"')[0].rsplit("<td", 1)[1]
    assert "cal-today" in cell
    today_cell = html.split(f'data-date="{today().isoformat()}"', 1)[1].split("</td>", 1)[0]
    assert 'aria-current="date"' in today_cell and link in today_cell

    month = client.get(URL, {"view": "month"})
    shown = period(MONTH, today())
    rhythm = [days(n) for n in range(0, 80, 4) if shown.start <= days(n) <= shown.end]
    assert [e.on for e in entries_of(month, "contact")] == rhythm


def test_overdue_contacts_show_on_their_due_date_marked_overdue(client, user_in_dong, supervisor):
    case, (visit,) = case_in_intervention(
        user_in_dong, supervisor, [item("주 2회 방문", start=days(-10), end=days(60), per_week=2)]
    )
    contacts = mine(user_in_dong, days(-7), days(7), "contact")
    assert [(e.on, e.overdue, e.projected) for e in contacts] == [
        (days(-6), True, False),  # the stored date: six days over
        (days(-2), True, True),
        (days(2), False, True),
        (days(6), False, True),
    ]
    client.force_login(user_in_dong)
    html = client.get(URL, {"view": "week", "date": days(-6).isoformat()}).content.decode()
    overdue = html.split(f'data-date="{days(-6).isoformat()}"', 1)[1].split("</li>", 1)[0]
    assert 'data-entry="contact"' in overdue and "data-overdue" in overdue
    assert "cal-overdue" in overdue  # a colour, a mark seen, and a word read out
    assert 'class="cal-mark" aria-hidden="true"' in overdue
    assert '<span class="visually-hidden">' in overdue


def test_the_items_of_a_case_due_on_one_day_make_one_visit_opening_the_first_item(
    client, user_in_dong, supervisor
):
    case, (first, second) = case_in_intervention(
        user_in_dong, supervisor,
        [item("정서 지원", start=days(-4), end=days(60), per_week=2, priority=1),
         item("식사 지원", start=days(-4), end=days(60), per_week=1, priority=2)],
    )  # fmt: skip
    contacts = mine(user_in_dong, days(0), days(8), "contact")
    assert [(e.on, e.count, e.item_id) for e in contacts] == [
        (days(0), 1, first.pk),
        (days(3), 1, second.pk),  # the weekly item alone: seven days after its start
        (days(4), 1, first.pk),
        (days(8), 1, first.pk),
    ]
    together = mine(user_in_dong, days(23), days(25), "contact")
    assert [(e.on, e.count, e.item_id) for e in together] == [
        (days(24), 2, first.pk),  # both items (every 4 and every 7 days): one entry, the first
    ]
    client.force_login(user_in_dong)
    html = client.get(URL, {"view": "week", "date": days(24).isoformat()}).content.decode()
    cell = html.split(f'data-date="{days(24).isoformat()}"', 1)[1].split("</td>", 1)[0]
    assert cell.count('data-entry="contact"') == 1 and 'class="cal-count"' in cell
    assert f"?item={first.pk}" in cell


def test_an_item_ending_mid_week_shows_no_contact_after_its_end(user_in_dong, supervisor):
    _case, (short,) = case_in_intervention(
        user_in_dong, supervisor, [item("단기 지원", start=days(-4), end=days(2), per_week=2)]
    )
    contacts = mine(user_in_dong, days(-3), days(20), "contact")
    # due today; four days on would pass the end: the end date itself, then nothing
    assert [e.on for e in contacts] == [days(0), days(2)]


def test_an_extended_item_keeps_its_rhythm_after_its_end(user_in_dong, supervisor):
    case, (visit,) = case_in_intervention(
        user_in_dong, supervisor, [item("연장 지원", start=days(-8), end=days(2), per_week=1)]
    )
    monitor(case, user_in_dong, visit, days(-1), status=ItemStatus.EXTENDED)
    contacts = mine(user_in_dong, days(0), days(20), "contact")
    assert [e.on for e in contacts] == [days(6), days(13), days(20)]


def test_an_achieved_item_and_a_case_out_of_monitoring_show_no_contacts(user_in_dong, supervisor):
    case, (visit,) = case_in_intervention(
        user_in_dong, supervisor, [item("방문", start=days(-4), end=days(60), per_week=1)]
    )
    monitor(case, user_in_dong, visit, days(0), status=ItemStatus.ACHIEVED)
    assert mine(user_in_dong, days(-10), days(30), "contact") == []


@pytest.mark.parametrize("status", ["", ItemStatus.EXTENDED])
@pytest.mark.parametrize("per_week", [1, 2, 3, 7])
def test_the_projection_skips_whole_intervals_and_agrees_with_the_stored_rule(status, per_week):
    """The jump over the weeks before the period gives what one step at a time gives."""
    start = datetime.date(2026, 3, 2)
    plan_item = PlanItem(
        start_date=start, end_date=start + datetime.timedelta(days=40), times_per_week=per_week,
        monitoring_method=MonitoringMethod.REGULAR_CONTACT, status=status,
    )  # fmt: skip
    due = item_next_contact(plan_item, None)
    walked, on = [], due
    while on is not None and on <= start + datetime.timedelta(days=90):
        walked.append(on)
        on = item_next_contact(plan_item, on)
    for offset in range(0, 80, 3):
        since = start + datetime.timedelta(days=offset)
        until = since + datetime.timedelta(days=9)
        assert contact_dates(plan_item, due, since, until) == [
            d for d in walked if since <= d <= until
        ], (offset, since)


# --- the other entries ---------------------------------------------------------------------------
def test_a_follow_up_check_a_clock_a_meeting_a_home_visit_and_a_consent_show_on_their_days(
    client, user_in_dong, supervisor
):
    followed = lifecycle.run_to(
        Stage.FOLLOW_UP, officer=user_in_dong, supervisor=supervisor,
        client=ClientFactory(dong=dong("능동"), name="사후관리"),
        example=lifecycle.EXAMPLES["school_grades"],
    )  # fmt: skip
    followed.refresh_from_db()
    assert followed.follow_up_due == today()  # the agreed follow-up period ends today
    clocked = open_case(user_in_dong, days_ago=8, name="기한")  # assessment due in 2 days
    visited, _items = case_in_intervention(
        user_in_dong, supervisor, [item("방문", start=days(-30), end=days(-20), per_week=1)]
    )
    case_services.record_intervention(
        case=visited, by=user_in_dong, kind="home_visit", note="가정방문 상담", date=days(-1)
    )
    case_services.record_intervention(
        case=visited, by=user_in_dong, kind="counselling", note="전화 상담", date=days(-1)
    )  # not a home visit
    case_services.record_consent(
        case=visited, by=user_in_dong, services_consent=True, valid_from=today(),
        valid_until=days(3), method=ConsentMethod.SIGNED_PAPER,
    )  # fmt: skip
    conference = meeting(user_in_dong, supervisor, when=at(1, 14), officers=[user_in_dong])
    meeting(user_in_dong, supervisor, when=at(2, 10))  # chaired by the leader, not attended

    entries = mine(user_in_dong, days(-3), days(5))
    found = {(e.kind, e.on, e.case.pk if e.case else e.meeting.pk, e.overdue) for e in entries}
    assert found == {
        ("follow_up", days(0), followed.pk, False),
        ("home_visit", days(0), followed.pk, False),  # recorded on its way to monitoring
        ("clock", days(2), clocked.pk, False),
        ("home_visit", days(-1), visited.pk, False),
        ("consent", days(3), visited.pk, False),
        ("meeting", days(1), conference.pk, False),
    }
    by_kind = {e.kind: e for e in entries}
    assert by_kind["meeting"].url == reverse("meetings:meeting_detail", args=[conference.pk])
    assert by_kind["meeting"].at.hour == 14
    for kind, case in (("follow_up", followed), ("clock", clocked), ("consent", visited)):
        assert by_kind[kind].url == reverse("cases:case_detail", args=[case.pk])
    clock = DeadlineClock.objects.get(case=clocked, kind=ClockKind.ASSESSMENT)
    assert by_kind["clock"].label.startswith(clock.get_kind_display())

    client.force_login(user_in_dong)
    for on in (days(-1), days(0), days(1), days(2), days(3)):
        html = client.get(URL, {"view": "week", "date": on.isoformat()}).content.decode()
        cell = html.split(f'data-date="{on.isoformat()}"', 1)[1].split("</td>", 1)[0]
        wanted = [e for e in entries if e.on == on]
        assert wanted
        for e in wanted:
            assert f'data-entry="{e.kind}"' in cell and f'href="{e.url}"' in cell, (on, e.kind)
            assert (e.case.client.name if e.case else e.meeting.place) in cell


def test_a_late_meeting_shows_on_its_day_in_seoul(user_in_dong, supervisor):
    late = meeting(user_in_dong, supervisor, when=at(2, 0, 30))  # 15:30 the day before in UTC
    shown = [(e.on, e.meeting.pk) for e in mine(supervisor, days(0), days(3), "meeting")]
    assert shown == [(days(2), late.pk)]
    assert mine(supervisor, days(0), days(1), "meeting") == []


def test_a_stopped_clock_does_not_show(user_in_dong):
    case = open_case(user_in_dong, days_ago=8, name="정지")
    DeadlineClock.objects.filter(case=case).update(stopped_on=today())
    assert mine(user_in_dong, days(-3), days(20), "clock") == []


# --- whose calendar ------------------------------------------------------------------------------
def test_a_team_leader_sees_the_team_and_one_officer(client, user_in_dong, supervisor):
    colleague = UserFactory(username="neung.other", name="최동료", dong=dong("능동"))
    mine_case = open_case(user_in_dong, days_ago=8, name="내사례")
    theirs = open_case(colleague, days_ago=8, name="동료사례")
    client.force_login(supervisor)

    response = client.get(URL, {"view": "week", "date": days(2).isoformat(), "who": "team"})
    assert response.context["whose"].is_team
    assert {e.case.pk for e in entries_of(response, "clock")} == {mine_case.pk, theirs.pk}
    html = response.content.decode()
    assert 'class="cal-manager">김담당<' in html and 'class="cal-manager">최동료<' in html
    assert f'<option value="{user_in_dong.pk}"' in html and '<option value="team" selected' in html

    response = client.get(
        URL, {"view": "week", "date": days(2).isoformat(), "who": str(colleague.pk)}
    )
    assert response.context["whose"].officer == colleague
    assert [e.case.pk for e in entries_of(response, "clock")] == [theirs.pk]
    assert f"who={colleague.pk}" in response.context["links"]["next"]  # the choice is kept

    response = client.get(URL, {"view": "week", "date": days(2).isoformat()})
    assert entries_of(response, "clock") == []  # the leader's own: none


def test_a_case_manager_cannot_switch_to_the_team_or_a_colleague(client, user_in_dong):
    colleague = UserFactory(username="neung.other", name="최동료", dong=dong("능동"))
    mine_case = open_case(user_in_dong, days_ago=8, name="내사례")
    open_case(colleague, days_ago=8, name="동료사례")
    client.force_login(user_in_dong)
    for who in ("team", str(colleague.pk)):
        response = client.get(URL, {"view": "week", "date": days(2).isoformat(), "who": who})
        assert response.status_code == 200
        assert response.context["whose"].key == "me"  # the address is not read: her own
        assert [e.case.pk for e in entries_of(response, "clock")] == [mine_case.pk]
        html = response.content.decode()
        assert "동료사례" not in html and 'name="who"' not in html


def test_another_dongs_entries_never_appear(
    client, user_in_dong, supervisor, user_other_dong, case_of_other_dong, meeting_of_other_dong
):
    other_meeting = meeting_of_other_dong[0]
    clock_due = case_of_other_dong.clock_due
    assert clock_due is not None
    since, until = min(clock_due, days(-1)), days(3)
    for user in (user_in_dong, supervisor):
        assert mine(user, since, until) == []
    assert team(supervisor, since, until) == []
    # the other dong's own officer sees them (the data is there)
    theirs = {(e.kind, e.case.pk) for e in mine(user_other_dong, since, until) if e.case}
    assert ("clock", case_of_other_dong.pk) in theirs
    client.force_login(supervisor)
    for who in ("team", str(user_other_dong.pk), "me"):
        for date in (clock_due, days(1)):
            response = client.get(URL, {"view": "month", "date": date.isoformat(), "who": who})
            assert response.status_code == 200
            html = response.content.decode()
            assert case_of_other_dong.client.name not in html
            assert case_of_other_dong.number not in html
            assert f"/meetings/{other_meeting.pk}/" not in html
    assert client.get(URL, {"who": str(user_other_dong.pk)}).context["whose"].key == "me"


def test_the_gu_staff_see_the_cases_the_dongs_gave_them(client, user_in_dong, supervisor, gu_staff):
    shared = _specialised_case(
        user_in_dong, supervisor, name="공유사례", mode="shared", gu_manager=gu_staff
    )
    shared.refresh_from_db()
    dong_only = open_case(user_in_dong, days_ago=8, name="동사례")
    clocks = {(e.case.pk, e.on) for e in mine(gu_staff, days(-1), days(40), "clock")}
    assert {pk for pk, _on in clocks} == {shared.pk}
    assert shared.clock_due in {on for _pk, on in clocks}
    client.force_login(gu_staff)
    response = client.get(URL, {"view": "month", "date": shared.clock_due.isoformat()})
    assert response.status_code == 200 and 'name="who"' not in response.content.decode()
    assert dong_only.pk not in {e.case.pk for e in entries_of(response) if e.case}


def test_the_system_administrator_gets_an_empty_calendar_and_no_access_record(
    client, sysadmin, user_in_dong
):
    open_case(user_in_dong, days_ago=8, name="내사례")
    client.force_login(sysadmin)
    before = AccessRecord.objects.count()
    response = client.get(URL, {"view": "week", "date": days(2).isoformat(), "who": "team"})
    assert response.status_code == 200 and entries_of(response) == []
    assert AccessRecord.objects.count() == before


# --- the page ------------------------------------------------------------------------------------
def test_the_page_records_one_access_naming_the_clients_it_shows(client, user_in_dong):
    first = open_case(user_in_dong, days_ago=9, name="첫째")  # both assessments due tomorrow
    second = open_case(user_in_dong, days_ago=9, name="둘째")
    client.force_login(user_in_dong)
    client.get(URL)  # the session, the caches
    before = AccessRecord.objects.count()
    client.get(URL, {"view": "month", "date": days(1).isoformat()})
    records = list(AccessRecord.objects.order_by("id")[before:])
    assert len(records) == 1
    assert set(records[0].shown.values_list("client_id", flat=True)) == {
        first.client_id,
        second.client_id,
    }


@pytest.mark.parametrize(
    ("query", "wrong"),
    [
        ({"date": f"{today().year - 1}-02-30"}, {"date"}),
        ({"date": "어제"}, {"date"}),
        ({"date": "1999-12-31"}, {"date"}),
        ({"date": "9999-12-31", "view": "week"}, {"date"}),
        ({"view": "year"}, {"view"}),
        ({"view": "<script>", "who": "1' OR '1'='1"}, {"view", "who"}),
    ],
)
def test_a_bad_address_shows_the_default_calendar_with_what_was_wrong(
    client, supervisor, query, wrong
):
    client.force_login(supervisor)
    response = client.get(URL, query)
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == wrong
    shown = response.context["period"]
    assert shown.start <= today() <= shown.end
    assert shown.view == (WEEK if query.get("view") == "week" else MONTH)
    assert 'role="alert"' in response.content.decode()


def test_a_month_is_the_weeks_that_cover_it_monday_first():
    year = today().year
    for month in range(1, 13):
        shown = period(MONTH, datetime.date(year, month, 15))
        assert 4 <= len(shown.weeks) <= 6
        assert shown.start.weekday() == 0 and shown.end.weekday() == 6
        first = datetime.date(year, month, 1)
        assert shown.start <= first < shown.start + datetime.timedelta(days=7)
        assert all(len(week) == 7 for week in shown.weeks)
        days_of_month = {d for week in shown.weeks for d in week if d.month == month}
        assert len(days_of_month) == pycalendar.monthrange(year, month)[1]
    december = period(MONTH, datetime.date(year, 12, 31))
    assert december.next == datetime.date(year + 1, 1, 1)
    assert december.previous == datetime.date(year, 11, 1)
    week = period(WEEK, datetime.date(year, 12, 31))
    assert [d.weekday() for d in week.weeks[0]] == list(range(7))
    assert week.next == week.start + datetime.timedelta(days=7)


def test_at_midnight_in_seoul_the_calendar_turns_to_the_new_year(client, user_in_dong):
    year = today().year
    # 15:30 UTC on 31 December is half past midnight on 1 January in Seoul
    with time_machine.travel(datetime.datetime(year, 12, 31, 15, 30, tzinfo=datetime.UTC)):
        client.force_login(user_in_dong)
        response = client.get(URL)
        new_year = datetime.date(year + 1, 1, 1)
        shown = response.context["period"]
        assert (shown.day, shown.view) == (new_year, MONTH)
        html = response.content.decode()
        cell = html.split(f'data-date="{new_year.isoformat()}"', 1)[1].split(">", 1)[0]
        assert 'aria-current="date"' in cell
        assert html.count('aria-current="date"') == 1
        links = response.context["links"]
        assert f"date={year}-12-01" in links["previous"]
        assert f"date={year + 1}-02-01" in links["next"]
        week = client.get(URL, {"view": "week"}).context["period"]
        assert week.start <= new_year <= week.end and week.start.weekday() == 0


def test_the_query_count_is_the_same_with_5_and_50_cases(
    client, user_in_dong, supervisor, django_assert_max_num_queries
):
    """Every kind of entry grows (items, home visits, clocks, meetings): the queries do not."""

    def make(intervention, intake, meetings, start):
        for i in range(intervention):
            case, _items = case_in_intervention(
                user_in_dong, supervisor,
                [item(f"방문{n}", start=days(-4 - n), end=days(60), per_week=2)
                 for n in range(1 + i % 3)],
            )  # fmt: skip
            case_services.record_intervention(
                case=case, by=user_in_dong, kind="home_visit", note="방문", date=today()
            )
        for i in range(intake):
            open_case(user_in_dong, days_ago=10, name=f"달력{start + i}")  # assessment due today
        for i in range(meetings):
            meeting(user_in_dong, supervisor, when=at(0, 9 + i % 8), officers=[user_in_dong])

    query = {"view": "month", "date": today().isoformat()}
    for user in (user_in_dong, supervisor):
        client.force_login(user)
        client.get(URL, query)  # the session, the caches
    make(2, 3, 2, 0)
    assert Case.objects.count() == 5
    counted = {}
    for user, who in ((user_in_dong, "me"), (supervisor, "team")):
        client.force_login(user)
        with django_assert_max_num_queries(30) as few:
            response = client.get(URL, {**query, "who": who})
        counted[who] = len(few.captured_queries)
        kinds = {e.kind for e in entries_of(response)}
        assert kinds == {"contact", "home_visit", "clock", "meeting"}, who
    make(3, 42, 10, 3)
    assert Case.objects.count() == 50
    for user, who in ((user_in_dong, "me"), (supervisor, "team")):
        client.force_login(user)
        with django_assert_max_num_queries(counted[who]):
            response = client.get(URL, {**query, "who": who})
        assert len({e.case.pk for e in entries_of(response) if e.case}) == 50
        assert len({e.meeting.pk for e in entries_of(response) if e.meeting}) == 12
