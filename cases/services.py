"""Every write with a business rule. Keyword-only, atomic, acting user named, ending in
full_clean(); save(). Errors are ApplicationError with the Korean text officers read."""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import TransitionNotAllowed

from casemgmt.core.access import SCOPE_OWN_DONG, can_create_in_dong, ensure_can_edit
from casemgmt.core.exceptions import ApplicationError
from casemgmt.core.models import Dong
from casemgmt.core.versioning import save_versioned

from .models import (
    Assessment,
    AssessmentNeed,
    Case,
    CaseStageChange,
    Client,
    Closure,
    Consent,
    Disposition,
    Evaluation,
    EvaluationGoal,
    FollowUpCheck,
    Intake,
    Intervention,
    Monitoring,
    PlanGoal,
    PlanItem,
    SelectionDecision,
    ServicePlan,
    Stage,
)
from .models.case import GUARDS, latest_assessment, latest_plan

CLIENT_FIELDS = [
    "name",
    "birth_date",
    "sex",
    "phone",
    "address",
    "livelihood_status",
    "health_notes",
]

NO_DONG_TO_REGISTER = _("Only officers of a dong can register clients.")
NOTE_REQUIRED = _("Write why: this move needs a note.")
MOVE_UNKNOWN = _("This move does not exist.")
ONLY_SUPERVISOR = _("Only the welfare team leader (supervisor) of the dong can decide this.")
ASSESSMENT_COMPLETE_FROZEN = _(
    "A completed assessment cannot be changed: start a reassessment instead."
)
ASSESSMENT_NEEDS_NEED = _("Record at least one need before completing the assessment.")
ASSESSMENT_NEEDS_RISK = _("Choose the risk level before completing the assessment.")
ASSESSMENT_OPEN_EXISTS = _("An assessment is already in progress for this case.")
ASSESSMENT_WRONG_STAGE = _(
    "A needs assessment is written while the case is at the assessment stage."
)
PLAN_NEEDS_ASSESSMENT = _("A plan is written only after the needs assessment is completed.")
PLAN_SIGNED_FROZEN = _("The client has signed this plan: changes go into a new version.")
PLAN_NEEDS_ITEMS = _("The plan has no service items to sign.")
PLAN_WRONG_STAGE = _("The plan is written while the case is at the planning stage.")
SELECTION_WRONG_STAGE = _("The selection is decided while the case is at the selection stage.")
SELECTED_NEEDS_TYPE = _("Choose general or specialised for a selected case.")
CONSENT_ALREADY_WITHDRAWN = _("This consent was already withdrawn.")
CLOSURE_NOT_PROPOSED = _("There is no closure proposal to approve.")
INTAKE_HAS_CASE = _("This intake already opened a case.")


# --- clients ---------------------------------------------------------------------------------------
@transaction.atomic
def create_client(*, by, **data) -> Client:
    if not can_create_in_dong(by, Client):
        raise ApplicationError(NO_DONG_TO_REGISTER)
    client = Client(dong_id=by.dong_id, created_by=by, updated_by=by)
    for field in CLIENT_FIELDS:
        if field in data:
            setattr(client, field, data[field])
    client.full_clean()
    client.save()
    return client


def update_client(*, client, by, expected_version, **data) -> Client:
    ensure_can_edit(by, client)
    for field in CLIENT_FIELDS:
        if field in data:
            setattr(client, field, data[field])
    return save_versioned(client, by=by, expected_version=expected_version)


# --- intake and opening a case ----------------------------------------------------------------------
@transaction.atomic
def record_intake(*, client, by, primary_manager=None, **data) -> Intake:
    """Record initial counselling. Disposition ③ opens a case; ①, ② and ④ end here."""
    ensure_can_edit(by, client)
    intake = Intake(client=client, counselled_by=by, created_by=by, updated_by=by, **data)
    intake.full_clean()
    intake.save()
    if intake.disposition == Disposition.CASE_MANAGEMENT:
        open_case(intake=intake, by=by, primary_manager=primary_manager or by)
    return intake


@transaction.atomic
def open_case(*, intake, by, primary_manager) -> Case:
    ensure_can_edit(by, intake.client)
    if Case.objects.filter(intake=intake).exists():
        raise ApplicationError(INTAKE_HAS_CASE)
    dong = Dong.objects.select_for_update().get(pk=intake.client.dong_id)  # serialises numbering
    year = intake.intake_date.year
    sequence = (
        Case.objects.filter(dong=dong, year=year).aggregate(m=Max("sequence"))["m"] or 0
    ) + 1
    case = Case(
        client=intake.client,
        dong=dong,
        year=year,
        sequence=sequence,
        number=f"{dong.name}-{year}-{sequence:04d}",
        intake=intake,
        primary_manager=primary_manager,
        opened_on=intake.intake_date,
        created_by=by,
        updated_by=by,
    )
    case.full_clean()
    case.save()
    return case


# --- the state machine ----------------------------------------------------------------------------------
@transaction.atomic
def move_case(*, case, transition, by, note="") -> Case:
    """Run one transition of the case and record it. Refusals say what is missing."""
    ensure_can_edit(by, case)
    method = getattr(Case, transition, None)
    if transition not in GUARDS or method is None:
        raise ApplicationError(MOVE_UNKNOWN)
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.stage != case.stage:
        case.refresh_from_db()
        raise ApplicationError(
            _("Someone else moved this case meanwhile: it is now at %(stage)s.")
            % {"stage": case.get_stage_display()}
        )
    move = next((m for m in case.moves() if m["name"] == transition), None)
    if move is None:
        raise ApplicationError(MOVE_UNKNOWN)
    if move["missing"]:
        raise ApplicationError(
            " ".join(str(m) for m in move["missing"]), extra={"missing": move["missing"]}
        )
    if move["needs_note"] and not note.strip():
        raise ApplicationError(NOTE_REQUIRED)
    source = case.stage
    try:
        getattr(case, transition)()
    except TransitionNotAllowed as exc:
        raise ApplicationError(MOVE_UNKNOWN) from exc
    case.updated_by = by
    case.version += 1
    case.save()
    CaseStageChange.objects.create(
        case=case, transition=transition, source=source, target=case.stage, by=by, note=note
    )
    return case


# --- needs assessment -------------------------------------------------------------------------------------
def _next_number(qs):
    return (qs.aggregate(m=Max("number"))["m"] or 0) + 1


@transaction.atomic
def start_assessment(*, case, by, **data) -> Assessment:
    """A new assessment version. The first takes the intake's strengths; later ones the last version's."""
    ensure_can_edit(by, case)
    if case.stage != Stage.ASSESSMENT:
        raise ApplicationError(ASSESSMENT_WRONG_STAGE)
    if case.assessments.filter(completed_on__isnull=True).exists():
        raise ApplicationError(ASSESSMENT_OPEN_EXISTS)
    previous = latest_assessment(case, completed=True)
    number = _next_number(case.assessments.all())
    assessment = Assessment(
        case=case, number=number, is_reassessment=number > 1, created_by=by, updated_by=by
    )
    if previous is not None:
        assessment.functional_assessment = previous.functional_assessment
        assessment.strengths = previous.strengths
        assessment.client_view = previous.client_view
        assessment.risk_level = previous.risk_level
    elif case.intake is not None:
        assessment.strengths = case.intake.strengths
    for field, value in data.items():
        setattr(assessment, field, value)
    assessment.full_clean()
    assessment.save()
    if previous is not None:
        AssessmentNeed.objects.bulk_create(
            AssessmentNeed(
                assessment=assessment,
                domain=n.domain,
                client_view=n.client_view,
                current_state=n.current_state,
                desired_state=n.desired_state,
                change_strategy=n.change_strategy,
                priority=n.priority,
            )
            for n in previous.needs.all()
        )
    return assessment


def update_assessment(*, assessment, by, expected_version, needs=None, **data) -> Assessment:
    """Change an assessment in progress. ``needs``: list of dicts replacing the needs."""
    ensure_can_edit(by, assessment.case)
    if assessment.is_complete:
        raise ApplicationError(ASSESSMENT_COMPLETE_FROZEN)
    with transaction.atomic():
        for field, value in data.items():
            setattr(assessment, field, value)
        save_versioned(assessment, by=by, expected_version=expected_version)
        if needs is not None:
            assessment.needs.all().delete()
            for need in needs:
                row = AssessmentNeed(assessment=assessment, **need)
                row.full_clean()
                row.save()
    return assessment


@transaction.atomic
def complete_assessment(*, assessment, by) -> Assessment:
    ensure_can_edit(by, assessment.case)
    if assessment.is_complete:
        raise ApplicationError(ASSESSMENT_COMPLETE_FROZEN)
    if not assessment.needs.exists():
        raise ApplicationError(ASSESSMENT_NEEDS_NEED)
    if not assessment.risk_level:
        raise ApplicationError(ASSESSMENT_NEEDS_RISK)
    assessment.completed_on = timezone.localdate()
    assessment.updated_by = by
    assessment.version += 1
    assessment.save()
    return assessment


# --- selection and consent -----------------------------------------------------------------------------
def _ensure_supervisor(by, case):
    ensure_can_edit(by, case)
    if not (
        by.has_perm("core.supervise_dong")
        and by.has_perm(SCOPE_OWN_DONG)
        and by.dong_id == case.dong_id
    ):
        raise ApplicationError(ONLY_SUPERVISOR)


@transaction.atomic
def decide_selection(
    *, case, by, selected, case_type="", note="", decided_on=None
) -> SelectionDecision:
    _ensure_supervisor(by, case)
    if case.stage != Stage.SELECTION:
        raise ApplicationError(SELECTION_WRONG_STAGE)
    if selected and not case_type:
        raise ApplicationError(SELECTED_NEEDS_TYPE)
    decision = SelectionDecision(
        case=case,
        selected=selected,
        case_type=case_type if selected else "",
        note=note,
        decided_on=decided_on or timezone.localdate(),
        decided_by=by,
        created_by=by,
        updated_by=by,
    )
    decision.full_clean()
    decision.save()
    return decision


@transaction.atomic
def record_consent(*, case, by, **data) -> Consent:
    ensure_can_edit(by, case)
    consent = Consent(case=case, created_by=by, updated_by=by, **data)
    consent.full_clean()
    consent.save()
    return consent


@transaction.atomic
def withdraw_consent(*, consent, by, withdrawn_on=None, note="") -> Consent:
    """A dated withdrawal: from that day nothing more is shared."""
    ensure_can_edit(by, consent.case)
    if consent.withdrawn_on is not None:
        raise ApplicationError(CONSENT_ALREADY_WITHDRAWN)
    consent.withdrawn_on = withdrawn_on or timezone.localdate()
    consent.withdrawal_note = note
    consent.updated_by = by
    consent.version += 1
    consent.full_clean()
    consent.save()
    return consent


# --- service plan -------------------------------------------------------------------------------------------
@transaction.atomic
def create_plan(*, case, by, short_term_goal, long_term_goal, goals=()) -> ServicePlan:
    """A new plan version on the latest completed assessment.

    ``goals``: dicts of PlanGoal fields, each with an ``items`` list of PlanItem field dicts.
    Without goals, the new version starts as a copy of the previous one (nothing typed twice).
    """
    ensure_can_edit(by, case)
    if case.stage != Stage.PLANNING:
        raise ApplicationError(PLAN_WRONG_STAGE)
    assessment = latest_assessment(case, completed=True)
    if assessment is None:
        raise ApplicationError(PLAN_NEEDS_ASSESSMENT)
    previous = latest_plan(case)
    if previous is not None and not previous.is_signed:
        raise ApplicationError(_("An unsigned plan version is already open: change that one."))
    plan = ServicePlan(
        case=case,
        number=_next_number(case.plans.all()),
        assessment=assessment,
        short_term_goal=short_term_goal,
        long_term_goal=long_term_goal,
        created_by=by,
        updated_by=by,
    )
    plan.full_clean()
    plan.save()
    if goals:
        _write_goals(plan, goals)
    elif previous is not None:
        _write_goals(plan, _goals_of(previous))
    return plan


def _goals_of(plan):
    goal_fields = ["domain", "problem", "demand", "need", "purpose", "goal", "order"]
    item_fields = [
        "service_content", "priority", "period", "start_date", "end_date", "times_per_week",
        "provider_name", "person_in_charge", "monitoring_method",
    ]  # fmt: skip
    return [
        {
            **{f: getattr(goal, f) for f in goal_fields},
            "items": [{f: getattr(item, f) for f in item_fields} for item in goal.items.all()],
        }
        for goal in plan.goals.prefetch_related("items")
    ]


def _write_goals(plan, goals):
    for order, goal_data in enumerate(goals, start=1):
        goal_data = dict(goal_data)
        items = goal_data.pop("items", [])
        goal_data.setdefault("order", order)
        goal = PlanGoal(plan=plan, **goal_data)
        goal.full_clean()
        goal.save()
        for item_data in items:
            item = PlanItem(plan=plan, goal=goal, **item_data)
            item.full_clean()
            item.save()


def update_plan(*, plan, by, expected_version, goals=None, **data) -> ServicePlan:
    ensure_can_edit(by, plan.case)
    if plan.is_signed:
        raise ApplicationError(PLAN_SIGNED_FROZEN)
    with transaction.atomic():
        for field, value in data.items():
            setattr(plan, field, value)
        save_versioned(plan, by=by, expected_version=expected_version)
        if goals is not None:
            plan.items.all().delete()
            plan.goals.all().delete()
            _write_goals(plan, goals)
    return plan


@transaction.atomic
def add_plan_item(*, plan, goal, by, **data) -> PlanItem:
    ensure_can_edit(by, plan.case)
    if plan.is_signed:
        raise ApplicationError(PLAN_SIGNED_FROZEN)
    item = PlanItem(plan=plan, goal=goal, **data)
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def sign_plan(*, plan, by, method, signed_on=None) -> ServicePlan:
    """Record the client's signature. From now on the version is frozen."""
    ensure_can_edit(by, plan.case)
    if plan.is_signed:
        raise ApplicationError(PLAN_SIGNED_FROZEN)
    if not plan.items.exists():
        raise ApplicationError(PLAN_NEEDS_ITEMS)
    plan.signed_on = signed_on or timezone.localdate()
    plan.signature_method = method
    plan.signed_recorded_by = by
    plan.updated_by = by
    plan.version += 1
    plan.full_clean()
    plan.save()
    return plan


# --- intervention, monitoring, evaluation --------------------------------------------------------------------
def _record(model, *, case, by, **data):
    ensure_can_edit(by, case)
    row = model(case=case, created_by=by, updated_by=by, **data)
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def record_intervention(*, case, by, **data) -> Intervention:
    return _record(Intervention, case=case, by=by, **data)


@transaction.atomic
def record_monitoring(*, case, by, **data) -> Monitoring:
    """A monitoring record; its status, if given, becomes the plan item's ⑬."""
    monitoring = _record(Monitoring, case=case, by=by, **data)
    if monitoring.plan_item_id and monitoring.item_status:
        PlanItem.objects.filter(pk=monitoring.plan_item_id).update(status=monitoring.item_status)
    return monitoring


@transaction.atomic
def record_evaluation(*, case, by, goal_results=(), **data) -> Evaluation:
    """``goal_results``: dicts with goal, result, evidence."""
    evaluation = _record(Evaluation, case=case, by=by, cycle=case.cycle, **data)
    for result in goal_results:
        row = EvaluationGoal(evaluation=evaluation, **result)
        row.full_clean()
        row.save()
    return evaluation


# --- closure and follow-up ------------------------------------------------------------------------------------
@transaction.atomic
def propose_closure(*, case, by, **data) -> Closure:
    return _record(Closure, case=case, by=by, cycle=case.cycle, **data)


@transaction.atomic
def approve_closure(*, case, by) -> Closure:
    _ensure_supervisor(by, case)
    closure = case.closures.filter(cycle=case.cycle).order_by("-id").first()
    if closure is None:
        raise ApplicationError(CLOSURE_NOT_PROPOSED)
    closure.approved_by = by
    closure.approved_on = timezone.localdate()
    closure.updated_by = by
    closure.version += 1
    closure.save()
    return closure


@transaction.atomic
def record_follow_up(*, case, by, **data) -> FollowUpCheck:
    return _record(FollowUpCheck, case=case, by=by, **data)
