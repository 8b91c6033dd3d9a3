"""인사이동: when officers rotate, the team leader hands an officer's open cases to the officers
who stay, all at once — every case moves, or none.

``rotation_candidates`` (read) and ``rotate_cases`` (write) serve the page
``cases:case_rotation``; each moved case gets an ownership change (who, to whom, from which date,
why), shown on its timeline, and the page prints the list of what moved.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from casemgmt.core.exceptions import ApplicationError
from casemgmt.core.korean import korean_date, with_particle
from casemgmt.core.models import User

from . import alerts
from .models import AlertKind, Case, CaseOwnership, OwnershipChange, Stage
from .services import is_team_leader

ROTATION_ONLY_SUPERVISOR = _("Only the dong's team leader hands cases over.")
ROTATION_NOTHING_TICKED = _("Tick at least one case to hand over.")
ROTATION_NEEDS_REASON = _("Give the reason, e.g. the personnel order.")
ROTATION_TO_SAME = _("%(case)s: choose an officer other than the one who has it now.")
ROTATION_TO_OTHER_DONG = _("%(case)s: the new case manager must be an active officer of the dong.")
ROTATION_NOT_THEIRS = _(
    "%(case)s is no longer an open case of %(officer)s (someone changed it meanwhile): "
    "reload the page."
)


@dataclass
class MovedCase:
    case: Case
    from_officer: User
    to_officer: User
    change: CaseOwnership


ALERT_ROTATED = _("%(by)s handed you this case from %(from)s (%(note)s).")


def dong_officers(*, user):
    """The officers of the team leader's dong who can hold cases (case managers and leaders)."""
    if not is_team_leader(user):
        return User.objects.none()
    return (
        User.objects.filter(dong_id=user.dong_id, is_active=True)
        .filter(groups__permissions__codename="scope_own_dong")
        .distinct()
        .order_by("name", "username")
    )


def rotation_candidates(*, user, officer):
    """The open cases an officer holds as case manager in the leader's dong, oldest first."""
    if not is_team_leader(user) or officer is None:
        return Case.objects.none()
    return (
        Case.objects.for_user(user)
        .filter(dong_id=user.dong_id, primary_manager=officer, stage__in=Stage.open_stages())
        .select_related("client")
        .order_by("opened_on", "id")
    )


def rotate_cases(*, by, from_officer, assignments, effective_on: datetime.date, reason: str):
    """Hand the cases in ``assignments`` ({case id: new officer}) from ``from_officer``; all or
    none. Returns the list of MovedCase."""
    if not is_team_leader(by):
        raise ApplicationError(ROTATION_ONLY_SUPERVISOR)
    if not assignments:
        raise ApplicationError(ROTATION_NOTHING_TICKED)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(ROTATION_NEEDS_REASON)
    officers = {o.pk: o for o in dong_officers(user=by)}
    moved = []
    with transaction.atomic():
        cases = {
            case.pk: case
            for case in Case.objects.select_for_update()
            .filter(pk__in=list(assignments))
            .select_related("client")
            .order_by("pk")
        }
        problems = []
        for case_id, to_officer in assignments.items():
            case = cases.get(case_id)
            if (
                case is None
                or case.dong_id != by.dong_id
                or case.primary_manager_id != from_officer.pk
                or case.stage not in Stage.open_stages()
            ):
                label = case.number if case else f"#{case_id}"
                problems.append(
                    ROTATION_NOT_THEIRS
                    % {"case": with_particle(label, "은/는"), "officer": from_officer}
                )
            elif to_officer.pk == from_officer.pk:
                problems.append(ROTATION_TO_SAME % {"case": case.number})
            elif to_officer.pk not in officers:
                problems.append(ROTATION_TO_OTHER_DONG % {"case": case.number})
        if problems:
            raise ApplicationError(" ".join(str(p) for p in problems))
        note = f"{korean_date(effective_on)} {reason}"
        for case_id, to_officer in sorted(assignments.items()):
            case = cases[case_id]
            case.primary_manager = to_officer
            if case.assistant_id == to_officer.pk:
                case.assistant = None
            case.updated_by, case.version = by, case.version + 1
            case.save(
                update_fields=[
                    "primary_manager",
                    "assistant",
                    "updated_by",
                    "version",
                    "updated_at",
                ]
            )
            change = CaseOwnership.objects.create(
                case=case,
                kind=OwnershipChange.PRIMARY_MANAGER,
                from_user=from_officer,
                to_user=to_officer,
                by=by,
                effective_on=effective_on,
                note=note,
            )
            alerts.notify(
                case=case, by=by, kind=AlertKind.HANDOVER,
                message=ALERT_ROTATED % {"by": by, "from": from_officer, "note": note},
            )  # fmt: skip
            moved.append(MovedCase(case, from_officer, to_officer, change))
    return moved


def handed_over_by(*, user, first_change: int, last_change: int):
    """The report of one hand-over: the ownership changes the leader made in it, as MovedCase."""
    if not is_team_leader(user):
        return []
    changes = (
        CaseOwnership.objects.filter(
            pk__range=(first_change, last_change),
            by=user,
            kind=OwnershipChange.PRIMARY_MANAGER,
            case__in=Case.objects.for_user(user),
        )
        .select_related("case__client", "from_user", "to_user")
        .order_by("pk")
    )
    return [MovedCase(c.case, c.from_user, c.to_user, c) for c in changes]
