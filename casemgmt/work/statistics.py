"""통계: the figures of a dong, or of the gu across its dongs, for a period.

Every figure is a database aggregate over what the user may read (the querysets' ``for_user``,
narrowed to one dong on request): no loop over cases in Python, and the number of queries does
not grow with the number of cases. ``statistics()`` returns the page's sections in order. A section
is a small table — a label per row, one or more figures per row — that the page draws as a chart
beside its table and the export (``statistics_export``) writes as rows. One more section is one
more function in ``SECTIONS``.

Definitions (the page says them under each table):

- period: from and to, both included, as dates in Seoul.
- intakes: initial counselling records (초기상담) whose intake date is in the period.
- new cases: cases opened (the intake date of ③) in the period.
- cases under management: opened by the end of the period and, at its start or on some day in it,
  at a stage from intake to evaluation (not closed, in follow-up, ended or not selected).
- closed cases: cases with an approved closure whose closure date is in the period; closures by
  reason counts those closures.
- days per stage: for every move out of a stage in the period, the calendar days (Seoul) from the
  day the case entered the stage (the day of the move into it; for the first stage, the case's
  opening day) to the day it left; the median of those moves per stage.
- needs: the need domains of needs assessments completed in the period (each domain once per
  assessment, so one person may count in several domains).
- referrals: referrals requested in the period, by their status now and by provider; resources
  linked: of those, the referrals to a registered resource that were not declined, by its kind.
- meetings held and decisions made in the period.
- follow-up: checks dated in the period, the cases they checked, the checks that found a need to
  intervene again, and cases that ended after their follow-up in the period.
"""

import calendar
import datetime
from dataclasses import dataclass

from django.db.models import (
    Count,
    DateField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber, TruncDate
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from casemgmt.core.access import SCOPE_OWN_DONG, SCOPE_WHOLE_GU
from casemgmt.core.models import Dong
from cases.choices import NeedDomain
from cases.models import (
    Assessment,
    AssessmentNeed,
    Case,
    CaseStageChange,
    ClockKind,
    Closure,
    ClosureReason,
    DeadlineClock,
    Disposition,
    FollowUpCheck,
    Intake,
    IntakeRoute,
    Stage,
)
from meetings.models import AgendaItem, Decision, Meeting, MeetingKind, Outcome
from resources.models import Referral, ReferralStatus, ResourceKind

COUNT, MEDIAN = "count", "median"
#: Chart kinds the page draws (static/js/statistics.js): bars up, or bars across for long labels
#: and long lists; None: a table only. Bars rather than pies: each bar is named on its axis, so
#: colour is never the only signal.
BAR, HORIZONTAL = "bar", "horizontal"

#: Stages in which a case is under management (before closure).
MANAGED_STAGES = [
    Stage.INTAKE,
    Stage.ASSESSMENT,
    Stage.SELECTION,
    Stage.PLANNING,
    Stage.INTERVENTION,
    Stage.MONITORING,
    Stage.EVALUATION,
]
#: Stages a case can leave (ended and not selected are final).
STAGES_LEFT = [s for s in Stage if s not in (Stage.ENDED, Stage.NOT_SELECTED)]


def may_see_statistics(user):
    """Officers and team leaders of a dong (their dong), gu staff (their gu): no one else."""
    if not (user.is_authenticated and user.is_active and user.has_perm("cases.view_case")):
        return False
    if user.has_perm(SCOPE_WHOLE_GU) and user.gu_id:
        return True
    return bool(user.has_perm(SCOPE_OWN_DONG) and user.dong_id)


def sees_whole_gu(user):
    return bool(user.has_perm(SCOPE_WHOLE_GU) and user.gu_id)


# --- the period ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """From ``start`` to ``end``, both included, as dates in Seoul."""

    start: datetime.date
    end: datetime.date

    @classmethod
    def current_month(cls):
        today = timezone.localdate()
        last = calendar.monthrange(today.year, today.month)[1]
        return cls(today.replace(day=1), today.replace(day=last))

    @property
    def moments(self):
        """The period as aware moments [first, after) in Seoul: its days whole."""
        zone = timezone.get_current_timezone()
        first = datetime.datetime.combine(self.start, datetime.time.min, tzinfo=zone)
        after = datetime.datetime.combine(
            self.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
        )
        return first, after

    def on(self, lookup):
        """A date field in the period."""
        return Q(**{f"{lookup}__range": (self.start, self.end)})

    def label(self):
        return " – ".join(
            formats.date_format(d, "SHORT_DATE_FORMAT") for d in (self.start, self.end)
        )

    def during(self, lookup):
        """A moment (date and time) in the period."""
        first, after = self.moments
        return Q(**{f"{lookup}__gte": first, f"{lookup}__lt": after})


# --- what a section is ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    kind: str = COUNT  # COUNT of cases, people or records; MEDIAN days
    about_people: bool = True  # a count of people (or of their records): small cells hidden
    charted: bool = True


@dataclass(frozen=True)
class Figure:
    """A number and how many cases or people it rests on (a count rests on itself)."""

    value: int | float | None
    base: int

    @classmethod
    def count(cls, n):
        return cls(n, n)


@dataclass(frozen=True)
class Row:
    key: str  # a stable code: the choice's value, the dong's or provider's id
    label: str
    figures: tuple

    @property
    def value(self):
        return self.figures[0].value


@dataclass
class Section:
    key: str
    title: str
    rows: list
    columns: tuple = ()
    chart: str | None = BAR
    note: str = ""
    total: bool = False  # the rows split one whole: the table ends with its total
    label_title: str = ""

    def __post_init__(self):
        if not self.columns:
            self.columns = (Column("count", _("Count")),)
        if not self.label_title:
            self.label_title = _("Item")

    @property
    def charted(self):
        return self.chart is not None

    @property
    def element_id(self):
        return f"statistics-{self.key.replace('_', '-')}"

    @property
    def data_id(self):
        return f"{self.element_id}-data"

    @property
    def total_figures(self):
        if not self.total:
            return ()
        return tuple(
            Figure.count(sum(row.figures[i].value or 0 for row in self.rows))
            for i, _column in enumerate(self.columns)
        )

    def chart_data(self):
        """What static/js/statistics.js draws: labels, and one dataset per charted column."""
        return {
            "type": self.chart,
            "integer": all(c.kind == COUNT for c in self.columns if c.charted),
            "labels": [str(row.label) for row in self.rows],
            "datasets": [
                {"label": str(column.title), "data": [row.figures[i].value for row in self.rows]}
                for i, column in enumerate(self.columns)
                if column.charted
            ],
        }


# --- the user's scope ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """What the figures count: the user's records (``for_user``), of one dong if given."""

    user: object
    period: Period
    dong: Dong | None = None

    def of(self, queryset):
        queryset = queryset.for_user(self.user)
        if self.dong is not None:
            queryset = queryset.filter(**{queryset.dong_lookup: self.dong})
        return queryset

    @property
    def cases(self):
        return self.of(Case.objects)


def _counts(queryset, lookup):
    """{value: number of rows} of ``queryset`` grouped by ``lookup``: one query."""
    return dict(queryset.order_by().values_list(lookup).annotate(n=Count("pk")))


def _choice_rows(counts, choices):
    return [
        Row(str(value), label, (Figure.count(counts.get(value, 0)),)) for value, label in choices
    ]


# --- medians -----------------------------------------------------------------------------------------


def medians(queryset, *, value, group):
    """{group: (median, n)}: the median of ``value`` over the rows of ``queryset`` in each group,
    in one query whatever the number of rows.

    The database numbers the rows of each group in the order of their value and counts them
    (window functions, alike in SQLite and PostgreSQL); only the middle row of an odd group, or
    the two middle rows of an even one, come back. An even group's median is the mean of its two
    middle values. Durations come back as days (a float).
    """
    middle = (
        queryset.annotate(
            _value=value,
            _n=Window(Count("pk"), partition_by=[F(group)]),
            _rank=Window(
                RowNumber(), partition_by=[F(group)], order_by=[F("_value").asc(), F("pk").asc()]
            ),
        )
        # ranks (n+1)//2 to n//2+1: the middle one, or the middle two (integer division)
        .filter(_rank__gte=(F("_n") + 1) / 2, _rank__lte=F("_n") / 2 + 1)
        .order_by()
        .values_list(group, "_value", "_n")
    )
    found = {}
    for key, middle_value, n in middle:
        found.setdefault(key, ([], n))[0].append(_number(middle_value))
    return {key: (sum(values) / len(values), n) for key, (values, n) in found.items()}


def _tidy(number):
    """2.0 → 2: a whole number of days shows without a decimal."""
    return int(number) if float(number).is_integer() else number


def _number(value):
    if isinstance(value, datetime.timedelta):
        return value / datetime.timedelta(days=1)
    return value


def days_in_stage():
    """For a stage change (the ``value`` of ``medians``): the days the case spent in the stage it
    left.

    The stage was entered on the day of the case's previous move (into it), or, for the case's
    first move, on the case's opening day (its intake date). Calendar days in Seoul: a case that
    moves on the day it arrived spent 0 days.
    """
    previous = CaseStageChange.objects.filter(case=OuterRef("case")).filter(
        Q(at__lt=OuterRef("at")) | Q(at=OuterRef("at"), pk__lt=OuterRef("pk"))
    )
    entered = Coalesce(
        Subquery(previous.order_by("-at", "-pk").annotate(day=TruncDate("at")).values("day")[:1]),
        F("case__opened_on"),
        output_field=DateField(),
    )
    return ExpressionWrapper(TruncDate("at") - entered, output_field=DurationField())


# --- the sections --------------------------------------------------------------------------------


def case_counts_by_dong(scope):
    """{dong id: (new, under management, closed)}: five queries, each reading what the period
    and the open cases hold rather than every case of the history.

    A case is under management in the period when it was opened by its end and was at a managed
    stage at its start or moved into one during it. Only cases that moved since the period began
    need their stage at the start looked up; every other case is still where it was then, so its
    stage now tells. (One correlated lookup per case of the gu took 0.65 s at 90,000 cases.)
    """
    period = scope.period
    first, after = period.moments
    candidates = scope.cases.filter(opened_on__lte=period.end).order_by()
    moved = CaseStageChange.objects.filter(at__gte=first).values("case")
    # cases now at a managed stage (few: the open ones), all of them …
    managed_now = _counts(candidates.filter(stage__in=MANAGED_STAGES), "dong")
    # … less those that moved since the start, counted again below by their stage then
    moved_managed_now = _counts(candidates.filter(stage__in=MANAGED_STAGES, pk__in=moved), "dong")
    changes = CaseStageChange.objects.filter(case=OuterRef("pk"))
    stage_at_start = Subquery(
        changes.filter(at__lt=first).order_by("-at", "-pk").values("target")[:1]
    )
    managed_then = Q(stage_at_start__isnull=True) | Q(stage_at_start__in=MANAGED_STAGES)
    managed_during = Exists(changes.filter(at__gte=first, at__lt=after, target__in=MANAGED_STAGES))
    moved_managed = _counts(
        candidates.filter(pk__in=moved)
        .alias(stage_at_start=stage_at_start)
        .filter(managed_then | managed_during),
        "dong",
    )
    new = _counts(scope.cases.filter(period.on("opened_on")), "dong")
    managed = {
        dong: managed_now.get(dong, 0) - moved_managed_now.get(dong, 0) + moved_managed.get(dong, 0)
        for dong in {*managed_now, *moved_managed}
    }
    opened = [(dong, new.get(dong, 0), managed.get(dong, 0)) for dong in {*new, *managed}]
    closed = dict(
        scope.of(Closure.objects)
        .filter(period.on("closed_on"), approved_by__isnull=False)
        .order_by()
        .values_list("case__dong")
        .annotate(n=Count("case", distinct=True))
    )
    counts = {dong: (new, managed, closed.get(dong, 0)) for dong, new, managed in opened}
    for dong, n in closed.items():
        counts.setdefault(dong, (0, 0, n))
    return counts


CASE_COLUMNS = (
    Column("new", _("New cases")),
    Column("managed", _("Cases under management")),
    Column("closed", _("Closed cases")),
)


def cases_overview(by_dong):
    totals = [sum(counts[i] for counts in by_dong.values()) for i in range(3)]
    return Section(
        "cases",
        _("Cases"),
        [
            Row(c.key, c.title, (Figure.count(n),))
            for c, n in zip(CASE_COLUMNS, totals, strict=True)
        ],
        chart=None,
        note=_(
            "New: opened in the period. Under management: at a stage from intake to evaluation "
            "at some time in the period. Closed: closure approved, with its closure date in the "
            "period."
        ),
    )


def cases_per_dong(scope, by_dong):
    dongs = Dong.objects.filter(gu_id=scope.user.gu_id).order_by("order", "name")
    return Section(
        "cases_by_dong",
        _("Cases by dong"),
        [
            Row(str(d.pk), d.name, tuple(Figure.count(n) for n in by_dong.get(d.pk, (0, 0, 0))))
            for d in dongs
        ],
        columns=CASE_COLUMNS,
        chart=HORIZONTAL,
        label_title=_("Dong"),
        total=True,
    )


def intakes_by_route(scope):
    intakes = scope.of(Intake.objects).filter(scope.period.on("intake_date"))
    return Section(
        "intake_routes",
        _("Intakes by route"),
        _choice_rows(_counts(intakes, "route"), IntakeRoute.choices),
        label_title=_("How the person came"),
        total=True,
        note=_("Initial counselling records with their intake date in the period."),
    )


def intakes_by_disposition(scope):
    intakes = scope.of(Intake.objects).filter(scope.period.on("intake_date"))
    choices = [*Disposition.choices, ("", _("Not decided"))]
    return Section(
        "intake_dispositions",
        _("Intakes by disposition"),
        _choice_rows(_counts(intakes, "disposition"), choices),
        chart=HORIZONTAL,
        label_title=_("Disposition"),
        total=True,
    )


def closures_by_reason(scope):
    closures = scope.of(Closure.objects).filter(
        scope.period.on("closed_on"), approved_by__isnull=False
    )
    return Section(
        "closure_reasons",
        _("Closures by reason"),
        _choice_rows(_counts(closures, "reason"), ClosureReason.choices),
        chart=HORIZONTAL,
        label_title=_("Reason for closure"),
        total=True,
        note=_("Approved closures with their closure date in the period."),
    )


def days_per_stage(scope):
    changes = CaseStageChange.objects.filter(case__in=scope.cases).filter(scope.period.during("at"))
    found = medians(changes, value=days_in_stage(), group="source")
    rows = []
    for stage in STAGES_LEFT:
        median, n = found.get(stage.value, (None, 0))
        value = None if median is None else _tidy(round(median, 1))
        rows.append(Row(stage.value, stage.label, (Figure(value, n), Figure.count(n))))
    return Section(
        "stage_days",
        _("Median days per stage"),
        rows,
        columns=(
            Column("median", _("Median days"), kind=MEDIAN),
            Column("moves", _("Cases that left the stage"), charted=False),
        ),
        chart=HORIZONTAL,
        label_title=_("Stage"),
        note=_(
            "For each case that left a stage in the period: the days from the day it entered "
            "the stage (for the intake, the day the case was opened) to the day it left."
        ),
    )


def deadline_clocks(scope):
    """Each deadline clock (cases.schedule): the median days its step took, for the clocks that
    stopped in the period on their step (not by closure); how many stopped in the period and how
    many of those after the limit; and how many are running past the limit on the period's last
    day (or today, if sooner)."""
    clocks = DeadlineClock.objects.filter(case__in=scope.cases)
    done = clocks.filter(scope.period.on("stopped_on"), cancelled=False)
    took = ExpressionWrapper(F("stopped_on") - F("started_on"), output_field=DurationField())
    found = medians(done, value=took, group="kind")
    counts = {
        row["kind"]: row
        for row in done.order_by()
        .values("kind")
        .annotate(n=Count("pk"), late=Count("pk", filter=Q(stopped_on__gt=F("due_on"))))
    }
    as_of = min(scope.period.end, timezone.localdate())
    running_late = _counts(
        clocks.filter(
            Q(stopped_on__isnull=True) | Q(stopped_on__gt=as_of),
            started_on__lte=as_of,
            due_on__lt=as_of,
        ),
        "kind",
    )
    rows = []
    for kind in ClockKind:
        median, n = found.get(kind.value, (None, 0))
        value = None if median is None else _tidy(round(median, 1))
        row = counts.get(kind.value, {"n": 0, "late": 0})
        rows.append(
            Row(
                kind.value,
                kind.label,
                (
                    Figure(value, n),
                    Figure.count(row["n"]),
                    Figure.count(row["late"]),
                    Figure.count(running_late.get(kind.value, 0)),
                ),
            )
        )
    return Section(
        "clocks",
        _("Deadlines: median days and breaches"),
        rows,
        columns=(
            Column("median", _("Median days"), kind=MEDIAN),
            Column("done", _("Done in the period"), charted=False),
            Column("late", _("Done after the limit"), charted=False),
            Column("running_late", _("Running past the limit"), charted=False),
        ),
        chart=HORIZONTAL,
        label_title=_("Deadline"),
        note=_(
            "Each case's clock runs from one step to the next against the gu's limit (intake → "
            "assessment, submission → selection, start of planning → signed plan, intake → "
            "signed plan). Clocks stopped because the case closed first are not counted as done."
        ),
    )


def needs_by_domain(scope):
    assessments = scope.of(Assessment.objects).filter(scope.period.on("completed_on"))
    needs = AssessmentNeed.objects.filter(assessment__in=assessments)
    return Section(
        "needs",
        _("Needs by domain"),
        _choice_rows(_counts(needs, "domain"), NeedDomain.choices),
        chart=HORIZONTAL,
        label_title=_("Need domain"),
        note=_(
            "Needs assessments completed in the period; one person may have needs in several "
            "domains."
        ),
    )


def _referrals(scope):
    return scope.of(Referral.objects).filter(scope.period.on("requested_on"))


def referrals_by_status(scope):
    return Section(
        "referral_statuses",
        _("Referrals by status"),
        _choice_rows(_counts(_referrals(scope), "status"), ReferralStatus.choices),
        label_title=pgettext_lazy("referral", "Status"),
        total=True,
        note=_("Referrals requested in the period, by their status today."),
    )


def referrals_by_provider(scope):
    found = (
        _referrals(scope)
        .order_by()
        .values(
            provider_key=Coalesce("provider_id", "resource__provider_id"),
            provider_name=Coalesce("provider__name", "resource__provider__name"),
        )
        .annotate(n=Count("pk"))
        .order_by("-n", F("provider_name").asc(nulls_last=True))
    )
    rows = [
        Row(
            str(r["provider_key"] or ""),
            r["provider_name"] or _("Resource without a provider"),
            (Figure.count(r["n"]),),
        )
        for r in found
    ]
    return Section(
        "referral_providers",
        _("Referrals by provider"),
        rows,
        chart=HORIZONTAL,
        label_title=_("Provider"),
        total=True,
    )


def resources_by_kind(scope):
    linked = (
        _referrals(scope).filter(resource__isnull=False).exclude(status=ReferralStatus.DECLINED)
    )
    return Section(
        "resource_kinds",
        _("Resources linked, by kind"),
        _choice_rows(_counts(linked, "resource__kind"), ResourceKind.choices),
        chart=BAR,
        label_title=_("Kind of resource"),
        total=True,
        note=_("Referrals to a registered resource requested in the period, not declined."),
    )


def meetings_by_kind(scope):
    meetings = scope.of(Meeting.objects).filter(scope.period.during("held_at"))
    return Section(
        "meetings",
        _("Meetings held"),
        _choice_rows(_counts(meetings, "kind"), MeetingKind.choices),
        columns=(Column("meetings", _("Meetings"), about_people=False),),
        label_title=_("Kind of meeting"),
        total=True,
    )


def decisions_by_outcome(scope):
    decisions = Decision.objects.filter(item__in=scope.of(AgendaItem.objects)).filter(
        scope.period.during("decided_at")
    )
    return Section(
        "decisions",
        _("Meeting decisions"),
        _choice_rows(_counts(decisions, "outcome"), Outcome.choices),
        chart=HORIZONTAL,
        label_title=_("Decision"),
        total=True,
    )


def follow_ups(scope):
    period = scope.period
    checks = (
        scope.of(FollowUpCheck.objects)
        .filter(period.on("date"))
        .aggregate(
            checks=Count("pk"),
            cases=Count("case", distinct=True),
            again=Count("pk", filter=Q(needs_reintervention=True)),
        )
    )
    completed = (
        CaseStageChange.objects.filter(case__in=scope.cases, source=Stage.FOLLOW_UP)
        .filter(period.during("at"), target=Stage.ENDED)
        .count()
    )
    counts = [
        ("checks", _("Follow-up checks recorded"), checks["checks"]),
        ("cases", _("Cases checked"), checks["cases"]),
        ("again", _("Checks that found a need to intervene again"), checks["again"]),
        ("completed", _("Follow-ups completed (case ended)"), completed),
    ]
    return Section(
        "follow_ups",
        _("Follow-up"),
        [Row(key, label, (Figure.count(n),)) for key, label, n in counts],
        chart=None,
    )


#: The sections after the case counts, in the page's order. One more is one more function here.
SECTIONS = [
    intakes_by_route,
    intakes_by_disposition,
    closures_by_reason,
    days_per_stage,
    deadline_clocks,
    needs_by_domain,
    referrals_by_status,
    referrals_by_provider,
    resources_by_kind,
    meetings_by_kind,
    decisions_by_outcome,
    follow_ups,
]


def statistics(*, user, period, dong=None):
    """The sections of the statistics page for ``user`` (their dong, or their gu; ``dong``: one
    dong of the gu), over ``period``. A fixed number of queries, whatever the number of cases."""
    scope = Scope(user, period, dong)
    by_dong = case_counts_by_dong(scope)
    sections = [cases_overview(by_dong)]
    if sees_whole_gu(user) and dong is None:
        sections.append(cases_per_dong(scope, by_dong))
    sections += [build(scope) for build in SECTIONS]
    return sections
