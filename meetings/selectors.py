"""Reads for case conferences: the supervisor's review queue, case summaries, external copies."""

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, Closure, SelectionDecision, ServicePlan, SharedItem, Stage
from cases.models.case import (
    active_consent,
    latest_assessment,
    latest_plan,
)
from cases.special_consent import special_consent

from .models import AgendaItem, Meeting, Question


def meeting_list(*, user, filters=None):
    filters = filters or {}
    qs = Meeting.objects.for_user(user).select_related("chair", "dong")
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("when") == "upcoming":
        qs = qs.filter(finalised_at__isnull=True).order_by("held_at", "id")
    elif filters.get("when") == "past":
        qs = qs.filter(finalised_at__isnull=False)
    return qs


def next_meeting(*, user, kind=None):
    """The next meeting of the user's dong that is not yet finalised: where one click puts a case."""
    qs = (
        Meeting.objects.editable_by(user)
        .filter(finalised_at__isnull=True)
        .order_by("held_at", "id")
    )
    if kind:
        qs = qs.filter(kind=kind)
    return qs.first()


def waiting_conditions():
    """What makes a case wait for its team leader (no selection decision, an unsigned plan with
    items not yet approved, a closure not yet approved): the review queue's lists and the team
    overview's counts ask the same questions."""
    undecided = ~Exists(SelectionDecision.objects.filter(case=OuterRef("pk")))
    unapproved_plan = Exists(
        ServicePlan.objects.filter(
            case=OuterRef("pk"), approved_on__isnull=True, signed_on__isnull=True
        ).exclude(items__isnull=True)
    )
    pending_closure = Exists(Closure.objects.filter(case=OuterRef("pk"), approved_by__isnull=True))
    return undecided, unapproved_plan, pending_closure


def review_queue(*, user):
    """Everything waiting for the supervisor, with the question each would put to a meeting."""
    visible = Case.objects.for_user(user).select_related("client", "primary_manager")
    on_open_agenda = AgendaItem.objects.filter(
        case=OuterRef("pk"), meeting__finalised_at__isnull=True
    )
    visible = visible.annotate(on_agenda=Exists(on_open_agenda))
    undecided, unapproved_plan, pending_closure = waiting_conditions()
    return [
        (
            Question.SELECT,
            _("Cases awaiting selection"),
            list(visible.filter(undecided, stage=Stage.SELECTION)[:50]),
        ),
        (
            Question.APPROVE_PLAN,
            _("Plans awaiting approval"),
            list(visible.filter(unapproved_plan, stage=Stage.PLANNING)[:50]),
        ),
        (
            Question.APPROVE_CLOSURE,
            _("Closures awaiting approval"),
            list(
                visible.filter(pending_closure).exclude(
                    stage__in=[Stage.CLOSURE, Stage.FOLLOW_UP, Stage.ENDED]
                )[:50]
            ),
        ),
        (
            Question.REASSESSMENT,
            _("Reassessments overdue"),
            list(  # the stored due date (cases.schedule): a year, or earlier when asked
                visible.filter(
                    stage__in=[Stage.INTERVENTION, Stage.MONITORING, Stage.EVALUATION],
                    reassessment_due__lt=timezone.localdate(),
                ).order_by("reassessment_due", "id")[:50]
            ),
        ),
    ]


def _age(client):
    today = timezone.localdate()
    born = client.birth_date
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def client_summary_text(*, client):
    """The summary of a client's item (emergency support, public assistance), from the client's
    own records: who, the household, the livelihood status and the latest counselling."""
    lines = [
        _("Client")
        + ": "
        + _("%(name)s, %(age)s years, %(dong)s")
        % {"name": client.name, "age": _age(client), "dong": client.dong},
    ]
    household = list(client.household.filter(archived_at__isnull=True))
    if household:
        lines.append(_("Household") + ": " + ", ".join(str(m) for m in household))
    lines.append(_("Livelihood status") + ": " + str(client.get_livelihood_status_display()))
    intake = client.intakes.order_by("-intake_date", "-id").first()
    if intake is not None:
        lines.append(_("Presenting problem") + ": " + intake.presenting_problem)
    return "\n".join(lines)


def summary_sections(*, case):
    """The case summary, from the case's own records (nothing re-typed), in sections keyed by what
    the client's consent may allow to be shared (SharedItem)."""
    client = case.client
    age = _age(client)
    sections = [
        (
            SharedItem.BASIC,
            _("Client"),
            _("%(name)s, %(age)s years, %(dong)s · case %(number)s (%(stage)s)")
            % {
                "name": client.name,
                "age": age,
                "dong": case.dong,
                "number": case.number,
                "stage": case.get_stage_display(),
            },
        ),
    ]
    household = list(client.household.filter(archived_at__isnull=True))
    if household:
        sections.append((SharedItem.FAMILY, _("Household"), ", ".join(str(m) for m in household)))
    if client.health_notes and special_consent(client).sensitive:  # PIPA Art. 23
        sections.append((SharedItem.HEALTH, _("Health and disability"), client.health_notes))
    sections.append(
        (SharedItem.ECONOMIC, _("Livelihood status"), client.get_livelihood_status_display())
    )
    if case.intake_id:
        sections.append(
            (SharedItem.PROGRESS, _("Presenting problem"), case.intake.presenting_problem)
        )
    assessment = latest_assessment(case)
    if assessment is not None:
        needs = "; ".join(
            f"{n.get_domain_display()}: {n.current_state} → {n.desired_state}"
            for n in assessment.needs.all()
        )
        risk = assessment.get_risk_level_display() or "-"
        sections.append(
            (
                SharedItem.PROGRESS,
                _("Assessed needs (risk: %(risk)s)") % {"risk": risk},
                needs or "-",
            )
        )
    plan = latest_plan(case)
    if plan is not None:
        items = "; ".join(
            f"{i.service_content} ({i.provider_name}{', ' + i.get_status_display() if i.status else ''})"
            for i in plan.items.all()
        )
        sections.append(
            (SharedItem.PROGRESS, _("Service plan v%(n)s") % {"n": plan.number}, items or "-")
        )
    closure = case.closures.filter(cycle=case.cycle).order_by("-id").first()
    if closure is not None:
        sections.append(
            (
                SharedItem.PROGRESS,
                _("Closure proposed"),
                f"{closure.get_reason_display()}: {closure.summary}",
            )
        )
    return sections


def summary_text(*, case):
    return "\n".join(f"{title}: {text}" for _key, title, text in summary_sections(case=case))


def external_copy(*, meeting, attendee=None, provider=None):
    """What an external partner may see: only the items they attend for (``attendee``, or any
    attendee of ``provider`` when its own account reads it), and of each only what the client's
    active consent allows to be shared with their agency (nothing of a client without it)."""
    provider = provider or attendee.provider
    partners = Q(partners=attendee) if attendee is not None else Q(partners__provider=provider)
    items = (
        meeting.items.filter(partners, case__isnull=False)  # clients' items stay inside
        .distinct()
        .select_related("case__client", "case__dong", "case__intake", "decision")
        .prefetch_related(Prefetch("case__consents"))
        .order_by("order", "id")
    )
    copy = []
    for item in items:
        consent = active_consent(item.case)
        allowed = set()
        if consent is not None and consent.covers(provider):
            allowed = set(consent.shared_items)
        sections = [
            (title, text) for key, title, text in summary_sections(case=item.case) if key in allowed
        ]
        copy.append({"item": item, "sections": sections, "consented": bool(allowed)})
    return copy


def client_decisions(*, user, client):
    """What meetings put to the 내부판정회의 about this client (emergency support, public
    assistance) and what they decided: one query, within the user's scope."""
    return list(
        AgendaItem.objects.for_user(user)
        .filter(client=client)
        .select_related("meeting", "decision__decided_by")
        .order_by("-meeting__held_at", "-id")
    )


def action_owners(*, meeting):
    """Who may be in charge of a meeting's action item: the active officers of its dong, and the
    gu's integrated case-management staff."""
    from casemgmt.core.models import User
    from casemgmt.core.roles import Role

    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(dong_id=meeting.dong_id, groups__name__in=[Role.CASE_MANAGER, Role.SUPERVISOR])
            | Q(dong__isnull=True, gu_id=meeting.dong.gu_id, groups__name=Role.GU_STAFF)
        )
        .distinct()
        .order_by("name", "id")
    )


def meeting_action_items(*, meeting):
    """A meeting's action items, open ones first: one query."""
    return sorted(
        meeting.action_items.select_related("owner", "case__client", "done_by"),
        key=lambda a: (not a.is_open, a.cancelled_at is not None, a.due_on, a.pk),
    )
