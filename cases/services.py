"""Every write with a business rule. Keyword-only, atomic, acting user named, ending in
full_clean(); save(). Errors are ApplicationError with the Korean text officers read."""

import dataclasses
import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import TransitionNotAllowed
from simple_history.utils import bulk_create_with_history

from casemgmt.core.access import SCOPE_OWN_DONG, SCOPE_WHOLE_GU, can_create_in_dong, ensure_can_edit
from casemgmt.core.exceptions import ApplicationError
from casemgmt.core.korean import korean_date, with_particle
from casemgmt.core.models import Dong
from casemgmt.core.versioning import save_versioned

from . import alerts, goal_checks, schedule
from .models import (
    AlertKind,
    Assessment,
    AssessmentNeed,
    Case,
    CaseOwnership,
    CaseStageChange,
    CaseType,
    Client,
    Closure,
    Consent,
    ConsentMethod,
    DeadlinePolicy,
    DiscoveryEntry,
    DiscoveryResult,
    Disposition,
    Evaluation,
    EvaluationGoal,
    FollowUpCheck,
    GuInvolvement,
    HouseholdMember,
    Intake,
    Intervention,
    Monitoring,
    MonitoringMethod,
    OwnershipChange,
    PlanGoal,
    PlanItem,
    SelectionDecision,
    ServicePlan,
    Stage,
)
from .models.case import GUARDS, latest_assessment, latest_plan, plan_approval_required
from .models.intake import IntakeRoute, InvestigationMethod
from .special_consent import check_client_values

CLIENT_FIELDS = [
    "name",
    "birth_date",
    "sex",
    "resident_number",
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
ASSESSMENT_NEEDS_FUNCTION = _("Write the functional assessment before completing the assessment.")
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
WITHDRAWN_BEFORE_GIVEN = _("A consent cannot be withdrawn before the day it was given (%(date)s).")
CLOSURE_NOT_PROPOSED = _("There is no closure proposal to approve.")
INTAKE_HAS_CASE = _("This intake already opened a case.")
HANDOVER_ONLY_SPECIALISED = _(
    "Only a specialised case can be shared with or transferred to the gu team."
)
HANDOVER_NEEDS_GU_OFFICER = _("Choose an officer of the gu's integrated case-management team.")
HANDOVER_NOTHING_TO_RETURN = _("This case is not with the gu team.")
HANDOVER_CASE_ENDED = _("This case has ended.")
TEAM_NOT_OF_DONG = _("Choose officers of the case's own dong.")
NOT_IN_REGISTRY = _("Choose a resource or provider from your gu's registry.")
DISCOVERY_NEEDS_RESULT = _("Choose the result of the investigation.")
DISCOVERY_INTAKE_VIA_BUTTON = _("To take the household to intake, use the intake button.")
DISCOVERY_ALREADY_CLOSED = _("This entry is already closed.")
DISCOVERY_DATE_REQUIRED = _("Enter the date and the method of the investigation.")


# --- alerts to the case manager ---------------------------------------------------------------------
ALERT_MOVED = _("%(by)s moved the case to %(stage)s.")
ALERT_RECORD = _("%(by)s added a record: %(record)s.")
ALERT_SELECTED = _("%(by)s decided the selection: selected (%(type)s).")
ALERT_NOT_SELECTED = _("%(by)s decided the selection: not selected.")
ALERT_CLOSURE_APPROVED = _("%(by)s approved the closure.")
ALERT_PLAN_APPROVED = _("%(by)s approved the service plan (v%(number)s).")
ALERT_CLASSIFIED = _("%(by)s classified the case: %(type)s.")
ALERT_NEW_MANAGER = _("%(by)s made you the case manager of this case.")
ALERT_GU_HANDOVER = _("%(by)s: %(change)s (gu case manager %(gu_manager)s).")
ALERT_RETURNED = _("%(by)s returned the case to the dong team.")


def _record_alert(row, by):
    alerts.notify(
        case=row.case, by=by, kind=AlertKind.RECORD,
        message=ALERT_RECORD % {"by": by, "record": with_particle(row._meta.verbose_name, "을/를")},
    )  # fmt: skip


# --- clients ---------------------------------------------------------------------------------------
@transaction.atomic
def create_client(*, by, **data) -> Client:
    if not can_create_in_dong(by, Client):
        raise ApplicationError(NO_DONG_TO_REGISTER)
    client = Client(dong_id=by.dong_id, created_by=by, updated_by=by)
    for field in CLIENT_FIELDS:
        if field in data:
            setattr(client, field, data[field])
    # A new client has no consent yet: no resident number, no health notes (special_consent).
    check_client_values(
        client, resident_number=client.resident_number, health_notes=client.health_notes
    )
    client.full_clean()
    client.save()
    return client


def update_client(*, client, by, expected_version, **data) -> Client:
    ensure_can_edit(by, client)
    before = {"resident_number": client.resident_number, "health_notes": client.health_notes}
    check_client_values(
        client, before=before,
        resident_number=data.get("resident_number", before["resident_number"]),
        health_notes=data.get("health_notes", before["health_notes"]),
    )  # fmt: skip
    for field in CLIENT_FIELDS:
        if field in data:
            setattr(client, field, data[field])
    return save_versioned(client, by=by, expected_version=expected_version)


CLIENT_HAS_OPEN_CASE = _(
    "The client has an open case: close or end it before archiving the client."
)
CLIENT_NOT_ARCHIVED = _("This client is not archived.")


@transaction.atomic
def archive_client(*, client, by) -> Client:
    """No hard delete: an archived client leaves the lists, keeps every record, and can come back."""
    ensure_can_edit(by, client)
    if client.cases.filter(stage__in=Stage.open_stages()).exists():
        raise ApplicationError(CLIENT_HAS_OPEN_CASE)
    return _save_client_archived(client, by=by, archived_at=timezone.now())


def _save_client_archived(client, *, by, archived_at):
    """Archive or restore through save(), so the change history keeps who and when."""
    client = Client.objects.select_for_update().get(pk=client.pk)
    client.archived_at = archived_at
    client.updated_by = by
    client.version += 1
    client.save(update_fields=["archived_at", "updated_by", "version", "updated_at"])
    return client


@transaction.atomic
def restore_client(*, client, by) -> Client:
    ensure_can_edit(by, client)
    if client.archived_at is None:
        raise ApplicationError(CLIENT_NOT_ARCHIVED)
    return _save_client_archived(client, by=by, archived_at=None)


# --- intake and opening a case ----------------------------------------------------------------------
@transaction.atomic
def record_intake(
    *, client, by, primary_manager=None, discovery=None, investigation_method="", **data
) -> Intake:
    """Record initial counselling. Disposition ③ opens a case; ①, ② and ④ end here.

    Discovery closes itself: the entry the intake started from, and any other entry of this
    client still waiting in the queue (selectors.open_discovery_for_client), is closed as taken
    to intake with the way the officer actually met the person (``investigation_method``; when
    not given, the intake's route says it: a walk-in was met at the centre, else a home visit).
    """
    from .selectors import open_discovery_for_client

    ensure_can_edit(by, client)
    if discovery is not None:
        ensure_can_edit(by, discovery)
        if discovery.result != DiscoveryResult.PENDING:
            raise ApplicationError(DISCOVERY_ALREADY_CLOSED)
    pending = [discovery] if discovery is not None else []
    pending += [
        e
        for e in open_discovery_for_client(client=client, user=by).select_for_update()
        if discovery is None or e.pk != discovery.pk
    ]
    intake = Intake(
        client=client, counselled_by=by, created_by=by, updated_by=by,
        discovery=pending[0] if pending else None, **data,
    )  # fmt: skip
    intake.full_clean()
    intake.save()
    method = investigation_method or (
        InvestigationMethod.OFFICE
        if intake.route == IntakeRoute.WALK_IN
        else InvestigationMethod.VISIT
    )
    for entry in pending:
        entry.result = DiscoveryResult.TO_INTAKE
        entry.investigated_on = entry.investigated_on or intake.intake_date
        entry.investigation_method = entry.investigation_method or method
        entry.updated_by = by
        entry.version += 1
        entry.full_clean()
        entry.save()
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
    schedule.refresh(case)
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
    move = next((m for m in case.moves(every=True) if m["name"] == transition), None)
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
    schedule.refresh(case)
    alerts.notify(
        case=case, by=by, kind=AlertKind.RECORD,
        message=ALERT_MOVED % {"by": by, "stage": case.get_stage_display()},
    )  # fmt: skip
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
        bulk_create_with_history(
            [
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
            ],
            AssessmentNeed,
            default_user=by,
        )
    return assessment


def update_assessment(*, assessment, by, expected_version, needs=None, **data) -> Assessment:
    """Change an assessment in progress. ``needs``: list of dicts, the needs as they now stand.

    Needs are matched by their domain (one per domain) and changed in place; a need left out is
    deleted. Each save and deletion leaves its row in the change history (old and new values).
    """
    ensure_can_edit(by, assessment.case)
    if assessment.is_complete:
        raise ApplicationError(ASSESSMENT_COMPLETE_FROZEN)
    with transaction.atomic():
        for field, value in data.items():
            setattr(assessment, field, value)
        save_versioned(assessment, by=by, expected_version=expected_version)
        if needs is not None:
            _update_needs(assessment, needs)
    return assessment


def _update_needs(assessment, needs):
    # Not ``assessment.needs``: a page may have prefetched them, and they are about to change.
    existing = {need.domain: need for need in AssessmentNeed.objects.filter(assessment=assessment)}
    wanted = {need["domain"] for need in needs}
    for domain, row in existing.items():
        if domain not in wanted:
            row.delete()  # the history keeps its values
    for data in needs:
        row = existing.get(data["domain"]) or AssessmentNeed(assessment=assessment)
        if row.pk and all(getattr(row, field) == value for field, value in data.items()):
            continue  # unchanged: no history row
        for field, value in data.items():
            setattr(row, field, value)
        row.full_clean()
        row.save()


@transaction.atomic
def complete_assessment(*, assessment, by) -> Assessment:
    ensure_can_edit(by, assessment.case)
    if assessment.is_complete:
        raise ApplicationError(ASSESSMENT_COMPLETE_FROZEN)
    if not assessment.functional_assessment.strip():
        raise ApplicationError(ASSESSMENT_NEEDS_FUNCTION)
    if not AssessmentNeed.objects.filter(assessment=assessment).exists():  # not a prefetched list
        raise ApplicationError(ASSESSMENT_NEEDS_NEED)
    if not assessment.risk_level:
        raise ApplicationError(ASSESSMENT_NEEDS_RISK)
    assessment.completed_on = timezone.localdate()
    assessment.updated_by = by
    assessment.version += 1
    assessment.save()
    schedule.refresh(assessment.case)
    _record_alert(assessment, by)
    return assessment


# --- selection and consent -----------------------------------------------------------------------------
def is_team_leader(user) -> bool:
    """A dong's welfare team leader (복지팀장): supervises the cases of their own dong."""
    return bool(
        user.is_authenticated
        and user.dong_id
        and user.has_perm("core.supervise_dong")
        and user.has_perm(SCOPE_OWN_DONG)
    )


def is_dong_leader(by, case):
    return is_team_leader(by) and by.dong_id == case.dong_id


def is_gu_team(by, case):
    return by.has_perm(SCOPE_WHOLE_GU) and by.gu_id is not None and by.gu_id == case.dong.gu_id


def _ensure_supervisor(by, case):
    """Decisions are the dong team leader's, or the gu team's for a case transferred to it."""
    ensure_can_edit(by, case)
    if not (
        is_dong_leader(by, case)
        or (case.gu_involvement == GuInvolvement.TRANSFERRED and is_gu_team(by, case))
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
    schedule.refresh(case)
    message = (
        ALERT_SELECTED % {"by": by, "type": decision.get_case_type_display()}
        if selected
        else ALERT_NOT_SELECTED % {"by": by}
    )
    alerts.notify(case=case, by=by, kind=AlertKind.DECISION, message=message)
    return decision


@transaction.atomic
def record_consent(*, case, by, providers=(), **data) -> Consent:
    """The client's consent. ``providers``: registered providers sharing is allowed with."""
    from resources.models import Provider

    ensure_can_edit(by, case)
    providers = list(providers)
    visible = set(
        Provider.objects.for_user(by)
        .filter(pk__in=[p.pk for p in providers])
        .values_list("pk", flat=True)
    )
    if any(p.pk not in visible for p in providers):
        raise ApplicationError(NOT_IN_REGISTRY)
    consent = Consent(case=case, created_by=by, updated_by=by, **data)
    consent.full_clean()
    consent.save()
    consent.providers.set(providers)
    schedule.refresh(case)
    _record_alert(consent, by)
    return consent


@transaction.atomic
def withdraw_consent(*, consent, by, withdrawn_on=None, note="") -> Consent:
    """A dated withdrawal: from that day nothing more is shared."""
    ensure_can_edit(by, consent.case)
    if consent.withdrawn_on is not None:
        raise ApplicationError(CONSENT_ALREADY_WITHDRAWN)
    withdrawn_on = withdrawn_on or timezone.localdate()
    if withdrawn_on < consent.valid_from:
        raise ApplicationError(WITHDRAWN_BEFORE_GIVEN % {"date": korean_date(consent.valid_from)})
    consent.withdrawn_on = withdrawn_on
    consent.withdrawal_note = note
    consent.updated_by = by
    consent.version += 1
    consent.full_clean()
    consent.save()
    schedule.refresh(consent.case)
    _record_alert(consent, by)
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
    goal_fields = [
        "domain", "goal_type", "term", "problem", "demand", "need", "purpose", "goal", "order",
        "acknowledged_hints", "hints_acknowledged_by", "hints_acknowledged_at",
    ]  # fmt: skip
    item_fields = [
        "service_content", "priority", "period", "start_date", "end_date", "times_per_week",
        "resource", "provider", "provider_name", "person_in_charge", "by_case_manager",
        "monitoring_method",
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
            item = PlanItem(plan=plan, goal=goal, **_direct_service(plan, dict(item_data)))
            item.full_clean()
            item.save()


def update_plan(*, plan, by, expected_version, **data) -> ServicePlan:
    """Change an unsigned plan's own fields. Its goals and items are added one by one
    (``add_plan_goal``, ``add_plan_item``) and never deleted: nothing typed is lost."""
    ensure_can_edit(by, plan.case)
    if plan.is_signed:
        raise ApplicationError(PLAN_SIGNED_FROZEN)
    with transaction.atomic():
        for field, value in data.items():
            setattr(plan, field, value)
        save_versioned(plan, by=by, expected_version=expected_version)
    return plan


@transaction.atomic
def add_plan_goal(*, plan, by, acknowledged_hints=(), **data) -> PlanGoal:
    """``acknowledged_hints``: the codes of the goal checks' hints (cases.goal_checks) the
    officer saw and chose to keep the goal despite; recorded with who and when."""
    ensure_can_edit(by, plan.case)
    if plan.is_signed:
        raise ApplicationError(PLAN_SIGNED_FROZEN)
    kept = [code for code in goal_checks.CODES if code in set(acknowledged_hints)]
    goal = PlanGoal(
        plan=plan,
        order=plan.goals.count() + 1,
        acknowledged_hints=kept,
        hints_acknowledged_by=by if kept else None,
        hints_acknowledged_at=timezone.now() if kept else None,
        **data,
    )
    goal.full_clean()
    goal.save()
    return goal


#: ⑩ as printed for a service the case manager gives herself (counselling, accompanying).
DIRECT_PROVIDER_NAME = _("provided by the case manager")
DIRECT_WITH_PROVIDER = _(
    "A service the case manager gives herself has no resource or provider: clear them, or "
    "untick the box."
)


@transaction.atomic
def add_plan_item(*, plan, goal, by, **data) -> PlanItem:
    """A service item of the plan. ``by_case_manager``: the case manager gives it herself (no
    provider; ⑩ printed as such, ⑪ her name unless another is written)."""
    ensure_can_edit(by, plan.case)
    if goal.plan_id != plan.pk:
        raise ApplicationError(MOVE_UNKNOWN)
    _ensure_registry_visible(by, resource=data.get("resource"), provider=data.get("provider"))
    if plan.is_signed:
        raise ApplicationError(PLAN_SIGNED_FROZEN)
    item = PlanItem(plan=plan, goal=goal, **_direct_service(plan, data))
    item.full_clean()
    item.save()
    return item


def _direct_service(plan, data):
    """A service the case manager gives herself: no provider; ⑩ printed as such and ⑪ her name
    unless another is written."""
    if not data.get("by_case_manager"):
        return data
    if data.get("resource") is not None or data.get("provider") is not None:
        raise ApplicationError(DIRECT_WITH_PROVIDER)
    data["provider_name"] = str(DIRECT_PROVIDER_NAME)
    data["person_in_charge"] = data.get("person_in_charge") or plan.case.primary_manager.name
    return data


def _ensure_registry_visible(by, *, resource=None, provider=None):
    from resources.models import Provider, Resource

    if resource is not None and not Resource.objects.for_user(by).filter(pk=resource.pk).exists():
        raise ApplicationError(NOT_IN_REGISTRY)
    if provider is not None and not Provider.objects.for_user(by).filter(pk=provider.pk).exists():
        raise ApplicationError(NOT_IN_REGISTRY)


@transaction.atomic
def sign_plan(
    *, plan, by, method, signed_on=None, signature_png=None, manager_signature_png=None,
    manager_signed=False, client_signer="",
) -> ServicePlan:  # fmt: skip
    """Record both signatures, ⑭ the client's (or a guardian's: ``client_signer``) and ⑮ the
    case manager's (``by``). Only then is the version frozen.

    On screen both are drawn (``signature_png``, ``manager_signature_png``); on paper the
    officer confirms that both signed the printed copy (``manager_signed``). The plan is printed
    as signed and the PDF, showing both, is kept with its SHA-256, the time and the officer who
    witnessed it, in the same transaction: re-printing returns those bytes.
    """
    ensure_can_edit(by, plan.case)
    if method == ConsentMethod.ON_SCREEN:
        if not signature_png or not manager_signature_png:
            raise ApplicationError(PLAN_NEEDS_BOTH_SIGNATURES)
        _check_signature_png(signature_png)
        _check_signature_png(manager_signature_png)
    elif not manager_signed:
        raise ApplicationError(PLAN_NEEDS_MANAGER_SIGNATURE)
    if plan.is_signed or ServicePlan.objects.select_for_update().get(pk=plan.pk).is_signed:
        raise ApplicationError(PLAN_SIGNED_FROZEN)
    if not plan.items.exists():
        raise ApplicationError(PLAN_NEEDS_ITEMS)
    if plan.approved_on is None and plan_approval_required(plan.case):
        raise ApplicationError(PLAN_NEEDS_APPROVAL)
    plan.signed_on = signed_on or timezone.localdate()
    plan.signature_method = method
    plan.signed_recorded_by = by
    plan.manager_signed_by = by
    plan.client_signer = client_signer.strip()
    plan.updated_by = by
    plan.version += 1
    plan.full_clean()
    plan.save()
    _store_signed_document(
        plan=plan, by=by, method=method, signature_png=signature_png,
        manager_signature_png=manager_signature_png,
    )  # fmt: skip
    schedule.refresh(plan.case)
    _record_alert(plan, by)
    return plan


PLAN_NEEDS_BOTH_SIGNATURES = _(
    "Both signatures are needed on screen: the client's (or the guardian's) and the case "
    "manager's (⑮)."
)
PLAN_NEEDS_MANAGER_SIGNATURE = _(
    "The plan is complete only with the case manager's signature (⑮) beside the client's: "
    "confirm that you signed the paper copy too."
)
PLAN_NEEDS_APPROVAL = _(
    "The gu requires the supervisor's approval before the client signs: ask for the approval "
    "first (on the plan page or in a case conference)."
)
SIGNATURE_NOT_PNG = _("The signature could not be read: draw it again.")
SIGNATURE_MAX_BYTES = 512 * 1024
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


SIGNATURE_MAX_PIXELS = (2000, 1000)  # the pad is a 600 x 200 canvas (sign_on_screen.html)


def _check_signature_png(data):
    """A PNG (by its signature and its IHDR header), at most SIGNATURE_MAX_BYTES and
    SIGNATURE_MAX_PIXELS: anything else is refused before a PDF is made or a row saved."""
    if not data or len(data) > SIGNATURE_MAX_BYTES or not data.startswith(PNG_MAGIC):
        raise ApplicationError(SIGNATURE_NOT_PNG)
    header = data[len(PNG_MAGIC) : len(PNG_MAGIC) + 16]
    if len(header) < 16 or header[4:8] != b"IHDR":
        raise ApplicationError(SIGNATURE_NOT_PNG)
    width, height = int.from_bytes(header[8:12], "big"), int.from_bytes(header[12:16], "big")
    if not (0 < width <= SIGNATURE_MAX_PIXELS[0] and 0 < height <= SIGNATURE_MAX_PIXELS[1]):
        raise ApplicationError(SIGNATURE_NOT_PNG)


CONSENT_SIGNED_FROZEN = _("The client has already signed this consent form.")
SEPARATE_SIGNATURE_NEEDED = _(
    "Each separate consent (health information, the resident registration number) needs its "
    "own signature."
)


@transaction.atomic
def sign_consent(
    *, consent, by, signature_png, method=ConsentMethod.ON_SCREEN,
    sensitive_signature_png=None, identifier_signature_png=None,
):  # fmt: skip
    """The client signs the printed consent form on screen: the form is kept as signed (PDF, its
    SHA-256, the time and the witness). The consent record itself does not change. Each
    separate consent given (sensitive data, the resident number) is signed in its own box."""
    from .models import SignedDocument

    ensure_can_edit(by, consent.case)
    _check_signature_png(signature_png)
    for given, png in (
        (consent.sensitive_consent, sensitive_signature_png),
        (consent.identifier_consent, identifier_signature_png),
    ):
        if given:
            if not png:
                raise ApplicationError(SEPARATE_SIGNATURE_NEEDED)
            _check_signature_png(png)
    if consent.withdrawn_on is not None:
        raise ApplicationError(CONSENT_ALREADY_WITHDRAWN)
    Consent.objects.select_for_update().filter(pk=consent.pk).first()
    if SignedDocument.objects.filter(consent=consent).exists():
        raise ApplicationError(CONSENT_SIGNED_FROZEN)
    return _store_signed_document(
        consent=consent, by=by, method=method, signature_png=signature_png,
        sensitive_signature_png=sensitive_signature_png if consent.sensitive_consent else None,
        identifier_signature_png=identifier_signature_png if consent.identifier_consent else None,
    )  # fmt: skip


def _store_signed_document(
    *, by, method, signature_png, plan=None, consent=None, manager_signature_png=None,
    sensitive_signature_png=None, identifier_signature_png=None,
):  # fmt: skip
    """Render the signed form (plan or consent) once and keep its bytes and SHA-256: re-printing
    a signed form gives exactly this file."""
    from casemgmt.core.pdf import sha256

    from . import pdf
    from .models import DocumentKind, SignedDocument

    signed_at = timezone.now()
    note = pdf.signature_note(method=method, by=by, signed_at=timezone.localtime(signed_at))
    if plan is not None:
        kind, template, case = DocumentKind.PLAN, pdf.PLAN_TEMPLATE, plan.case
        context = pdf.plan_context(
            plan=plan, signature_png=signature_png, signature_note=note,
            manager_signature_png=manager_signature_png,
        )  # fmt: skip
    else:
        kind, template, case = DocumentKind.CONSENT, pdf.CONSENT_TEMPLATE, consent.case
        context = pdf.consent_context(
            consent=consent, signature_png=signature_png, signature_note=note,
            sensitive_signature_png=sensitive_signature_png,
            identifier_signature_png=identifier_signature_png,
        )  # fmt: skip
    data = pdf.render(template, context)
    document = SignedDocument(
        case=case, kind=kind, plan=plan, consent=consent, pdf=data, sha256=sha256(data), signed_at=signed_at,
        witnessed_by=by, method=method, signature_image=signature_png,
        manager_signature_image=manager_signature_png,
        sensitive_signature_image=sensitive_signature_png,
        identifier_signature_image=identifier_signature_png,
    )  # fmt: skip
    document.full_clean()
    document.save()
    return document


# --- intervention, monitoring, evaluation --------------------------------------------------------------------
def _record(model, *, case, by, **data):
    ensure_can_edit(by, case)
    row = model(case=case, created_by=by, updated_by=by, **data)
    row.full_clean()
    row.save()
    _record_alert(row, by)
    return row


@transaction.atomic
def record_intervention(*, case, by, **data) -> Intervention:
    intervention = _record(Intervention, case=case, by=by, **data)
    schedule.refresh(case)
    return intervention


@transaction.atomic
def record_monitoring(*, case, by, **data) -> Monitoring:
    """A monitoring record; its status, if given, becomes the plan item's ⑬."""
    monitoring = _record(Monitoring, case=case, by=by, **data)
    if monitoring.plan_item_id and monitoring.item_status:
        item = PlanItem.objects.select_for_update().get(pk=monitoring.plan_item_id)
        item.status = monitoring.item_status
        item.save(update_fields=["status"])
    schedule.refresh(case)
    return monitoring


MONITORING_NOT_AWAITING = _("This entry is not a partner agency's report waiting to be confirmed.")


@transaction.atomic
def record_provider_monitoring(*, case, plan_item, provider, by, **data) -> Monitoring:
    """A partner agency's report as a monitoring entry "through the provider", waiting for the
    case manager's confirmation. The caller has checked the agency may report on this referral
    (resources.partner_services); the agency cannot change the case itself."""
    monitoring = Monitoring(
        case=case,
        plan_item=plan_item,
        method=MonitoringMethod.PROVIDER,
        reported_by_provider=provider,
        created_by=by,
        updated_by=by,
        **data,
    )
    monitoring.full_clean()
    monitoring.save()
    schedule.refresh(case)
    return monitoring


@transaction.atomic
def confirm_provider_monitoring(*, monitoring, by) -> Monitoring:
    """The case manager (or a colleague who may change the case) confirms an agency's report."""
    ensure_can_edit(by, monitoring.case)
    locked = Monitoring.objects.select_for_update().get(pk=monitoring.pk)
    if not locked.awaiting_confirmation:
        raise ApplicationError(MONITORING_NOT_AWAITING)
    locked.confirmed_by = by
    locked.confirmed_at = timezone.now()
    locked.updated_by = by
    locked.version += 1
    locked.full_clean()
    locked.save()
    return locked


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
    closure = _record(Closure, case=case, by=by, cycle=case.cycle, **data)
    schedule.refresh(case)
    return closure


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
    alerts.notify(
        case=case, by=by, kind=AlertKind.DECISION, message=ALERT_CLOSURE_APPROVED % {"by": by}
    )
    return closure


@transaction.atomic
def record_follow_up(*, case, by, **data) -> FollowUpCheck:
    check = _record(FollowUpCheck, case=case, by=by, **data)
    schedule.refresh(case)
    return check


# --- household members ------------------------------------------------------------------------------------
HOUSEHOLD_FIELDS = [
    "name",
    "relation",
    "birth_date",
    "sex",
    "phone",
    "lives_together",
    "health_notes",
]


@transaction.atomic
def add_household_member(*, client, by, **data) -> HouseholdMember:
    ensure_can_edit(by, client)
    check_client_values(client, resident_number="", health_notes=data.get("health_notes", ""))
    member = HouseholdMember(client=client, created_by=by, updated_by=by, **data)
    member.full_clean()
    member.save()
    return member


def update_household_member(*, member, by, expected_version, **data) -> HouseholdMember:
    ensure_can_edit(by, member.client)
    check_client_values(
        member.client, resident_number="", before={"health_notes": member.health_notes},
        health_notes=data.get("health_notes", member.health_notes),
    )  # fmt: skip
    for field in HOUSEHOLD_FIELDS:
        if field in data:
            setattr(member, field, data[field])
    return save_versioned(member, by=by, expected_version=expected_version)


# --- discovery queue ---------------------------------------------------------------------------------------


@transaction.atomic
def add_discovery_entry(*, by, **data) -> DiscoveryEntry:
    if not can_create_in_dong(by, DiscoveryEntry):
        raise ApplicationError(NO_DONG_TO_REGISTER)
    entry = DiscoveryEntry(dong_id=by.dong_id, created_by=by, updated_by=by, **data)
    entry.full_clean()
    entry.save()
    return entry


def record_investigation(
    *, entry, by, expected_version, result, investigated_on, investigation_method, result_note=""
):
    """Close an entry with what the visit or call found (not taken to intake)."""
    ensure_can_edit(by, entry)
    # The stored row decides, not ``entry``: a bound form has already copied the new values onto it.
    if DiscoveryEntry.objects.get(pk=entry.pk).result != DiscoveryResult.PENDING:
        raise ApplicationError(DISCOVERY_ALREADY_CLOSED)
    if result == DiscoveryResult.TO_INTAKE:
        raise ApplicationError(DISCOVERY_INTAKE_VIA_BUTTON)
    if result == DiscoveryResult.PENDING:
        raise ApplicationError(DISCOVERY_NEEDS_RESULT)
    if not (investigated_on and investigation_method):
        raise ApplicationError(DISCOVERY_DATE_REQUIRED)
    entry.result = result
    entry.investigated_on = investigated_on
    entry.investigation_method = investigation_method
    entry.result_note = result_note
    return save_versioned(entry, by=by, expected_version=expected_version)


# Column headers of a discovery list as the national system and the 통장 reports name them.
DISCOVERY_COLUMNS = {
    "성명": "name", "이름": "name", "대상자명": "name",
    "생년월일": "birth_date",
    "연락처": "phone", "전화번호": "phone", "휴대전화": "phone",
    "주소": "address", "거주지": "address",
    "위기 내용": "risk_summary", "위기내용": "risk_summary", "위기 사유": "risk_summary", "발굴 사유": "risk_summary",
}  # fmt: skip
DISCOVERY_REQUIRED = ["name", "address"]
ROW_MISSING = _("“%(column)s” is empty.")
ROW_BAD_DATE = _("%(value)s is not a date: write it as 1956-03-02.")
ROW_DUPLICATE = _("The same person appears on row %(row)s.")
SHEET_NO_COLUMN = _("No “%(column)s” column was found in the header row.")
SHEET_EMPTY = _("The sheet holds no rows to import.")
SHEET_TOO_LONG = _("A sheet may hold at most %(max)s rows. Split the file.")


@dataclasses.dataclass
class DiscoveryImport:
    """The row-by-row report of an import: every refused row, or the entries created."""

    problems: list = dataclasses.field(default_factory=list)  # (row, column, message)
    created: list = dataclasses.field(default_factory=list)
    batch: str = ""

    @property
    def saved(self):
        return bool(self.created) and not self.problems


def _parse_date(text):
    text = text.strip()
    for pattern in ("%Y-%m-%d", "%Y.%m.%d", "%Y. %m. %d", "%Y. %m. %d.", "%Y%m%d", "%Y/%m/%d"):
        try:
            return datetime.datetime.strptime(text, pattern).date()  # noqa: DTZ007 -- a date, no time
        except ValueError:
            continue
    raise ValueError(text)


def import_discovery_list(
    *, by, file, source, source_detail, received_on, due_on
) -> DiscoveryImport:
    """One round of a discovery list into the queue of the officer's dong: all rows, or none."""
    from casemgmt.core.xlsx import MAX_ROWS, read_sheets

    if not can_create_in_dong(by, DiscoveryEntry):
        raise ApplicationError(NO_DONG_TO_REGISTER)
    report = DiscoveryImport(batch=f"{timezone.localtime():%Y%m%d%H%M%S}-{by.pk}")
    sheet = read_sheets(file)[0] if file else None
    headers = {DISCOVERY_COLUMNS[h]: h for h in sheet.headers if h in DISCOVERY_COLUMNS}
    for required, label in (("name", "성명"), ("address", "주소")):
        if required not in headers:
            report.problems.append((1, label, SHEET_NO_COLUMN % {"column": label}))
    if sheet.truncated:
        report.problems.append((None, "", SHEET_TOO_LONG % {"max": MAX_ROWS}))
    elif not sheet.rows:
        report.problems.append((None, "", SHEET_EMPTY))
    if report.problems:
        return report
    entries, seen = [], {}
    for number, cells in sheet.rows:
        data = {field: cells.get(header, "") for field, header in headers.items()}
        for field in DISCOVERY_REQUIRED:
            if not data.get(field):
                report.problems.append(
                    (number, headers[field], ROW_MISSING % {"column": headers[field]})
                )
        birth = None
        if data.get("birth_date"):
            try:
                birth = _parse_date(data["birth_date"])
            except ValueError:
                report.problems.append(
                    (
                        number,
                        headers["birth_date"],
                        ROW_BAD_DATE % {"value": with_particle(f"“{data['birth_date']}”", "은/는")},
                    )
                )
        key = (data.get("name"), birth, data.get("address"))
        if key in seen:
            report.problems.append((number, headers["name"], ROW_DUPLICATE % {"row": seen[key]}))
        seen.setdefault(key, number)
        entries.append(
            DiscoveryEntry(
                dong_id=by.dong_id, source=source, source_detail=source_detail, name=data.get("name", "")[:50],
                birth_date=birth, phone=data.get("phone", "")[:20], address=data.get("address", "")[:200],
                risk_summary=data.get("risk_summary", ""), received_on=received_on, due_on=due_on,
                import_batch=report.batch, created_by=by, updated_by=by,
            )
        )  # fmt: skip
    if report.problems:
        return report
    with transaction.atomic():
        for entry in entries:
            entry.full_clean()
            entry.save()
    report.created = entries
    return report


# --- who holds the case: its case manager, and the gu team --------------------------------------------------
def handover_refusal(by, case):
    """Why ``by`` may not share or transfer this case to the gu team (None: they may). The page
    says it before the form is filled in; the service refuses with the same sentence."""
    if not is_dong_leader(by, case):
        return ONLY_SUPERVISOR
    if case.stage in (Stage.ENDED, Stage.NOT_SELECTED):
        return HANDOVER_CASE_ENDED
    if case.case_type != CaseType.SPECIALISED:
        return HANDOVER_ONLY_SPECIALISED
    return None


@transaction.atomic
def hand_over_to_gu(*, case, by, mode, gu_manager, note="") -> Case:
    """The dong's team leader shares a specialised case with the gu team, or transfers it.

    Shared: both teams work on it. Transferred: the gu team works on it, the dong team reads it.
    """
    ensure_can_edit(by, case)
    refusal = handover_refusal(by, case)
    if refusal:
        raise ApplicationError(refusal)
    if mode not in (GuInvolvement.SHARED, GuInvolvement.TRANSFERRED):
        raise ApplicationError(MOVE_UNKNOWN)
    if gu_manager is None or not (gu_manager.is_active and is_gu_team(gu_manager, case)):
        raise ApplicationError(HANDOVER_NEEDS_GU_OFFICER)
    locked = Case.objects.select_for_update().get(pk=case.pk)
    locked.gu_involvement, locked.gu_manager = mode, gu_manager
    locked.updated_by, locked.version = by, locked.version + 1
    locked.save(
        update_fields=["gu_involvement", "gu_manager", "updated_by", "version", "updated_at"]
    )
    kind = OwnershipChange.SHARE if mode == GuInvolvement.SHARED else OwnershipChange.TRANSFER
    CaseOwnership.objects.create(
        case=case, kind=kind, from_user=case.primary_manager, to_user=gu_manager, by=by, note=note
    )
    alerts.notify(
        case=case, by=by, kind=AlertKind.HANDOVER,
        message=ALERT_GU_HANDOVER % {
            "by": by, "change": OwnershipChange(kind).label, "gu_manager": gu_manager,
        },
    )  # fmt: skip
    case.refresh_from_db()
    return case


@transaction.atomic
def return_to_dong(*, case, by, note="") -> Case:
    """The gu team hands the case back, or the dong's team leader takes it back."""
    if not Case.objects.for_user(by).filter(pk=case.pk).exists():
        raise PermissionDenied
    if not (
        is_dong_leader(by, case) or (is_gu_team(by, case) and by.has_perm("cases.change_case"))
    ):
        raise ApplicationError(ONLY_SUPERVISOR)
    if case.gu_involvement == GuInvolvement.NONE:
        raise ApplicationError(HANDOVER_NOTHING_TO_RETURN)
    locked = Case.objects.select_for_update().get(pk=case.pk)
    previous = locked.gu_manager
    locked.gu_involvement, locked.gu_manager = GuInvolvement.NONE, None
    locked.updated_by, locked.version = by, locked.version + 1
    locked.save(
        update_fields=["gu_involvement", "gu_manager", "updated_by", "version", "updated_at"]
    )
    CaseOwnership.objects.create(
        case=case,
        kind=OwnershipChange.RETURN,
        from_user=previous,
        to_user=case.primary_manager,
        by=by,
        note=note,
    )
    case.refresh_from_db()
    alerts.notify(case=case, by=by, kind=AlertKind.HANDOVER, message=ALERT_RETURNED % {"by": by})
    return case


def change_case_team(
    *, case, by, expected_version, primary_manager, assistant=None, partner_worker="", note=""
) -> Case:
    """The case's team. Changing the primary case manager is the team leader's decision, recorded."""
    ensure_can_edit(by, case)
    for officer in filter(None, [primary_manager, assistant]):
        if officer.dong_id != case.dong_id or not officer.is_active:
            raise ApplicationError(TEAM_NOT_OF_DONG)
    # The stored row decides what changed: a bound form has already copied the new values onto ``case``.
    previous = Case.objects.select_related("primary_manager").get(pk=case.pk).primary_manager
    changed_manager = primary_manager.pk != previous.pk
    if changed_manager:
        _ensure_supervisor(by, case)
    with transaction.atomic():
        case.primary_manager, case.assistant, case.partner_worker = (
            primary_manager,
            assistant,
            partner_worker,
        )
        save_versioned(case, by=by, expected_version=expected_version)
        if changed_manager:
            CaseOwnership.objects.create(
                case=case,
                kind=OwnershipChange.PRIMARY_MANAGER,
                from_user=previous,
                to_user=primary_manager,
                by=by,
                note=note,
            )
            alerts.notify(
                case=case, by=by, kind=AlertKind.HANDOVER,
                message=ALERT_NEW_MANAGER % {"by": by}, recipient=primary_manager,
            )  # fmt: skip
    return case


# --- supervisors' decisions (taken in case conferences) ------------------------------------------------------
PLAN_NOTHING_TO_APPROVE = _("There is no service plan to approve.")
CLASSIFY_NEEDS_SELECTION = _("Classify a case once it is selected.")


@transaction.atomic
def approve_plan(*, plan, by) -> ServicePlan:
    _ensure_supervisor(by, plan.case)
    plan.approved_on = timezone.localdate()
    plan.approved_by = by
    plan.updated_by = by
    plan.version += 1
    plan.save()
    alerts.notify(
        case=plan.case, by=by, kind=AlertKind.DECISION,
        message=ALERT_PLAN_APPROVED % {"by": by, "number": plan.number},
    )  # fmt: skip
    return plan


@transaction.atomic
def classify_case(*, case, by, case_type) -> Case:
    """General or specialised, decided after selection (e.g. at an integrated case conference)."""
    _ensure_supervisor(by, case)
    if case_type not in CaseType.values:
        raise ApplicationError(SELECTED_NEEDS_TYPE)
    if case.stage in (Stage.INTAKE, Stage.ASSESSMENT, Stage.SELECTION, Stage.NOT_SELECTED):
        raise ApplicationError(CLASSIFY_NEEDS_SELECTION)
    case.case_type = case_type
    case.updated_by = by
    case.version += 1
    case.save(update_fields=["case_type", "updated_by", "version", "updated_at"])
    alerts.notify(
        case=case, by=by, kind=AlertKind.DECISION,
        message=ALERT_CLASSIFIED % {"by": by, "type": case.get_case_type_display()},
    )  # fmt: skip
    return case


# --- a gu's deadlines -------------------------------------------------------------------------------
ONLY_GU_STAFF = _("Only the gu's case-management staff may change the gu's deadlines.")
POLICY_FIELDS = [
    "assessment_days", "selection_days", "plan_days", "intake_to_plan_days",
    "follow_up_interval_days", "referral_answer_days", "discovery_investigation_days",
    "follow_up_period_days", "plan_approval_required",
]  # fmt: skip


def may_set_deadlines(user) -> bool:
    return bool(
        user.is_authenticated
        and user.gu_id
        and user.dong_id is None
        and user.has_perm(SCOPE_WHOLE_GU)
        and user.has_perm("cases.change_deadlinepolicy")
    )


@transaction.atomic
def update_deadline_policy(*, gu, by, expected_version, **data) -> DeadlinePolicy:
    """Change a gu's limits (kept in the change history); running clocks follow at once, stopped
    ones keep the limit they ran under."""
    if not may_set_deadlines(by) or by.gu_id != gu.pk:
        raise PermissionDenied(ONLY_GU_STAFF)
    policy, created = DeadlinePolicy.objects.get_or_create(
        gu=gu, defaults={"created_by": by, "updated_by": by}
    )
    if created:
        expected_version = policy.version  # the defaults were shown: nobody saved before
    for name in POLICY_FIELDS:
        if name in data:
            setattr(policy, name, data[name])
    save_versioned(policy, by=by, expected_version=expected_version)
    schedule.refresh_running_clocks(gu.pk)
    return policy
