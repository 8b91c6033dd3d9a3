"""The team leader's view of the dong (팀 현황): caseload, what is late, what waits for them.

Every figure is one aggregate query over the dong's cases (stored due dates, cases.schedule),
whatever the number of cases: the page reads the same number of queries with 5 or 5,000.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casemgmt.core.models import User
from cases.models import Case, DeadlineClock, Stage
from cases.services import is_team_leader

from .selectors import CLOCK_NOTICE_DAYS

LATE_CLOCKS_LIMIT = 30
OVERDUE_KINDS = [
    # (the case list's overdue filter, stored column, label): cases whose date is before today
    ("monitoring", "next_contact_due", _("Monitoring")),
    ("reassessment", "reassessment_due", _("Reassessment")),
    ("follow_up", "follow_up_due", _("Follow-up check")),
    ("consent", "consent_ends_on", _("Consent expired")),
    ("deadline", "clock_due", _("Past a deadline")),
]


@dataclass
class OfficerRow:
    officer: User
    by_stage: dict = field(default_factory=dict)
    total: int = 0
    overdue: dict = field(default_factory=dict)

    @property
    def overdue_total(self):
        return sum(self.overdue.values())


def may_see_team(user) -> bool:
    return is_team_leader(user)


def team_cases(user):
    return Case.objects.for_user(user).filter(dong_id=user.dong_id, stage__in=Stage.open_stages())


def caseload(*, user, today=None):
    """One row per officer of the dong (and anyone else holding its open cases): open cases per
    stage, and cases with something overdue per kind. Two aggregate queries and the officers."""
    today = today or timezone.localdate()
    cases = team_cases(user)
    stages = [s for s in Stage.open_stages()]
    officers = {
        u.pk: OfficerRow(u)
        # The dong's officers and anyone else holding one of its open cases: an EXISTS probe
        # per account (a join with DISTINCT read every case of the dong's history).
        for u in User.objects.filter(
            Q(dong_id=user.dong_id, is_active=True)
            | Exists(cases.filter(primary_manager=OuterRef("pk")))
        ).order_by("name")
    }
    for row in cases.values("primary_manager", "stage").annotate(n=Count("pk")):
        officer = officers.get(row["primary_manager"])
        if officer is not None:
            officer.by_stage[row["stage"]] = row["n"]
            officer.total += row["n"]
    late = {
        key: Count("pk", filter=Q(**{f"{column}__lt": today}))
        for key, column, _label in OVERDUE_KINDS
    }
    for row in cases.values("primary_manager").annotate(**late):
        officer = officers.get(row["primary_manager"])
        if officer is not None:
            officer.overdue = {key: row[key] for key, _column, _label in OVERDUE_KINDS}
    rows = [row for row in officers.values() if row.total or row.officer.dong_id == user.dong_id]
    for row in rows:  # in the table's column order, for the template
        row.stage_counts = [(stage, row.by_stage.get(stage, 0)) for stage in stages]
        row.overdue_counts = [(key, row.overdue.get(key, 0)) for key, _c, _l in OVERDUE_KINDS]
    totals = {
        "stage_counts": [(s, sum(r.by_stage.get(s, 0) for r in rows)) for s in stages],
        "total": sum(r.total for r in rows),
        "overdue_counts": [
            (k, sum(r.overdue.get(k, 0) for r in rows)) for k, _c, _l in OVERDUE_KINDS
        ],
    }
    return {"stages": stages, "rows": rows, "totals": totals}


def late_clocks(*, user, today=None):
    """Running deadline clocks of the dong past their limit or within three days of it."""
    today = today or timezone.localdate()
    return list(
        DeadlineClock.objects.filter(
            case__in=team_cases(user),
            stopped_on__isnull=True,
            due_on__lte=today + datetime.timedelta(days=CLOCK_NOTICE_DAYS),
        )
        .select_related("case__client", "case__primary_manager")
        .order_by("due_on", "id")[:LATE_CLOCKS_LIMIT]
    )


def waiting_for_leader(*, user):
    """How many cases wait for the team leader's decision, per question (one query)."""
    from meetings.selectors import waiting_conditions

    cases = team_cases(user)
    undecided, unapproved_plan, pending_closure = waiting_conditions()
    return cases.aggregate(
        selection=Count("pk", filter=Q(undecided, stage=Stage.SELECTION)),
        plan=Count("pk", filter=Q(unapproved_plan, stage=Stage.PLANNING)),
        closure=Count(
            "pk",
            filter=Q(pending_closure) & ~Q(stage__in=[Stage.CLOSURE, Stage.FOLLOW_UP, Stage.ENDED]),
        ),
        reassessment=Count(
            "pk",
            filter=Q(
                stage__in=[Stage.INTERVENTION, Stage.MONITORING, Stage.EVALUATION],
                reassessment_due__lt=timezone.localdate(),
            ),
        ),
    )
