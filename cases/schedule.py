"""Due dates and deadline clocks: computed from a case's records, stored on the case.

The services call :func:`refresh` in the transaction of every record that moves a date, so lists
filter and sort on indexed columns instead of correlating a subquery per case. Nothing stored
depends on the day it is computed: "overdue" is always a comparison with Seoul's today at read
time. ``manage.py recompute_schedule`` computes everything again from the records and reports
any difference (drift).

The rules, in the officers' terms:

* **Next monitoring contact** (점검) — for each service item of the case's current signed plan
  while the case is in intervention or monitoring, and not yet achieved or sent to reassessment:
  one interval after the item's last monitoring record (or after its start date). The interval
  follows the item's frequency ⑨ (twice a week: every 4 days, rounded up) and its monitoring
  method ⑫ (informal observation at most every 14 days, formal scales at most every 30). A
  contact is not asked after the item's end date ⑧, except that the end date itself is due
  when the last contact came before it; an extended item keeps its rhythm. The case's date is
  the earliest of its items'.
* **Last contact** — the latest monitoring record or direct intervention (counselling, home
  visit, accompaniment, crisis support).
* **Reassessment** — a year after the last assessment completed in the current cycle; earlier
  when a monitoring record sets an item to "reassess" or the case is sent back to reassessment.
* **Follow-up check** — in follow-up, the gu's interval after the closure date or the last check,
  and never after the follow-up period agreed at closure (its last day is due if no check came
  on or after it).
* **Consent end** — the end date of the latest services consent that was not withdrawn.
* **Deadline clocks** (처리 기한) — per cycle: intake → completed assessment; submission for
  selection → selection decision; start of planning → signed plan; intake → signed plan. A clock
  stops on the day its step is done, or on the day the case is closed or not selected before it
  (then marked as stopped by closure). A stopped clock keeps the limit it ran under; a running
  one follows the gu's current limit. A re-opened case starts a new cycle on the re-opening day.
"""

import datetime
import math
from dataclasses import dataclass, field

from django.utils import timezone

from .models import (
    Case,
    ClockKind,
    DeadlineClock,
    InterventionKind,
    ItemStatus,
    MonitoringMethod,
    PlanItem,
    Stage,
    policy_for_gu,
)
from .models.schedule import CLOCK_ORDER, due

CONTACT_STAGES = {Stage.INTERVENTION, Stage.MONITORING}
REASSESSMENT_STAGES = {
    Stage.ASSESSMENT,
    Stage.SELECTION,
    Stage.PLANNING,
    Stage.INTERVENTION,
    Stage.MONITORING,
    Stage.EVALUATION,
}
REASSESSMENT_INTERVAL = datetime.timedelta(days=365)
MIN_INTERVAL_DAYS = {MonitoringMethod.INFORMAL: 14, MonitoringMethod.FORMAL: 30}
CLOSING_MOVES = {"close", "reject", "end"}

# What compute() reads; prefetched together, a whole gu recomputes in a few queries per chunk.
PREFETCH = [
    "plans__items",
    "monitorings",
    "interventions",
    "assessments",
    "consents",
    "closures",
    "follow_ups",
    "stage_changes",
    "selections",
    "clocks",
]

CASE_COLUMNS = [
    "next_contact_due",
    "next_contact_item_id",
    "last_contact_on",
    "reassessment_due",
    "follow_up_due",
    "consent_ends_on",
    "clock_due",
    "next_due_on",
]

# The columns that make up "next due", with what each asks of the officer.
DUE_PARTS = [
    "clock_due",
    "next_contact_due",
    "reassessment_due",
    "follow_up_due",
    "consent_ends_on",
]


@dataclass
class Schedule:
    columns: dict
    items: dict  # plan item id -> next contact due (None: nothing due)
    clocks: list = field(default_factory=list)  # DeadlineClock.as_tuple() shapes


def contact_interval(item) -> int:
    """Days between monitoring contacts of one plan item."""
    by_frequency = math.ceil(7 / max(item.times_per_week, 1))
    return max(by_frequency, MIN_INTERVAL_DAYS.get(item.monitoring_method, 1))


def item_next_contact(item, last_contact):
    if item.status in (ItemStatus.ACHIEVED, ItemStatus.REASSESS):
        return None
    next_on = (last_contact or item.start_date) + datetime.timedelta(days=contact_interval(item))
    if item.status == ItemStatus.EXTENDED or next_on <= item.end_date:
        return next_on
    if last_contact is not None and last_contact >= item.end_date:
        return None
    return item.end_date


def _local_date(moment):
    return timezone.localtime(moment).date()


def _current_plan(case):
    signed = [plan for plan in case.plans.all() if plan.signed_on]
    return max(signed, key=lambda plan: plan.number) if signed else None


def _cycles(case):
    """[(cycle number, start date, stage changes of the cycle)], oldest first."""
    cycles = [[1, case.opened_on, []]]
    for change in case.stage_changes.all():
        if change.transition == "reopen":
            cycles.append([cycles[-1][0] + 1, _local_date(change.at), []])
        cycles[-1][2].append(change)
    return cycles


def _first(dates):
    dates = [d for d in dates if d is not None]
    return min(dates) if dates else None


def _clocks(case, policy):
    stored = {(clock.cycle, clock.kind): clock for clock in case.clocks.all()}
    assessments = [a.completed_on for a in case.assessments.all() if a.completed_on]
    decisions = [s.decided_on for s in case.selections.all()]
    signatures = [p.signed_on for p in case.plans.all() if p.signed_on]
    clocks = []
    for cycle, start, changes in _cycles(case):
        closed = _first(_local_date(c.at) for c in changes if c.transition in CLOSING_MOVES)
        submitted = _first(
            _local_date(c.at) for c in changes if c.transition == "submit_for_selection"
        )
        planning = _first(_local_date(c.at) for c in changes if c.target == Stage.PLANNING)
        starts = {
            ClockKind.ASSESSMENT: (start, assessments),
            ClockKind.SELECTION: (submitted, decisions),
            ClockKind.PLAN: (planning, signatures),
            ClockKind.INTAKE_TO_PLAN: (start, signatures),
        }
        for kind in CLOCK_ORDER:
            started_on, steps = starts[kind]
            if started_on is None:
                continue
            done = _first(d for d in steps if d >= started_on)
            stop_by_closure = closed if closed is not None and closed >= started_on else None
            stopped_on, cancelled = done, False
            if stop_by_closure is not None and (done is None or stop_by_closure < done):
                stopped_on, cancelled = stop_by_closure, True
            limit = policy.limit(kind)
            previous = stored.get((cycle, kind))
            if (
                stopped_on is not None
                and previous is not None
                and previous.stopped_on is not None
                and previous.started_on == started_on
            ):
                limit = previous.limit_days  # a stopped clock keeps the limit it ran under
            clocks.append(
                (kind, cycle, started_on, limit, due(started_on, limit), stopped_on, cancelled)
            )
    return clocks


def compute(case, policy) -> Schedule:
    """Every stored date of one case, from its records (prefetch PREFETCH for many cases)."""
    stage = case.stage
    is_open = stage in Stage.open_stages()
    cycles = _cycles(case)
    cycle_start = cycles[-1][1]
    monitorings = list(case.monitorings.all())

    items = {item.pk: None for plan in case.plans.all() for item in plan.items.all()}
    plan = _current_plan(case)
    next_item = None
    if plan is not None and stage in CONTACT_STAGES:
        last_by_item = {}
        for record in monitorings:
            if record.plan_item_id and record.date > last_by_item.get(
                record.plan_item_id, datetime.date.min
            ):
                last_by_item[record.plan_item_id] = record.date
        candidates = []
        for item in plan.items.all():
            items[item.pk] = item_next_contact(item, last_by_item.get(item.pk))
            if items[item.pk] is not None:
                candidates.append((items[item.pk], item.priority, item.pk))
        next_item = min(candidates) if candidates else None

    contacts = [m.date for m in monitorings] + [
        i.date for i in case.interventions.all() if i.kind in InterventionKind.direct()
    ]
    columns = {
        "next_contact_due": next_item[0] if next_item else None,
        "next_contact_item_id": next_item[2] if next_item else None,
        "last_contact_on": max(contacts) if contacts else None,
        "reassessment_due": None,
        "follow_up_due": None,
        "consent_ends_on": None,
        "clock_due": None,
    }

    if stage in REASSESSMENT_STAGES:
        completed = [
            a for a in case.assessments.all() if a.completed_on and a.completed_on >= cycle_start
        ]
        if completed:
            last = max(a.completed_on for a in completed)
            asked = [m.date for m in monitorings if m.item_status == ItemStatus.REASSESS]
            asked += [
                _local_date(c.at) for c in cycles[-1][2] if c.transition == "request_reassessment"
            ]
            columns["reassessment_due"] = _first(
                [last + REASSESSMENT_INTERVAL, *(d for d in asked if d >= last)]
            )

    if stage == Stage.FOLLOW_UP:
        closures = [c for c in case.closures.all() if c.cycle == case.cycle]
        if closures:
            closure = max(closures, key=lambda c: c.pk)
            checks = [f.date for f in case.follow_ups.all() if f.date >= closure.closed_on]
            last = max(checks) if checks else None
            next_on = (last or closure.closed_on) + datetime.timedelta(
                days=policy.follow_up_interval_days
            )
            until = closure.follow_up_until
            if until is not None and next_on > until:
                next_on = until if last is None or last < until else None
            columns["follow_up_due"] = next_on

    consents = [c for c in case.consents.all() if c.services_consent and c.withdrawn_on is None]
    if consents and is_open:
        latest = max(consents, key=lambda c: (c.valid_from, c.pk))
        columns["consent_ends_on"] = latest.valid_until

    clocks = _clocks(case, policy)
    if is_open:
        columns["clock_due"] = _first(clock[4] for clock in clocks if clock[5] is None)
    else:
        for key in ("next_contact_due", "next_contact_item_id", "reassessment_due"):
            columns[key] = None
    columns["next_due_on"] = _first(columns[part] for part in DUE_PARTS)
    return Schedule(columns=columns, items=items, clocks=clocks)


# --- storing and checking ---------------------------------------------------------------------------
def differences(case, schedule) -> list[str]:
    """What the stored values say that the records do not (empty: no drift)."""
    found = []
    for name in CASE_COLUMNS:
        stored, computed = getattr(case, name), schedule.columns[name]
        if stored != computed:
            found.append(f"{name}: stored {stored}, computed {computed}")
    for plan in case.plans.all():
        for item in plan.items.all():
            if item.next_contact_due != schedule.items.get(item.pk):
                found.append(
                    f"item {item.pk} next_contact_due: stored {item.next_contact_due}, "
                    f"computed {schedule.items.get(item.pk)}"
                )
    stored = sorted(clock.as_tuple() for clock in case.clocks.all())
    if stored != sorted(schedule.clocks):
        found.append(f"clocks: stored {stored}, computed {sorted(schedule.clocks)}")
    return found


def store(case, schedule) -> None:
    """Write what differs: the case's columns, its items' next contacts, its clocks."""
    changed = {
        name: value for name, value in schedule.columns.items() if getattr(case, name) != value
    }
    if changed:
        Case.objects.filter(pk=case.pk).update(**changed)
        for name, value in changed.items():
            setattr(case, name, value)
    for plan in case.plans.all():
        for item in plan.items.all():
            value = schedule.items.get(item.pk)
            if item.next_contact_due != value:
                PlanItem.objects.filter(pk=item.pk).update(next_contact_due=value)
                item.next_contact_due = value
    existing = {(clock.cycle, clock.kind): clock for clock in case.clocks.all()}
    wanted = {(clock[1], clock[0]): clock for clock in schedule.clocks}
    for key, values in wanted.items():
        kind, cycle, started_on, limit_days, due_on, stopped_on, cancelled = values
        fields = dict(
            started_on=started_on, limit_days=limit_days, due_on=due_on,
            stopped_on=stopped_on, cancelled=cancelled,
        )  # fmt: skip
        clock = existing.get(key)
        if clock is None:
            DeadlineClock.objects.create(case_id=case.pk, cycle=cycle, kind=kind, **fields)
        elif clock.as_tuple() != values:
            DeadlineClock.objects.filter(pk=clock.pk).update(**fields)
    stale = [clock.pk for key, clock in existing.items() if key not in wanted]
    if stale:
        DeadlineClock.objects.filter(pk__in=stale).delete()  # derived rows, never typed


def with_records(queryset):
    return queryset.select_related("dong").prefetch_related(*PREFETCH)


def refresh(case) -> Case:
    """Recompute and store one case's dates, in the caller's transaction. Returns the case with
    its stored columns as now written (the passed object gets them too)."""
    fresh = with_records(Case.objects.filter(pk=case.pk)).get()
    store(fresh, compute(fresh, policy_for_gu(fresh.dong.gu_id)))
    for name in CASE_COLUMNS:
        setattr(case, name, getattr(fresh, name))
    return fresh


def refresh_running_clocks(gu_id) -> int:
    """After a gu changes its limits: every case of the gu with a running clock, again."""
    cases = Case.objects.filter(dong__gu_id=gu_id, clocks__stopped_on__isnull=True).distinct()
    policy = policy_for_gu(gu_id)
    count = 0
    for case in with_records(cases).iterator(chunk_size=200):
        store(case, compute(case, policy))
        count += 1
    return count
