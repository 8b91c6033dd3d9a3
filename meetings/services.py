"""Writes for case conferences. A decision is the chair's, dated and attributed; it feeds the
lifecycle through the cases services; once the minutes are final nothing here changes."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casemgmt.core.access import SCOPE_OWN_DONG, can_create_in_dong, can_edit, ensure_can_edit
from casemgmt.core.exceptions import ApplicationError
from casemgmt.core.korean import korean_date
from casemgmt.core.versioning import save_versioned
from cases import alerts
from cases import services as case_services
from cases.models import AlertKind, Case, Stage
from cases.models.case import latest_plan

from .models import (
    CASE_OR_CLIENT,
    CASE_QUESTION_NEEDS_CASE,
    CLIENT_QUESTION_NEEDS_CLIENT,
    CLIENT_QUESTIONS,
    OUTCOMES_FOR,
    RETURNED,
    ActionItem,
    AgendaItem,
    Attendee,
    Decision,
    Meeting,
    Outcome,
    Question,
    ReturnedTask,
)
from .selectors import action_owners, client_summary_text, summary_text

MINUTES_FINAL = _("The minutes are final: nothing in this meeting can change any more.")
CHAIR_NOT_SUPERVISOR = _("The chair must be the welfare team leader (supervisor) of this dong.")
ONLY_CHAIR = _("Only the chair of the meeting decides its agenda items.")
OUTCOME_NOT_FOR_QUESTION = _("This decision does not answer the item's question.")
ALREADY_DECIDED = _("This item is already decided.")
CASE_OF_OTHER_DONG = _("Only cases of the meeting's dong can be put on its agenda.")
ALREADY_ON_AGENDA = _("This case is already on this meeting's agenda with the same question.")
UNDECIDED_ITEMS = _("Decide every agenda item before finalising the minutes: %(items)s")
NO_MINUTES = _("Write the minutes before finalising them.")
NOT_YET_MOVED = _("The case did not move yet: %(missing)s")
MOVED_TO = _("The case moved to %(stage)s.")
PARTNER_NOT_ATTENDING = _("Choose external attendees of this meeting.")
NO_MEETING_TO_PLACE_ON = _("There is no upcoming meeting of your dong: create one first.")
CLIENT_OF_OTHER_DONG = _("Only clients of the meeting's dong can be put on its agenda.")
CLIENT_ALREADY_ON_AGENDA = _(
    "This client is already on this meeting's agenda with the same question."
)
NO_PARTNERS_FOR_CLIENT = _(
    "External attendees see case items only: a question about a client is for the dong team."
)
BEFORE_THE_MEETING = _(
    "The meeting is on %(day)s: its decisions can be recorded from that day on, not before."
)
ACTION_CASE_NOT_ON_AGENDA = _("Choose a case on this meeting's agenda.")
ACTION_OWNER_NOT_STAFF = _("Choose an officer of the meeting's dong or of the gu.")
ACTION_CLOSED = _("This action item is already done or cancelled.")


def _ensure_open(meeting):
    if Meeting.objects.filter(pk=meeting.pk, finalised_at__isnull=False).exists():
        raise ApplicationError(MINUTES_FINAL)


def _is_supervisor_of(user, dong_id):
    return (
        user.is_active
        and user.dong_id == dong_id
        and user.has_perm(SCOPE_OWN_DONG)
        and user.has_perm("core.supervise_dong")
    )


@transaction.atomic
def create_meeting(*, by, kind, held_at, place, chair, officers=(), minutes="") -> Meeting:
    if not can_create_in_dong(by, Meeting):
        raise ApplicationError(case_services.NO_DONG_TO_REGISTER)
    if not _is_supervisor_of(chair, by.dong_id):
        raise ApplicationError(CHAIR_NOT_SUPERVISOR)
    meeting = Meeting(dong_id=by.dong_id, kind=kind, held_at=held_at, place=place, chair=chair, minutes=minutes,
                      created_by=by, updated_by=by)  # fmt: skip
    meeting.full_clean()
    meeting.save()
    for officer in {chair, *officers}:
        Attendee.objects.create(meeting=meeting, user=officer)
    return meeting


def update_meeting(*, meeting, by, expected_version, **data) -> Meeting:
    ensure_can_edit(by, meeting)
    _ensure_open(meeting)
    if "chair" in data and not _is_supervisor_of(data["chair"], meeting.dong_id):
        raise ApplicationError(CHAIR_NOT_SUPERVISOR)
    for field, value in data.items():
        setattr(meeting, field, value)
    return save_versioned(meeting, by=by, expected_version=expected_version)


@transaction.atomic
def add_attendee(
    *, meeting, by, user=None, provider=None, name="", position="", attended=True
) -> Attendee:
    ensure_can_edit(by, meeting)
    _ensure_open(meeting)
    attendee = Attendee(
        meeting=meeting,
        user=user,
        provider=provider,
        name=name,
        position=position,
        attended=attended,
    )
    attendee.full_clean()
    attendee.save()
    return attendee


@transaction.atomic
def place_on_agenda(*, meeting, question, by, case=None, client=None, partners=()) -> AgendaItem:
    """Put a case, or a client (emergency support, public assistance: no case needed), on the
    agenda with its question; the summary is prepared from the case's or the client's records."""
    ensure_can_edit(by, meeting)
    _ensure_open(meeting)
    if (case is None) == (client is None):
        raise ApplicationError(CASE_OR_CLIENT)
    if client is not None:
        if question not in CLIENT_QUESTIONS:
            raise ApplicationError(CASE_QUESTION_NEEDS_CASE)
        if client.dong_id != meeting.dong_id:
            raise ApplicationError(CLIENT_OF_OTHER_DONG)
        ensure_can_edit(by, client)
        if meeting.items.filter(client=client, question=question).exists():
            raise ApplicationError(CLIENT_ALREADY_ON_AGENDA)
        if list(partners):
            raise ApplicationError(NO_PARTNERS_FOR_CLIENT)
        summary = client_summary_text(client=client)
    else:
        if question in CLIENT_QUESTIONS:
            raise ApplicationError(CLIENT_QUESTION_NEEDS_CLIENT)
        ensure_can_edit(by, case)
        if case.dong_id != meeting.dong_id:
            raise ApplicationError(CASE_OF_OTHER_DONG)
        if meeting.items.filter(case=case, question=question).exists():
            raise ApplicationError(ALREADY_ON_AGENDA)
        summary = summary_text(case=case)
    partners = list(partners)
    if any(p.meeting_id != meeting.pk or not p.is_external for p in partners):
        raise ApplicationError(PARTNER_NOT_ATTENDING)
    item = AgendaItem(
        meeting=meeting, case=case, client=client, question=question, summary=summary,
        order=meeting.items.count() + 1, created_by=by, updated_by=by,
    )  # fmt: skip
    item.full_clean()
    item.save()
    item.partners.set(partners)
    return item


def place_on_next_meeting(*, case, question, by) -> AgendaItem:
    from .selectors import next_meeting

    meeting = next_meeting(user=by)
    if meeting is None:
        raise ApplicationError(NO_MEETING_TO_PLACE_ON)
    return place_on_agenda(meeting=meeting, case=case, question=question, by=by)


ALERT_DECIDED = _("%(meeting)s decided: %(outcome)s. %(effect)s")


@transaction.atomic
def decide(*, item, by, outcome, comments="") -> Decision:
    """The chair's decision. Its effect on the case is applied now and written on the decision."""
    meeting = item.meeting
    ensure_can_edit(by, meeting)
    _ensure_open(meeting)
    if by.pk != meeting.chair_id:
        raise ApplicationError(ONLY_CHAIR)
    if meeting.is_before_its_day:
        raise ApplicationError(BEFORE_THE_MEETING % {"day": korean_date(meeting.held_on)})
    if Decision.objects.filter(item=item).exists():
        raise ApplicationError(ALREADY_DECIDED)
    if outcome not in OUTCOMES_FOR[Question(item.question)]:
        raise ApplicationError(OUTCOME_NOT_FOR_QUESTION)
    decision = Decision.objects.create(item=item, outcome=outcome, comments=comments, decided_by=by)
    with alerts.one_alert():  # one alert for the decision, not one per effect on the case
        decision.effect = str(_apply(decision, by=by))
    decision.save(update_fields=["effect"])
    if item.case_id is None:  # a client's question: recorded on the client, no case to tell
        return decision
    alerts.notify(
        case=item.case, by=by, kind=AlertKind.MEETING,
        message=ALERT_DECIDED % {
            "meeting": meeting, "outcome": decision.get_outcome_display(), "effect": decision.effect,
        },
        url=reverse("meetings:meeting_detail", args=[meeting.pk]),
    )  # fmt: skip
    return decision


def _try_move(case, transition, by, note):
    try:
        case_services.move_case(case=case, transition=transition, by=by, note=note)
    except ApplicationError as error:
        return NOT_YET_MOVED % {"missing": error.message}
    return MOVED_TO % {"stage": case.get_stage_display()}


def _apply(decision, *, by):
    item = decision.item
    if item.case_id is None:
        return _("Recorded on the client's page.")
    case = Case.objects.select_related("dong", "client").get(pk=item.case_id)
    note = f"{item.meeting}: {decision.get_outcome_display()}"
    outcome = decision.outcome
    if item.question == Question.SELECT:
        selected = outcome != Outcome.NOT_SELECTED
        case_services.decide_selection(
            case=case, by=by, selected=selected, case_type=outcome if selected else "",
            note=decision.comments, decided_on=timezone.localdate(),
        )  # fmt: skip
        return _try_move(case, "select" if selected else "reject", by, note)
    if item.question == Question.CLASSIFY:
        case_services.classify_case(case=case, by=by, case_type=outcome)
        return decision.get_outcome_display()
    if outcome == Outcome.PLAN_APPROVED:
        plan = latest_plan(case)
        if plan is None:
            raise ApplicationError(case_services.PLAN_NOTHING_TO_APPROVE)
        case_services.approve_plan(plan=plan, by=by)
        return decision.get_outcome_display()
    if outcome == Outcome.CLOSURE_APPROVED:
        case_services.approve_closure(case=case, by=by)
        if case.stage in (Stage.CLOSURE, Stage.FOLLOW_UP, Stage.ENDED):
            return decision.get_outcome_display()
        return _try_move(case, "close", by, note)
    if outcome in RETURNED:
        ReturnedTask.objects.create(
            decision=decision, case=case, assigned_to=case.primary_manager,
            text=f"{decision.get_outcome_display()}: {decision.comments}".strip(": "),
        )  # fmt: skip
        return _("A task was sent to %(manager)s.") % {"manager": case.primary_manager}
    return decision.get_outcome_display()


@transaction.atomic
def finalise_minutes(*, meeting, by) -> Meeting:
    """From now on the meeting, its agenda and its decisions are frozen."""
    ensure_can_edit(by, meeting)
    _ensure_open(meeting)
    if by.pk != meeting.chair_id:
        raise ApplicationError(ONLY_CHAIR)
    undecided = [
        str(i.case.number) if i.case_id else i.client.name
        for i in meeting.items.select_related("case", "client", "decision")
        if not hasattr(i, "decision")
    ]
    if undecided:
        raise ApplicationError(UNDECIDED_ITEMS % {"items": ", ".join(undecided)})
    if not meeting.minutes.strip():
        raise ApplicationError(NO_MINUTES)
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    locked.finalised_at = timezone.now()
    locked.finalised_by = by
    locked.version += 1
    locked.save(update_fields=["finalised_at", "finalised_by", "version", "updated_at"])
    meeting.refresh_from_db()
    return meeting


@transaction.atomic
def complete_task(*, task, by) -> ReturnedTask:
    ensure_can_edit(by, task.case)
    task.done_at = timezone.now()
    task.save(update_fields=["done_at"])
    return task


# --- action items (조치 사항) -------------------------------------------------------------------


def _check_action(*, meeting, case, owner):
    if case is not None and not meeting.items.filter(case=case).exists():
        raise ApplicationError(ACTION_CASE_NOT_ON_AGENDA)
    if owner is not None and not action_owners(meeting=meeting).filter(pk=owner.pk).exists():
        raise ApplicationError(ACTION_OWNER_NOT_STAFF)


@transaction.atomic
def add_action_item(
    *, meeting, by, text, due_on, owner=None, owner_name="", case=None
) -> ActionItem:
    """A free action item of the minutes: what, who (an officer, or an external partner by
    name) and by when."""
    ensure_can_edit(by, meeting)
    _ensure_open(meeting)
    _check_action(meeting=meeting, case=case, owner=owner)
    action = ActionItem(
        meeting=meeting, case=case, text=text, owner=owner, owner_name=owner_name.strip(),
        due_on=due_on, created_by=by, updated_by=by,
    )  # fmt: skip
    action.full_clean()
    action.save()
    return action


@transaction.atomic
def update_action_item(*, action, by, expected_version, **data) -> ActionItem:
    meeting = action.meeting
    ensure_can_edit(by, meeting)
    _ensure_open(meeting)
    if not action.is_open:
        raise ApplicationError(ACTION_CLOSED)
    if "owner_name" in data:
        data["owner_name"] = data["owner_name"].strip()
    _check_action(
        meeting=meeting, case=data.get("case", action.case), owner=data.get("owner", action.owner)
    )
    for field, value in data.items():
        setattr(action, field, value)
    return save_versioned(action, by=by, expected_version=expected_version)


def _close_action(action, *, by, field):
    locked = ActionItem.objects.select_for_update().get(pk=action.pk)
    if not locked.is_open:
        raise ApplicationError(ACTION_CLOSED)
    setattr(locked, field, timezone.now())
    if field == "done_at":
        locked.done_by = by
    locked.version += 1
    locked.updated_by = by
    locked.save()
    return locked


@transaction.atomic
def complete_action_item(*, action, by) -> ActionItem:
    """Done: by an officer who may change the meeting, or by the officer in charge (a gu officer
    among them), also after the minutes are final — the work comes after the meeting."""
    if not (can_edit(by, action.meeting) or by.pk == action.owner_id):
        raise PermissionDenied
    return _close_action(action, by=by, field="done_at")


@transaction.atomic
def cancel_action_item(*, action, by) -> ActionItem:
    """취소: no longer to be done. Kept, with its history, never deleted."""
    ensure_can_edit(by, action.meeting)
    _ensure_open(action.meeting)
    return _close_action(action, by=by, field="cancelled_at")
