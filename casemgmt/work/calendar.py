"""달력: a month or a week of an officer's work, day by day, each entry one click from its page.

What shows, for the cases of whoever the calendar is for (``Whose``):

* monitoring contacts (점검) — each plan item's stored next contact (``PlanItem.next_contact_due``,
  written by cases.schedule), then the contacts that follow it one interval apart
  (``cases.schedule.contact_interval``), as if each were done on its day, under the same end-date
  rule as the stored date (``cases.schedule.item_next_contact``). The items of a case due on one
  day make one entry (one visit), linked to the form of the first by priority. Recording a
  contact moves the stored date, and the projection with it;
* home visits recorded (개입, 가정방문), on their day;
* follow-up checks, reassessments and consent ends due (the case's stored columns);
* deadline clocks still running, on the day their limit ends;
* meetings (case conferences) — one's own: chaired or attended; a team's: all of its dong's.

Whatever is due before today is overdue. Whose cases: one's own as case manager (the gu staff:
the cases the dongs gave them); the dong's team leader may also look at the whole team's or at
one officer's.

Every read goes through the apps' ``for_user`` (a calendar never shows another dong's client) and
there is one query per kind of entry, whatever the number of cases: the projection runs in Python
over the bounded set of items. A month shows the weeks that cover it (at most six, Monday first,
as Korean calendars do); a week runs Monday to Sunday.
"""

import calendar as pycalendar
import datetime
from dataclasses import dataclass, field

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from casemgmt.core.access import SCOPE_WHOLE_GU
from cases.models import (
    Case,
    DeadlineClock,
    Intervention,
    InterventionKind,
    ItemStatus,
    PlanItem,
)
from cases.rotation import dong_officers
from cases.schedule import CONTACT_STAGES, contact_interval, item_next_contact
from cases.services import is_team_leader
from meetings.models import Attendee, Meeting

MONTH, WEEK = "month", "week"
ME, TEAM = "me", "team"
# The dates a calendar may show: far enough for any plan, near enough that a month's weeks and
# the links around it stay real dates.
FIRST_DAY = datetime.date(2000, 1, 1)
YEARS_AHEAD = 5

# The order of entries in a day: what has a time first, then what is most pressing.
KINDS = ["meeting", "clock", "contact", "reassessment", "follow_up", "consent", "home_visit"]


def last_day(today=None):
    today = today or timezone.localdate()
    return datetime.date(today.year + YEARS_AHEAD, 12, 31)


def sees_team(user):
    """The dong's team leader may look at the team's calendar, or at one officer's."""
    return is_team_leader(user)


def team_officers(user):
    return dong_officers(user=user)


# --- the period ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Period:
    view: str  # MONTH or WEEK
    day: datetime.date  # the date asked for (any day of the period)
    weeks: tuple  # tuple of weeks, each a tuple of seven dates, Monday first

    @property
    def start(self):
        return self.weeks[0][0]

    @property
    def end(self):
        return self.weeks[-1][-1]

    @property
    def month_start(self):
        return self.day.replace(day=1)

    def in_month(self, on):
        return self.view == WEEK or (on.year, on.month) == (self.day.year, self.day.month)

    @property
    def previous(self):
        if self.view == WEEK:
            return self.start - datetime.timedelta(days=7)
        return (self.month_start - datetime.timedelta(days=1)).replace(day=1)

    @property
    def next(self):
        if self.view == WEEK:
            return self.start + datetime.timedelta(days=7)
        return (self.month_start + datetime.timedelta(days=31)).replace(day=1)


def period(view, day):
    """The weeks a month (Monday first) or a week covers."""
    if view == WEEK:
        monday = day - datetime.timedelta(days=day.weekday())
        return Period(WEEK, day, (tuple(monday + datetime.timedelta(days=n) for n in range(7)),))
    weeks = pycalendar.Calendar(firstweekday=0).monthdatescalendar(day.year, day.month)
    return Period(MONTH, day, tuple(tuple(week) for week in weeks))


# --- whose calendar -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Whose:
    key: str  # "me", "team" or an officer's id, as the address says it
    officer: object = None  # the one officer (me or the chosen one); None for the team

    @property
    def is_team(self):
        return self.officer is None


def whose_for(user, key, officers=()):
    """``key`` as the form cleaned it; anything the user may not see is "me"."""
    if key == TEAM and sees_team(user):
        return Whose(TEAM)
    for officer in officers:
        if str(officer.pk) == str(key):
            return Whose(str(officer.pk), officer)
    return Whose(ME, user)


def cases_of(user, whose):
    """The cases whose dates the calendar shows (a queryset, scoped by the one door)."""
    cases = Case.objects.for_user(user)
    if whose.is_team:
        return cases.filter(dong_id=user.dong_id)
    if whose.officer.pk == user.pk and user.has_perm(SCOPE_WHOLE_GU) and user.gu_id:
        return cases.filter(gu_manager=user)  # the gu team's own cases
    return cases.filter(primary_manager=whose.officer)


def meetings_of(user, whose):
    meetings = Meeting.objects.for_user(user)
    if whose.is_team:
        return meetings.filter(dong_id=user.dong_id)
    officer = whose.officer
    attended = Attendee.objects.filter(user=officer).values("meeting_id")
    return meetings.filter(Q(chair=officer) | Q(pk__in=attended))


# --- the entries --------------------------------------------------------------------------------
@dataclass
class Entry:
    kind: str
    on: datetime.date
    label: str
    url: str
    case: Case | None = None
    meeting: Meeting | None = None
    at: datetime.datetime | None = None  # a meeting's local time
    overdue: bool = False
    projected: bool = False  # a contact after the stored one
    item_id: int | None = None  # the plan item a contact's link opens the form with
    count: int = 1  # a contact: the case's items due that day

    @property
    def sort_key(self):
        return (
            KINDS.index(self.kind),
            self.at or datetime.datetime.min.replace(tzinfo=datetime.UTC),
            self.case.number if self.case else "",
            self.item_id or 0,
        )


@dataclass
class Day:
    on: datetime.date
    in_month: bool
    is_today: bool
    entries: list = field(default_factory=list)


def contact_dates(item, due, start, end):
    """The item's contacts from its stored date ``due`` on, those between start and end."""
    if due is None or item.status in (ItemStatus.ACHIEVED, ItemStatus.REASSESS):
        return []
    interval = contact_interval(item)
    on = due
    if on < start:  # skip whole intervals that end before the period (same rule, no loop)
        steps = (start - on).days // interval
        if item.status != ItemStatus.EXTENDED:
            steps = min(steps, max((item.end_date - on).days // interval, 0))
        on += datetime.timedelta(days=steps * interval)
    dates = []
    while on is not None and on <= end:
        if on >= start:
            dates.append(on)
        on = item_next_contact(item, on)
    return dates


def _contacts(cases, start, end, today):
    """One entry per case and day: the items due that day together (an officer visits once),
    linked to the form of the first of them by priority."""
    items = (
        PlanItem.objects.filter(
            plan__case__in=cases.filter(stage__in=CONTACT_STAGES),
            next_contact_due__isnull=False,
            next_contact_due__lte=end,
        )
        .filter(Q(status=ItemStatus.EXTENDED) | Q(end_date__gte=start))
        .select_related("plan__case__client", "plan__case__primary_manager")
        .order_by("plan__case_id", "priority", "pk")
    )
    by_day = {}
    for item in items:
        for on in contact_dates(item, item.next_contact_due, start, end):
            by_day.setdefault((item.plan.case_id, on), []).append(item)
    label = _("Monitoring contact")
    for (_case_id, on), due in by_day.items():
        first, case = due[0], due[0].plan.case
        url = reverse("cases:monitoring_create", args=[case.pk]) + f"?item={first.pk}"
        stored = any(item.next_contact_due == on for item in due)
        yield Entry(
            "contact", on, label, url, case=case, overdue=on < today, projected=not stored,
            item_id=first.pk, count=len(due),
        )  # fmt: skip


def _home_visits(user, cases, start, end):
    visits = (
        Intervention.objects.for_user(user)
        .filter(case__in=cases, kind=InterventionKind.HOME_VISIT, date__range=(start, end))
        .select_related("case__client", "case__primary_manager")
        .order_by("date", "pk")
    )
    label = InterventionKind.HOME_VISIT.label
    for visit in visits:
        url = reverse("cases:case_detail", args=[visit.case_id])
        yield Entry("home_visit", visit.date, str(label), url, case=visit.case)


CASE_DATES = [
    ("follow_up", "follow_up_due"),
    ("reassessment", "reassessment_due"),
    ("consent", "consent_ends_on"),
]


def _case_dates(cases, start, end, today):
    labels = {
        "follow_up": _("Follow-up check"),
        "reassessment": _("Reassessment"),
        "consent": _("Consent ends"),
    }
    wanted = Q()
    for _kind, column in CASE_DATES:
        wanted |= Q(**{f"{column}__range": (start, end)})
    rows = cases.filter(wanted).select_related("client", "primary_manager").order_by("pk")
    for case in rows:
        url = reverse("cases:case_detail", args=[case.pk])
        for kind, column in CASE_DATES:
            on = getattr(case, column)
            if on is not None and start <= on <= end:
                yield Entry(kind, on, labels[kind], url, case=case, overdue=on < today)


def _clocks(cases, start, end, today):
    clocks = (
        DeadlineClock.objects.filter(
            case__in=cases, stopped_on__isnull=True, due_on__range=(start, end)
        )
        .select_related("case__client", "case__primary_manager")
        .order_by("due_on", "pk")
    )
    for clock in clocks:
        label = _("%(clock)s deadline") % {"clock": clock.get_kind_display()}
        url = reverse("cases:case_detail", args=[clock.case_id])
        yield Entry(
            "clock", clock.due_on, label, url, case=clock.case, overdue=clock.due_on < today
        )


def _meetings(user, whose, start, end):
    tz = timezone.get_current_timezone()
    since = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    until = datetime.datetime.combine(
        end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
    )
    meetings = (
        meetings_of(user, whose).filter(held_at__gte=since, held_at__lt=until).order_by("held_at")
    )
    for meeting in meetings:
        local = timezone.localtime(meeting.held_at)
        url = reverse("meetings:meeting_detail", args=[meeting.pk])
        yield Entry(
            "meeting", local.date(), meeting.get_kind_display(), url, meeting=meeting, at=local
        )


def calendar_entries(*, user, whose, start, end, today=None):
    """Every entry between start and end (inclusive), sorted: one query per kind of entry."""
    today = today or timezone.localdate()
    cases = cases_of(user, whose)
    entries = [
        *_contacts(cases, start, end, today),
        *_home_visits(user, cases, start, end),
        *_case_dates(cases, start, end, today),
        *_clocks(cases, start, end, today),
        *_meetings(user, whose, start, end),
    ]
    return sorted(entries, key=lambda e: (e.on, *e.sort_key))


def calendar_weeks(*, user, whose, period, today=None):
    """The period's weeks of ``Day``s, each with its entries."""
    today = today or timezone.localdate()
    entries = calendar_entries(
        user=user, whose=whose, start=period.start, end=period.end, today=today
    )
    by_day = {}
    for entry in entries:
        by_day.setdefault(entry.on, []).append(entry)
    return [
        [Day(on, period.in_month(on), on == today, by_day.get(on, [])) for on in week]
        for week in period.weeks
    ]


def shown_clients(weeks):
    return sorted(
        {
            entry.case.client_id
            for week in weeks
            for day in week
            for entry in day.entries
            if entry.case
        }
    )
