"""사례: the state machine of a case, its guards, and the history of its stages.

Each guard is a pure question about the case ("what is missing before this move?") that
returns Korean sentences; the transition's condition is "nothing is missing". The case page
shows those sentences beside the buttons, so an officer always sees why a move is not open.
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from casemgmt.core.history import change_history
from casemgmt.core.korean import korean_date
from casemgmt.core.versioning import VersionedModel

from .intake import Disposition
from .records import CaseType, ClosureReason, ItemStatus
from .scope import CaseScopedQuerySet, GuInvolvement

REASSESSMENT_INTERVAL_DAYS = 365


class Stage(models.TextChoices):
    INTAKE = "intake", _("Intake")
    ASSESSMENT = "assessment", _("Needs assessment")
    SELECTION = "selection", _("Selection and consent")
    PLANNING = "planning", _("Planning and contract")
    INTERVENTION = "intervention", _("Intervention")
    MONITORING = "monitoring", _("Monitoring")
    EVALUATION = "evaluation", _("Evaluation")
    CLOSURE = "closure", _("Closure")
    FOLLOW_UP = "follow_up", _("Follow-up")
    ENDED = "ended", _("Ended")
    NOT_SELECTED = "not_selected", _("Not selected")

    @classmethod
    def open_stages(cls):
        return [s for s in cls if s not in (cls.ENDED, cls.NOT_SELECTED)]


ACTIVE_STAGES = [Stage.INTERVENTION, Stage.MONITORING, Stage.EVALUATION]


# --- guards: each returns the list of what is missing, in the officer's language ---------------
def _latest(qs):
    return qs.order_by("-id").first()


def latest_assessment(case, *, completed=False):
    qs = case.assessments.all()
    if completed:
        qs = qs.filter(completed_on__isnull=False)
    return qs.order_by("-number").first()


def latest_plan(case):
    return case.plans.order_by("-number").first()


def latest_selection(case):
    return _latest(case.selections.all())


def active_consent(case):
    today = timezone.localdate()
    for consent in case.consents.order_by("-valid_from", "-id"):
        if consent.services_consent and consent.is_active(today):
            return consent
    return None


def current_closure(case):
    return _latest(case.closures.filter(cycle=case.cycle))


def reassessment_overdue(case, today=None):
    today = today or timezone.localdate()
    last = latest_assessment(case, completed=True)
    return last is not None and last.completed_on < today - datetime.timedelta(
        days=REASSESSMENT_INTERVAL_DAYS
    )


def round_started_at(case):
    """When the case last entered the needs assessment: at the start, after a reassessment was
    requested, or when it re-opened for a new cycle. An assessment or a plan written before that
    belongs to an earlier round and cannot carry the case forward."""
    change = case.stage_changes.filter(target=Stage.ASSESSMENT).order_by("-at", "-id").first()
    return change.at if change is not None else None


def _of_this_round(case, record):
    started = round_started_at(case)
    return started is None or record.created_at >= started


def plan_approval_required(case):
    from .schedule import policy_for_gu

    return policy_for_gu(case.dong.gu_id).plan_approval_required


def _overdue_message(case):
    if reassessment_overdue(case):
        return [_("The last needs assessment is more than a year old: a reassessment is due.")]
    return []


def missing_to_start_assessment(case):
    missing = []
    if case.intake is None or case.intake.disposition != Disposition.CASE_MANAGEMENT:
        missing.append(_("The intake record does not refer the client to case management (③)."))
    elif not case.intake.presenting_problem.strip():
        missing.append(_("The intake record has no presenting problem."))
    return missing


def missing_to_submit_for_selection(case):
    missing = []
    selection = latest_selection(case)
    if selection is not None and selection.selected:
        missing.append(
            _("The case is already selected: after a reassessment, revise the plan instead.")
        )
    assessment = latest_assessment(case)
    if assessment is None or not assessment.is_complete:
        missing.append(_("Complete the needs assessment first."))
    return missing


def missing_to_revise_plan(case):
    missing = []
    selection = latest_selection(case)
    if selection is None or not selection.selected:
        missing.append(_("The case has not been selected yet: submit it for selection."))
    assessment = latest_assessment(case)
    if assessment is None or not assessment.is_complete or not _of_this_round(case, assessment):
        missing.append(_("Complete the reassessment first."))
    return missing


def missing_to_select(case):
    missing = []
    selection = latest_selection(case)
    if selection is None:
        missing.append(_("The supervisor has not decided on the selection yet."))
    elif not selection.selected:
        missing.append(_("The supervisor decided not to select this case."))
    elif selection.case_type not in CaseType.values:
        missing.append(_("The selection decision has no case type (general or specialised)."))
    if active_consent(case) is None:
        missing.append(_("Record the client's consent to services."))
    return missing


def missing_to_reject(case):
    selection = latest_selection(case)
    if selection is None or selection.selected:
        return [_("There is no decision not to select this case.")]
    return []


def missing_to_start_intervention(case):
    missing = []
    selection = latest_selection(case)
    if selection is None or not selection.selected:
        missing.append(_("The case has not been selected."))
    if active_consent(case) is None:
        missing.append(
            _("There is no valid consent to services: it was never given or has been withdrawn.")
        )
    plan = latest_plan(case)
    if plan is None:
        missing.append(_("Write the service plan."))
    elif not _of_this_round(case, plan):
        missing.append(_("The plan was written before the reassessment: write a new plan version."))
    else:
        if not plan.items.exists():
            missing.append(_("The service plan has no service items."))
        if not plan.is_signed:
            missing.append(
                _(
                    "The plan is not signed yet: the client (⑭) and the case manager (⑮) both sign it."
                )
            )
        assessment = latest_assessment(case, completed=True)
        if assessment is not None and plan.assessment_id != assessment.pk:
            missing.append(_("The plan is based on an older assessment: write a new plan version."))
        if plan.approved_on is None and plan_approval_required(case):
            missing.append(
                _("The gu requires the supervisor's approval of the plan before the intervention.")
            )
    return missing + _overdue_message(case)


def missing_to_start_monitoring(case):
    missing = []
    plan = latest_plan(case)
    if (
        plan is None
        or not case.interventions.filter(
            date__gte=plan.signed_on or plan.created_at.date()
        ).exists()
    ):
        missing.append(_("Record at least one intervention under the current plan."))
    return missing + _overdue_message(case)


def missing_to_start_evaluation(case):
    missing = []
    plan = latest_plan(case)
    if plan is not None:
        unchecked = [item for item in plan.items.all() if not item.status]
        if unchecked:
            missing.append(
                _("Monitoring has not given a status (achieved, extended, reassess) to: %(items)s")
                % {"items": ", ".join(item.service_content for item in unchecked)}
            )
        if plan.items.filter(status=ItemStatus.REASSESS).exists():
            missing.append(_("An item's status is 'reassess': request a reassessment instead."))
    return missing + _overdue_message(case)


def missing_to_close(case):
    missing = []
    closure = current_closure(case)
    if closure is None:
        missing.append(_("Write the closure proposal (reason, date, summary)."))
    if closure is None or closure.approved_by_id is None:
        missing.append(_("The supervisor has not approved the closure."))
    if closure is None or closure.reason not in ClosureReason.without_evaluation():
        if case.stage != Stage.EVALUATION or not case.evaluations.filter(cycle=case.cycle).exists():
            missing.append(
                _(
                    "Evaluate the case before closing it (only death, moving away or lost contact close without an evaluation)."
                )
            )
    return missing


def missing_to_start_follow_up(case):
    closure = current_closure(case)
    if closure is None:
        return [_("There is no closure record.")]
    missing = []
    if closure.reason in ClosureReason.without_follow_up():
        missing.append(_("This closure reason allows no follow-up: end the case."))
    if closure.follow_up_until is None:
        missing.append(_("Set the end of the follow-up period."))
    if not closure.follow_up_agreed:
        missing.append(_("Explain the follow-up to the client and record their agreement."))
    return missing


def missing_to_end(case):
    closure = current_closure(case)
    if case.stage == Stage.CLOSURE:
        if closure is not None and closure.reason not in ClosureReason.without_follow_up():
            return [_("Cases closed for this reason go to follow-up before they end.")]
        return []
    missing = []
    if not case.follow_ups.exists():
        missing.append(_("Record at least one follow-up check."))
    if (
        closure is not None
        and closure.follow_up_until
        and closure.follow_up_until > timezone.localdate()
    ):
        missing.append(
            _("The follow-up period runs until %(date)s.")
            % {"date": korean_date(closure.follow_up_until)}
        )
    return missing


def missing_to_reopen(case):
    if not case.follow_ups.filter(needs_reintervention=True).exists():
        return [_("No follow-up check has found a need to intervene again.")]
    return []


def missing_to_request_reassessment(case):
    return []


GUARDS = {
    "start_assessment": missing_to_start_assessment,
    "submit_for_selection": missing_to_submit_for_selection,
    "revise_plan": missing_to_revise_plan,
    "select": missing_to_select,
    "reject": missing_to_reject,
    "start_intervention": missing_to_start_intervention,
    "start_monitoring": missing_to_start_monitoring,
    "start_evaluation": missing_to_start_evaluation,
    "request_reassessment": missing_to_request_reassessment,
    "close": missing_to_close,
    "start_follow_up": missing_to_start_follow_up,
    "end": missing_to_end,
    "reopen": missing_to_reopen,
}


# Which moves make sense at all in the case's situation (the page lists only these; the guards
# above still say what each of them lacks). A move left out here is not forbidden by it: the
# guard refuses it anyway.
def _selected(case):
    selection = latest_selection(case)
    return selection is not None and selection.selected


def _not_selected(case):
    selection = latest_selection(case)
    return selection is not None and not selection.selected


def _closure_allows_follow_up(case):
    closure = current_closure(case)
    return closure is None or closure.reason not in ClosureReason.without_follow_up()


RELEVANT = {
    "submit_for_selection": lambda case: not _selected(case),
    "revise_plan": _selected,
    "select": lambda case: not _not_selected(case),
    "reject": _not_selected,
    "start_follow_up": _closure_allows_follow_up,
    "end": lambda case: case.stage == Stage.FOLLOW_UP or not _closure_allows_follow_up(case),
}


def _ready(name):
    def condition(case):
        return not GUARDS[name](case)

    condition.__name__ = f"ready_to_{name}"
    return condition


# --- the case -------------------------------------------------------------------------------------
SCHEDULE_FIELDS = [
    "next_contact_due",
    "next_contact_item",
    "last_contact_on",
    "reassessment_due",
    "follow_up_due",
    "consent_ends_on",
    "clock_due",
    "next_due_on",
]


def _stored_date(label):
    return models.DateField(label, null=True, blank=True, editable=False, db_index=False)


class CaseQuerySet(CaseScopedQuerySet):
    dong_lookup = "dong"

    def open(self):
        return self.filter(stage__in=Stage.open_stages())


class Case(ConcurrentTransitionMixin, VersionedModel):
    """사례: one cycle of case management for a client, from intake to follow-up."""

    client = models.ForeignKey(
        "cases.Client", on_delete=models.PROTECT, related_name="cases", verbose_name=_("client")
    )
    dong = models.ForeignKey(
        "core.Dong", on_delete=models.PROTECT, related_name="cases", verbose_name=_("dong")
    )
    number = models.CharField(_("management number"), max_length=40, unique=True, editable=False)
    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    sequence = models.PositiveIntegerField(_("sequence"), editable=False)
    intake = models.OneToOneField(
        "cases.Intake",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case",
        verbose_name=_("intake"),
    )
    primary_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="primary_cases",
        verbose_name=_("case manager"),
    )
    assistant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assisted_cases",
        verbose_name=_("internal assistant"),
    )
    partner_worker = models.CharField(
        _("external partner worker"), max_length=100, blank=True, help_text=_("Name and agency.")
    )
    stage = FSMField(
        _("stage"), default=Stage.INTAKE, choices=Stage.choices, protected=True, max_length=20
    )
    case_type = models.CharField(
        _("case type"), max_length=20, choices=CaseType.choices, blank=True, editable=False
    )
    cycle = models.PositiveSmallIntegerField(_("cycle"), default=1, editable=False)
    opened_on = models.DateField(_("opened on"), default=timezone.localdate)
    gu_involvement = models.CharField(
        _("gu team"),
        max_length=20,
        choices=GuInvolvement.choices,
        blank=True,
        default=GuInvolvement.NONE,
        editable=False,
    )
    gu_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="gu_cases",
        editable=False,
        verbose_name=_("gu case manager"),
    )

    # The dates that drive the day, stored by cases.schedule in the transaction of the record
    # that changes them (never typed, not in the change history: they follow from the records).
    next_contact_due = _stored_date(_("next monitoring contact due"))
    next_contact_item = models.ForeignKey(
        "cases.PlanItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("plan item of the next contact"),
    )
    last_contact_on = _stored_date(_("last contact"))
    reassessment_due = _stored_date(_("reassessment due"))
    follow_up_due = _stored_date(_("follow-up check due"))
    consent_ends_on = _stored_date(_("consent ends on"))
    clock_due = _stored_date(_("earliest running deadline"))
    next_due_on = _stored_date(_("next due"))

    objects = CaseQuerySet.as_manager()

    history = change_history(excluded_fields=SCHEDULE_FIELDS)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-opened_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dong", "year", "sequence"], name="case_number_unique_per_dong_year"
            ),
        ]
        indexes = [
            models.Index(fields=["dong", "stage"], name="case_dong_stage"),
            models.Index(fields=["primary_manager", "next_due_on"], name="case_manager_next_due"),
            models.Index(fields=["dong", "next_due_on"], name="case_dong_next_due"),
            models.Index(fields=["dong", "next_contact_due"], name="case_dong_contact_due"),
            models.Index(fields=["dong", "reassessment_due"], name="case_dong_reassessment_due"),
            # "Has this officer a case here?" (the case list's manager filter): one probe each.
            models.Index(fields=["primary_manager", "dong"], name="case_manager_dong"),
            # The list's default order, and the cases opened in a period (statistics).
            models.Index(fields=["opened_on", "id"], name="case_opened"),
            models.Index(fields=["next_due_on", "id"], name="case_next_due"),  # the gu's, by due
        ]

    def __str__(self):
        return f"{self.number} {self.client}"

    @property
    def access_subject_id(self):
        return self.client_id

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("cases:case_detail", args=[self.pk])

    def full_clean(self, exclude=None, **kwargs):
        # The stage is protected: cleaning must not assign it back.
        super().full_clean(exclude={*(exclude or ()), "stage"}, **kwargs)

    # Transitions. Views never call these directly: cases.services.move_case does, inside a
    # transaction, and writes the CaseStageChange row beside the change.
    @transition(
        stage,
        source=Stage.INTAKE,
        target=Stage.ASSESSMENT,
        conditions=[_ready("start_assessment")],
        custom={"label": _("Start the needs assessment")},
    )
    def start_assessment(self):
        pass

    @transition(
        stage,
        source=Stage.ASSESSMENT,
        target=Stage.SELECTION,
        conditions=[_ready("submit_for_selection")],
        custom={"label": _("Submit for selection")},
    )
    def submit_for_selection(self):
        pass

    @transition(
        stage,
        source=Stage.ASSESSMENT,
        target=Stage.PLANNING,
        conditions=[_ready("revise_plan")],
        custom={"label": _("Revise the plan after reassessment")},
    )
    def revise_plan(self):
        pass

    @transition(
        stage,
        source=Stage.SELECTION,
        target=Stage.PLANNING,
        conditions=[_ready("select")],
        custom={"label": _("Go on to planning")},
    )
    def select(self):
        self.case_type = latest_selection(self).case_type

    @transition(
        stage,
        source=Stage.SELECTION,
        target=Stage.NOT_SELECTED,
        conditions=[_ready("reject")],
        custom={"label": _("End as not selected")},
    )
    def reject(self):
        pass

    @transition(
        stage,
        source=Stage.PLANNING,
        target=Stage.INTERVENTION,
        conditions=[_ready("start_intervention")],
        custom={"label": _("Start the intervention")},
    )
    def start_intervention(self):
        pass

    @transition(
        stage,
        source=Stage.INTERVENTION,
        target=Stage.MONITORING,
        conditions=[_ready("start_monitoring")],
        custom={"label": _("Go on to monitoring")},
    )
    def start_monitoring(self):
        pass

    @transition(
        stage,
        source=Stage.MONITORING,
        target=Stage.EVALUATION,
        conditions=[_ready("start_evaluation")],
        custom={"label": _("Go on to evaluation")},
    )
    def start_evaluation(self):
        pass

    @transition(
        stage,
        source=ACTIVE_STAGES,
        target=Stage.ASSESSMENT,
        conditions=[_ready("request_reassessment")],
        custom={"label": _("Reassess (needs or situation changed)"), "needs_note": True},
    )
    def request_reassessment(self):
        pass

    @transition(
        stage,
        source=[Stage.ASSESSMENT, Stage.SELECTION, Stage.PLANNING, *ACTIVE_STAGES],
        target=Stage.CLOSURE,
        conditions=[_ready("close")],
        custom={"label": _("Close the case")},
    )
    def close(self):
        pass

    @transition(
        stage,
        source=Stage.CLOSURE,
        target=Stage.FOLLOW_UP,
        conditions=[_ready("start_follow_up")],
        custom={"label": _("Start the follow-up")},
    )
    def start_follow_up(self):
        pass

    @transition(
        stage,
        source=[Stage.CLOSURE, Stage.FOLLOW_UP],
        target=Stage.ENDED,
        conditions=[_ready("end")],
        custom={"label": _("End the case")},
    )
    def end(self):
        pass

    @transition(
        stage,
        source=Stage.FOLLOW_UP,
        target=Stage.ASSESSMENT,
        conditions=[_ready("reopen")],
        custom={"label": _("Re-open for a new cycle"), "needs_note": True},
    )
    def reopen(self):
        self.cycle += 1

    # What the page shows ---------------------------------------------------------------------
    def moves(self, *, every=False):
        """The moves that make sense from the current stage (``every``: all of them, for the
        service that runs one), each with everything it still lacks (empty: allowed)."""
        result = []
        for transition_ in self._meta.get_field("stage").get_all_transitions(type(self)):
            if transition_.source not in (self.stage, "*"):
                continue
            if not every and not RELEVANT.get(transition_.name, lambda case: True)(self):
                continue
            result.append(
                {
                    "name": transition_.name,
                    "label": transition_.custom.get("label", transition_.name),
                    "target": Stage(transition_.target),
                    "needs_note": transition_.custom.get("needs_note", False),
                    "missing": GUARDS[transition_.name](self),
                }
            )
        order = list(GUARDS)  # forward moves first, loops and closure after
        return sorted(result, key=lambda move: order.index(move["name"]))


class CaseStageChange(models.Model):
    """One row per transition: who moved the case, when, from where to where, and why."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="stage_changes", verbose_name=_("case")
    )
    transition = models.CharField(_("move"), max_length=40)
    source = models.CharField(_("from"), max_length=20, choices=Stage.choices)
    target = models.CharField(_("to"), max_length=20, choices=Stage.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["case", "at", "id"]
        # The statistics count the moves of a period: a range of times, not every move ever.
        indexes = [models.Index(fields=["at"], name="stagechange_time")]

    def __str__(self):
        return f"{self.case}: {self.source} → {self.target}"


class OwnershipChange(models.TextChoices):
    PRIMARY_MANAGER = "primary_manager", _("Case manager changed")
    SHARE = "share", _("Shared with the gu team")
    TRANSFER = "transfer", _("Transferred to the gu team")
    RETURN = "return", _("Returned to the dong team")


class CaseOwnership(models.Model):
    """One row per change of who holds the case: its case manager, or the gu team's part in it."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="ownership_changes", verbose_name=_("case")
    )
    kind = models.CharField(_("change"), max_length=20, choices=OwnershipChange.choices)
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("from"),
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("to"),
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    effective_on = models.DateField(
        _("effective on"), null=True, blank=True, help_text=_("e.g. the date of a personnel order")
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("ownership change")
        verbose_name_plural = _("ownership changes")
        ordering = ["case", "at", "id"]

    def __str__(self):
        return f"{self.case}: {self.get_kind_display()}"
