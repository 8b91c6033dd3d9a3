"""통계: every figure of the statistics page with hand-built records and known answers, its scope
(a dong's officers count their dong; the gu staff every dong of their gu, and only theirs), the
period form, the Excel export with its small cells written "<3", and a number of queries that
does not grow with the number of cases.

The records are written straight to the tables (no services): the figures read rows, and each
test places every row on a day of its own period, a hundred days ago (tests.clock), so the
answers hold on any day the suite runs.
"""

import datetime
import io
import itertools
from urllib.parse import unquote

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from casemgmt.core.models import AccessRecord, Dong, Gu
from casemgmt.core.roles import Role
from casemgmt.work.forms import DATE_OUT_OF_RANGE, PERIOD_REVERSED, PERIOD_TOO_LONG
from casemgmt.work.statistics import Period, medians, statistics
from casemgmt.work.statistics_export import SMALL_CELL_TEXT, export_value
from cases.models import (
    Assessment,
    AssessmentNeed,
    Case,
    CaseStageChange,
    Closure,
    FollowUpCheck,
    Intake,
    PlanGoal,
    PlanItem,
    ServicePlan,
)
from meetings.models import AgendaItem, Decision, Meeting
from resources.models import Referral

from . import clock
from .factories import ClientFactory, UserFactory, dong, gu
from .resource_factories import ProviderFactory, ResourceFactory

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SEQUENCE = itertools.count(1)


# --- records on the days of a period --------------------------------------------------------------


class Records:
    """Writes one officer's records on day ``n`` of the period (0: its first day; negative:
    before it). The period is 30 days, starting a hundred days ago."""

    LENGTH = 30

    def __init__(self, officer, *, start=None):
        self.officer = officer
        self.dong = officer.dong
        self.start = start or clock.days(-100)
        self.period = Period(self.start, self.day(self.LENGTH - 1))
        self._plans = {}

    def day(self, n):
        return self.start + datetime.timedelta(days=n)

    def moment(self, n, hour=10, minute=0):
        return datetime.datetime.combine(
            self.day(n), datetime.time(hour, minute), tzinfo=clock.SEOUL
        )

    def intake(self, n, *, route="walk_in", disposition="case", client=None):
        return Intake.objects.create(
            client=client or ClientFactory(dong=self.dong),
            intake_date=self.day(n),
            route=route,
            disposition=disposition,
            presenting_problem="생계 곤란",
            counselled_by=self.officer,
        )

    def case(self, opened, *, intake=None):
        seq = next(SEQUENCE)
        client = intake.client if intake else ClientFactory(dong=self.dong)
        return Case.objects.create(
            client=client,
            dong=self.dong,
            year=self.day(opened).year,
            sequence=seq,
            number=f"{self.dong.name}-T{seq:05d}",
            intake=intake,
            primary_manager=self.officer,
            opened_on=self.day(opened),
        )

    def move(self, case, source, target, n, hour=10, minute=0):
        change = CaseStageChange.objects.create(
            case=case, transition="test", source=source, target=target, by=self.officer
        )
        CaseStageChange.objects.filter(pk=change.pk).update(at=self.moment(n, hour, minute))
        # As the services keep it: the case is at the stage of its latest move.
        latest = case.stage_changes.order_by("-at", "-pk").first()
        Case.objects.filter(pk=case.pk).update(stage=latest.target)
        return change

    def closure(self, case, n, reason="goal_achieved", *, approved=True):
        return Closure.objects.create(
            case=case,
            reason=reason,
            closed_on=self.day(n),
            summary="종결",
            approved_by=self.officer if approved else None,
            approved_on=self.day(n) if approved else None,
        )

    def assessment(self, case, completed, domains=("health",)):
        number = case.assessments.count() + 1
        assessment = Assessment.objects.create(
            case=case,
            number=number,
            assessed_on=self.day(completed or 0),
            completed_on=self.day(completed) if completed is not None else None,
        )
        for domain in domains:
            AssessmentNeed.objects.create(
                assessment=assessment, domain=domain, current_state="지금", desired_state="바람"
            )
        return assessment

    def _plan(self, case):
        if case.pk not in self._plans:
            assessment = self.assessment(case, None, domains=())
            plan = ServicePlan.objects.create(
                case=case,
                number=1,
                assessment=assessment,
                short_term_goal="단기",
                long_term_goal="장기",
            )
            goal = PlanGoal.objects.create(
                plan=plan, domain="health", problem="문제", need="욕구", purpose="목적", goal="목표"
            )
            self._plans[case.pk] = (plan, goal)
        return self._plans[case.pk]

    def referral(self, case, n, *, provider=None, resource=None, status="requested"):
        plan, goal = self._plan(case)
        item = PlanItem.objects.create(
            plan=plan,
            goal=goal,
            service_content="연계",
            start_date=self.day(n),
            end_date=self.day(n + 90),
            times_per_week=1,
            resource=resource,
            provider=provider,
            provider_name=str(provider or resource),
            monitoring_method="provider",
        )
        return Referral.objects.create(
            plan_item=item,
            resource=resource,
            provider=provider,
            status=status,
            requested_on=self.day(n),
            decline_reason="정원 초과" if status == "declined" else "",
        )

    def meeting(self, n, kind="team_conference", hour=14):
        return Meeting.objects.create(
            dong=self.dong,
            kind=kind,
            held_at=self.moment(n, hour),
            place="회의실",
            chair=self.officer,
        )

    def decision(self, meeting, case, outcome, n, hour=15):
        item = AgendaItem.objects.create(
            meeting=meeting, case=case, question="consultation", summary="요약"
        )
        decision = Decision.objects.create(item=item, outcome=outcome, decided_by=self.officer)
        Decision.objects.filter(pk=decision.pk).update(decided_at=self.moment(n, hour))
        return decision

    def follow_up(self, case, n, *, again=False):
        return FollowUpCheck.objects.create(
            case=case,
            date=self.day(n),
            method="regular_contact",
            findings="안부 확인",
            needs_reintervention=again,
        )


def figures(sections, column=0):
    """{section key: {row key: the row's figure}} (the first column unless told)."""
    return {
        s.key: {r.key: r.figures[column].value for r in s.rows}
        for s in sections
        if column < len(s.columns)
    }


def bases(sections, key):
    return {r.key: r.figures[0].base for s in sections if s.key == key for r in s.rows}


@pytest.fixture
def neung(user_in_dong):
    return Records(user_in_dong)


@pytest.fixture
def guui(user_other_dong, neung):
    return Records(user_other_dong, start=neung.start)


# --- each section, with known answers ------------------------------------------------------------


def test_intakes_count_by_route_and_by_disposition_within_the_period(user_in_dong, neung, guui):
    for n, route, disposition in [
        (0, "walk_in", "benefit"),
        (5, "walk_in", "case"),
        (29, "referral", "case"),
        (10, "outreach", "information"),
        (12, "walk_in", ""),
    ]:
        neung.intake(n, route=route, disposition=disposition)
    neung.intake(-1, route="walk_in", disposition="case")  # the day before the period
    neung.intake(30, route="walk_in", disposition="case")  # the day after it
    guui.intake(3, route="walk_in", disposition="case")  # another dong

    found = figures(statistics(user=user_in_dong, period=neung.period))
    assert found["intake_routes"] == {"walk_in": 3, "referral": 1, "outreach": 1, "neighbour": 0}
    assert found["intake_dispositions"] == {
        "benefit": 1,
        "service": 0,
        "case": 2,
        "information": 1,
        "": 1,
    }


def test_new_managed_and_closed_cases_follow_their_definitions(user_in_dong, neung, guui):
    """Under management: opened by the end, at a stage from intake to evaluation at the start or
    on some day of the period."""
    waiting = neung.case(-40)  # opened before, never moved: still at intake
    closed_before = neung.case(-40)
    neung.move(closed_before, "evaluation", "closure", -5)
    reopened = neung.case(-60)
    neung.move(reopened, "evaluation", "closure", -30)
    neung.move(reopened, "closure", "follow_up", -20)
    neung.move(reopened, "follow_up", "assessment", 8)  # re-opened in the period
    opened_in = neung.case(3)
    neung.case(30)  # opened the day after the period
    ended = neung.case(-90)
    neung.move(ended, "selection", "not_selected", -50)
    closing = neung.case(-50)
    neung.move(closing, "monitoring", "evaluation", -10)
    neung.move(closing, "evaluation", "closure", 15)  # closed in the period
    neung.closure(closing, 14, "goal_achieved")
    neung.closure(closed_before, 12, "client_wish")  # approved, dated in the period
    neung.closure(neung.case(-20), 20, "moved_away", approved=False)  # not approved yet
    neung.closure(neung.case(-20), 31, "death")  # after the period
    guui.case(2)  # another dong
    assert {waiting.pk, reopened.pk, opened_in.pk}  # (named for the reader)

    found = figures(statistics(user=user_in_dong, period=neung.period))
    # managed: waiting, reopened, opened_in, closing, and the two cases of the closures
    # opened on day -20 (at intake at the start); not closed_before, ended, or the late one.
    assert found["cases"] == {"new": 1, "managed": 6, "closed": 2}
    assert found["closure_reasons"] == {
        "goal_achieved": 1,
        "moved_away": 0,
        "death": 0,
        "no_contact": 0,
        "lost_contact": 0,
        "client_wish": 1,
    }


def test_median_days_per_stage_with_known_answers(user_in_dong, neung):
    first = neung.case(0)
    neung.move(first, "intake", "assessment", 2)  # 2 days at intake
    neung.move(first, "assessment", "selection", 12)  # 10 days in assessment
    second = neung.case(-5)
    neung.move(second, "intake", "assessment", 1)  # 6 days (opened before the period)
    neung.move(second, "assessment", "selection", 5)  # 4 days
    third = neung.case(3)
    neung.move(third, "intake", "assessment", 3, hour=9)  # 0 days: moved on its first day
    # Seoul's days: 00:30 on day 11 is still day 10 in UTC, and counts as day 11.
    neung.move(third, "assessment", "selection", 11, hour=0, minute=30)  # 8 days
    neung.move(third, "selection", "planning", 11, hour=0, minute=40)  # 0 days
    early = neung.case(-30)
    neung.move(early, "intake", "assessment", -2)  # left before the period: not counted
    neung.move(early, "assessment", "selection", 30)  # left after the period: not counted

    sections = statistics(user=user_in_dong, period=neung.period)
    medians_ = figures(sections)["stage_days"]
    moves = figures(sections, column=1)["stage_days"]
    assert medians_["intake"] == 2  # of 0, 2, 6
    assert medians_["assessment"] == 8  # of 4, 8, 10
    assert medians_["selection"] == 0
    assert medians_["planning"] is None
    assert moves["intake"] == 3 and moves["assessment"] == 3 and moves["selection"] == 1
    assert moves["planning"] == 0
    assert "ended" not in medians_ and "not_selected" not in medians_  # no way out of them

    # an even number of moves: the mean of the two middle ones
    fourth = neung.case(10)
    neung.move(fourth, "intake", "assessment", 11)  # 1 day
    stage_days = figures(statistics(user=user_in_dong, period=neung.period))["stage_days"]
    assert stage_days["intake"] == 1.5  # of 0, 1, 2, 6


def test_the_median_helper_takes_the_middle_of_each_group_in_one_query(neung, guui):
    values = {neung: [5, 1, 3, 9], guui: [7]}
    for records, numbers in values.items():
        for number in numbers:
            Case.objects.filter(pk=records.case(0).pk).update(year=number)
    with CaptureQueriesContext(connection) as queries:
        found = medians(Case.objects.all(), value=F("year"), group="dong")
    assert len(queries) == 1
    assert found == {neung.dong.pk: (4, 4), guui.dong.pk: (7, 1)}  # (3 + 5) / 2 of four


def test_needs_referrals_resources_meetings_and_follow_ups(user_in_dong, neung, guui):
    case = neung.case(-10)
    neung.assessment(case, 4, domains=("health", "housing"))
    neung.assessment(neung.case(-10), 20, domains=("health",))
    neung.assessment(neung.case(-10), -3, domains=("economy",))  # completed before the period

    provider = ProviderFactory(registering_dong=neung.dong, name="능동복지관")
    other_provider = ProviderFactory(registering_dong=neung.dong, name="광진나눔")
    human = ResourceFactory(provider=provider, kind="human", subtype="volunteer")
    orphan = ResourceFactory(provider=None, kind="material", subtype="goods")
    neung.referral(case, 1, provider=provider, status="requested")
    neung.referral(case, 2, provider=provider, resource=human, status="in_service")
    neung.referral(case, 3, provider=other_provider, status="declined")
    neung.referral(case, 4, resource=orphan, status="accepted")
    neung.referral(case, 5, resource=human, provider=provider, status="declined")
    neung.referral(case, -1, provider=provider)  # requested before the period

    meeting = neung.meeting(6)
    neung.meeting(7, kind="integrated")
    neung.meeting(-3)
    neung.decision(meeting, case, "general", 6)
    neung.decision(meeting, neung.case(0), "plan_approved", 6)
    neung.decision(meeting, neung.case(0), "plan_approved", 40)  # decided after the period

    followed = neung.case(-80)
    neung.follow_up(followed, 2)
    neung.follow_up(followed, 9, again=True)
    neung.follow_up(neung.case(-80), 10)
    neung.follow_up(neung.case(-80), -2)  # before
    neung.move(followed, "follow_up", "ended", 25)
    neung.move(neung.case(-80), "closure", "ended", 25)  # ended without follow-up

    other = guui.case(-10)  # another dong's records of the same period count for nobody of 능동
    guui.assessment(other, 4, domains=("health",))
    guui.referral(other, 1, provider=provider)
    guui.meeting(6)
    guui.follow_up(other, 3)

    sections = statistics(user=user_in_dong, period=neung.period)
    found = figures(sections)
    assert found["needs"]["health"] == 2 and found["needs"]["housing"] == 1
    assert found["needs"]["economy"] == 0
    assert found["referral_statuses"] == {
        "requested": 1,
        "accepted": 1,
        "declined": 2,
        "in_service": 1,
        "ended": 0,
    }
    assert found["referral_providers"] == {
        str(provider.pk): 3,
        str(other_provider.pk): 1,
        "": 1,
    }
    providers = next(s for s in sections if s.key == "referral_providers")
    labels = [str(r.label) for r in providers.rows]
    assert labels[:2] == ["능동복지관", "광진나눔"]  # the most first; without a provider last
    assert found["resource_kinds"] == {"human": 1, "material": 1, "relational": 0}
    assert found["meetings"]["team_conference"] == 1 and found["meetings"]["integrated"] == 1
    assert found["decisions"]["general"] == 1 and found["decisions"]["plan_approved"] == 1
    assert found["follow_ups"] == {"checks": 3, "cases": 2, "again": 1, "completed": 1}


# --- scope -------------------------------------------------------------------------------------------


def test_another_dongs_officer_counts_only_their_own_dong(user_other_dong, neung, guui):
    for n in (1, 2, 3):
        neung.intake(n)
        neung.case(n)
    guui.intake(4)
    guui.case(4)
    found = figures(statistics(user=user_other_dong, period=guui.period))
    assert found["cases"]["new"] == 1
    assert sum(found["intake_routes"].values()) == 1
    assert "cases_by_dong" not in found


def test_the_gu_staff_see_every_dong_of_their_gu_and_only_those(gu_staff, neung, guui):
    for n in (1, 2, 3):
        neung.case(n)
    guui.case(4)
    other_gu, _ = Gu.objects.get_or_create(name="성동구")
    seongsu, _ = Dong.objects.get_or_create(gu=other_gu, name="성수1가제1동")
    stranger = UserFactory(dong=seongsu, gu=other_gu, role=Role.CASE_MANAGER)
    Records(stranger, start=neung.start).case(5)

    found = figures(statistics(user=gu_staff, period=neung.period))
    assert found["cases"]["new"] == 4
    by_dong = found["cases_by_dong"]
    assert by_dong[str(dong("능동").pk)] == 3 and by_dong[str(dong("구의제1동").pk)] == 1
    assert str(seongsu.pk) not in by_dong
    assert set(by_dong) == {str(d.pk) for d in Dong.objects.filter(gu=gu())}
    dongs = next(
        s for s in statistics(user=gu_staff, period=neung.period) if s.key == "cases_by_dong"
    )
    assert dongs.total_figures[0].value == 4

    one = figures(statistics(user=gu_staff, period=neung.period, dong=dong("구의제1동")))
    assert one["cases"]["new"] == 1
    assert "cases_by_dong" not in one


def test_the_page_shows_the_dongs_own_figures_and_the_gu_staff_choose_a_dong(
    client, user_in_dong, gu_staff, neung, guui
):
    for n in (1, 2):
        neung.case(n)
    guui.case(3)
    query = {"from": neung.period.start.isoformat(), "to": neung.period.end.isoformat()}
    client.force_login(user_in_dong)
    page = client.get(reverse("work:statistics"), query)
    assert page.status_code == 200
    html = page.content.decode()
    assert '<tr data-key="new">' in html
    new = next(r for r in page.context["sections"][0].rows if r.key == "new")
    assert new.value == 2
    assert 'name="dong"' not in html  # an officer of a dong has no dong to choose
    assert 'data-statistics-chart="statistics-intake-routes-data"' in html
    assert 'id="statistics-intake-routes-data" type="application/json"' in html

    client.force_login(gu_staff)
    page = client.get(reverse("work:statistics"), {**query, "dong": dong("구의제1동").pk})
    assert page.status_code == 200
    assert next(r for r in page.context["sections"][0].rows if r.key == "new").value == 1
    choices = {str(value) for value, _label in page.context["form"].fields["dong"].choices if value}
    assert choices == {str(d.pk) for d in Dong.objects.filter(gu=gu())}
    everyone = client.get(reverse("work:statistics"), query)
    assert 'data-section="cases_by_dong"' in everyone.content.decode()


def test_a_dong_of_another_gu_is_refused_on_the_field(client, gu_staff):
    other_gu, _ = Gu.objects.get_or_create(name="성동구")
    seongsu, _ = Dong.objects.get_or_create(gu=other_gu, name="성수1가제1동")
    client.force_login(gu_staff)
    page = client.get(reverse("work:statistics"), {"dong": seongsu.pk})
    assert page.status_code == 200
    assert page.context["form"].errors.keys() == {"dong"}
    assert page.context["sections"] == []


@pytest.mark.parametrize("path", ["work:statistics", "work:statistics_export"])
def test_only_officers_with_a_scope_may_open_it(client, sysadmin, path):
    assert client.get(reverse(path)).status_code == 302  # to the login page
    client.force_login(sysadmin)
    assert client.get(reverse(path)).status_code == 403
    nobody = UserFactory(username="no.role", dong=dong("능동"))
    nobody.groups.clear()
    client.force_login(nobody)
    assert client.get(reverse(path)).status_code == 403


def test_the_navigation_links_the_page_for_those_who_may_see_it(client, user_in_dong, sysadmin):
    url = reverse("work:statistics")
    client.force_login(user_in_dong)
    assert f'href="{url}"' in client.get(reverse("work:dashboard")).content.decode()
    assert 'aria-current="page">' in client.get(url).content.decode()
    client.force_login(sysadmin)
    assert f'href="{url}"' not in client.get(reverse("work:dashboard")).content.decode()


# --- the period ---------------------------------------------------------------------------------------


def test_without_dates_the_period_is_the_current_month_in_seoul(client, user_in_dong):
    client.force_login(user_in_dong)
    before = clock.today()
    page = client.get(reverse("work:statistics"))
    after = clock.today()  # the clock may pass midnight (and a month's end) meanwhile
    period = page.context["period"]
    assert period.start in {before.replace(day=1), after.replace(day=1)}
    assert period.end.month == period.start.month
    assert (period.end + datetime.timedelta(days=1)).day == 1
    assert f'value="{period.start.isoformat()}"' in page.content.decode()


@pytest.mark.parametrize(
    ("start", "end", "field", "message"),
    [
        (-10, -20, "to", PERIOD_REVERSED),
        ("2005-03-01", "2010-03-01", "to", PERIOD_TOO_LONG),
        ("1999-12-31", 0, "from", DATE_OUT_OF_RANGE),
        (0, "9999-12-31", "to", DATE_OUT_OF_RANGE),
        ("2023-02-30", 0, "from", None),
        ("", 0, "from", None),
    ],
)
def test_a_bad_period_is_refused_on_its_field_keeping_what_was_typed(
    client, user_in_dong, start, end, field, message
):
    """A number is a day counted from today (tests.clock), a text is sent as it is."""
    start, end = (clock.iso(d) if isinstance(d, int) else d for d in (start, end))
    client.force_login(user_in_dong)
    page = client.get(reverse("work:statistics"), {"from": start, "to": end})
    assert page.status_code == 200
    form = page.context["form"]
    assert list(form.errors) == [field]
    if message is not None:
        shown = form.errors[field][0]
        assert shown.startswith(str(message).split("%")[0])
    assert page.context["sections"] == []
    html = page.content.decode()
    assert f'value="{start}"' in html or not start
    assert f'value="{end}"' in html
    assert "statistics.js" not in html
    export = client.get(reverse("work:statistics_export"), {"from": start, "to": end})
    assert export.status_code == 400 and export["Content-Type"].startswith("text/html")


def test_a_period_of_exactly_five_years_is_allowed(client, user_in_dong):
    client.force_login(user_in_dong)
    page = client.get(reverse("work:statistics"), {"from": "2005-03-01", "to": "2010-02-28"})
    assert not page.context["form"].errors
    assert page.context["sections"]


# --- the export -----------------------------------------------------------------------------------


def _sheet(content):
    book = load_workbook(io.BytesIO(content))
    return book.worksheets[0]


def _blocks(sheet):
    """{section title: {row label: [values]}} from the exported sheet: a block starts with a
    row of one cell (its title) and a row of column headers, and ends with an empty row."""
    blocks, current, width = {}, None, None
    for row in sheet.iter_rows(values_only=True):
        cells = [c for c in row if c is not None]
        if not cells:
            current = None
        elif current is None and len(cells) == 1:
            current, width = cells[0], None
            blocks[current] = {}
        elif current is not None and width is None:
            width = len(cells)  # the headers
        elif current is not None:
            blocks[current][row[0]] = list(row[1:width])
    return blocks


def test_the_export_writes_small_counts_as_less_than_three(client, user_in_dong, neung):
    for route, n in [("walk_in", 1), ("referral", 2), ("outreach", 3)]:
        for day in range(n):
            neung.intake(day, route=route, disposition="case")
    three = [neung.case(0) for _ in range(3)]
    for case in three:
        neung.move(case, "intake", "assessment", 4)  # 4 days each: a median of 3 cases
    lone = neung.case(0)
    neung.move(lone, "intake", "assessment", 6)
    neung.move(lone, "assessment", "selection", 9)  # a median of 1 case
    client.force_login(user_in_dong)
    before = AccessRecord.objects.count()
    query = {"from": neung.period.start.isoformat(), "to": neung.period.end.isoformat()}
    response = client.get(reverse("work:statistics_export"), query)
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX  # no download reason: nobody's data is in it
    disposition = unquote(response["Content-Disposition"])
    assert f"{neung.period.start:%Y%m%d}-{neung.period.end:%Y%m%d}.xlsx" in disposition
    assert AccessRecord.objects.count() == before

    page = client.get(reverse("work:statistics"), query)
    labels = {s.key: {r.key: str(r.label) for r in s.rows} for s in page.context["sections"]}
    titles = {s.key: str(s.title) for s in page.context["sections"]}
    blocks = _blocks(_sheet(response.content))
    routes = blocks[titles["intake_routes"]]
    route = labels["intake_routes"]
    assert routes[route["walk_in"]] == [SMALL_CELL_TEXT]
    assert routes[route["referral"]] == [SMALL_CELL_TEXT]
    assert routes[route["outreach"]] == [3]
    assert routes[route["neighbour"]] == [0]  # 0 stays 0
    stages = blocks[titles["stage_days"]]
    stage = labels["stage_days"]
    assert stages[stage["intake"]] == [4, 4]  # 4 days over 4 cases (3 + lone): 4, 4, 4, 6
    assert stages[stage["assessment"]] == [SMALL_CELL_TEXT, SMALL_CELL_TEXT]  # one case
    assert stages[stage["planning"]] == [None, 0]
    cases = blocks[titles["cases"]]
    assert cases[labels["cases"]["new"]] == [4]
    # The page itself shows the exact numbers.
    assert 'data-value="1"' in page.content.decode()


def test_export_values_follow_the_small_cell_rule():
    from casemgmt.work.statistics import COUNT, MEDIAN, Column, Figure

    people, median = Column("n", "n", kind=COUNT), Column("m", "m", kind=MEDIAN)
    meetings = Column("k", "k", about_people=False)
    assert [export_value(Figure.count(n), people) for n in (0, 1, 2, 3, 40)] == [
        0, "<3", "<3", 3, 40,
    ]  # fmt: skip
    assert export_value(Figure.count(1), meetings) == 1  # meetings are not people
    assert export_value(Figure(12.5, 2), median) == "<3"
    assert export_value(Figure(12.5, 3), median) == 12.5
    assert export_value(Figure(None, 0), median) is None


def test_the_export_writes_a_hostile_provider_name_as_text(client, user_in_dong, neung):
    hostile = '=HYPERLINK("http://evil.example/","click")'
    provider = ProviderFactory(registering_dong=neung.dong, name=hostile)
    case = neung.case(0)
    for n in range(3):
        neung.referral(case, n, provider=provider)
    client.force_login(user_in_dong)
    query = {"from": neung.period.start.isoformat(), "to": neung.period.end.isoformat()}
    sheet = _sheet(client.get(reverse("work:statistics_export"), query).content)
    cells = [c for row in sheet.iter_rows() for c in row]
    assert not [c for c in cells if c.data_type == "f"]
    name = next(c for c in cells if c.value == hostile)
    assert name.quotePrefix


def test_the_export_of_the_gu_holds_every_dong_and_nothing_of_another_gu(
    client, gu_staff, neung, guui
):
    for n in range(3):
        neung.case(n)
    other_gu, _ = Gu.objects.get_or_create(name="성동구")
    Dong.objects.get_or_create(gu=other_gu, name="성수1가제1동")
    client.force_login(gu_staff)
    query = {"from": neung.period.start.isoformat(), "to": neung.period.end.isoformat()}
    sheet = _sheet(client.get(reverse("work:statistics_export"), query).content)
    texts = {str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None}
    assert {"능동", "구의제1동"} <= texts
    assert "성수1가제1동" not in texts


# --- the number of queries ------------------------------------------------------------------------


def _busy_dong(records, cases):
    """``cases`` cases with a record of every kind the page counts."""
    provider = ProviderFactory(registering_dong=records.dong)
    resource = ResourceFactory(provider=provider, registering_dong=records.dong)
    meeting = records.meeting(5)
    for i in range(cases):
        intake = records.intake(i % 20, route="walk_in", disposition="case")
        case = records.case(i % 20, intake=intake)
        records.move(case, "intake", "assessment", i % 20 + 1)
        records.move(case, "assessment", "selection", i % 20 + 3)
        records.assessment(case, i % 20 + 2, domains=("health", "economy"))
        records.referral(case, i % 20, provider=provider, resource=resource)
        records.decision(meeting, case, "general", 6)
        records.closure(case, 25)
        records.follow_up(case, 27, again=i % 2 == 0)


@pytest.mark.parametrize("who", ["user_in_dong", "gu_staff"])
def test_the_number_of_queries_does_not_grow_with_the_number_of_cases(
    client, request, who, user_in_dong
):
    user = request.getfixturevalue(who)
    records = Records(user_in_dong)
    query = {"from": records.period.start.isoformat(), "to": records.period.end.isoformat()}
    client.force_login(user)

    def count(cases):
        _busy_dong(records, cases)
        user.has_perm("cases.view_case")  # the user's permissions, read once and kept
        with CaptureQueriesContext(connection) as figures_only:
            sections = statistics(user=user, period=records.period)
        with CaptureQueriesContext(connection) as page:
            response = client.get(reverse("work:statistics"), query)
        with CaptureQueriesContext(connection) as export:
            client.get(reverse("work:statistics_export"), query)
        assert response.status_code == 200
        return len(figures_only), len(page), len(export), figures(sections)["cases"]["new"]

    few, many = count(5), count(45)
    assert few[3] == 5 and many[3] == 50
    assert few[:3] == many[:3]
    assert few[0] <= 22  # one or two queries per section (five for the case counts)


def test_deadline_clocks_give_median_days_and_breaches(user_in_dong, supervisor):
    """Assessment clocks (10 days): one done in 12 days (late), one in 4, one running 15 days,
    one stopped by closure (not counted as done)."""
    from cases import services as case_services
    from cases.models import Disposition, IntakeRoute

    from . import lifecycle

    def opened(days_ago, name):
        return case_services.record_intake(
            client=ClientFactory(dong=dong("능동"), name=name), by=user_in_dong,
            intake_date=clock.days(-days_ago), route=IntakeRoute.WALK_IN,
            presenting_problem="생계 곤란", disposition=Disposition.CASE_MANAGEMENT,
        ).case  # fmt: skip

    example = lifecycle.EXAMPLES["school_grades"]
    for days_ago, name in [(12, "늦음"), (4, "제때")]:
        case = opened(days_ago, name)
        lifecycle.move(case, "start_assessment", user_in_dong)
        lifecycle.assess(user_in_dong, case, example)
    opened(15, "진행")
    closed = opened(20, "전출")
    lifecycle.move(closed, "start_assessment", user_in_dong)
    case_services.propose_closure(
        case=closed, by=user_in_dong, reason="moved_away", summary="전출", follow_up_agreed=False
    )
    case_services.approve_closure(case=closed, by=supervisor)
    lifecycle.move(closed, "close", user_in_dong)

    sections = statistics(user=user_in_dong, period=Period(clock.days(-30), clock.today()))
    assert figures(sections, 0)["clocks"]["assessment"] == 8  # median of 12 and 4
    assert figures(sections, 1)["clocks"]["assessment"] == 2  # done in the period
    assert figures(sections, 2)["clocks"]["assessment"] == 1  # done after the limit
    assert figures(sections, 3)["clocks"]["assessment"] == 1  # still running, past the limit
    assert figures(sections, 3)["clocks"]["intake_to_plan"] == 0  # 30 days: none late yet
