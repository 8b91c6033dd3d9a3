import datetime

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .korean import with_particle
from .models import User
from .roles import Role, role_group


@transaction.atomic
def assign_role(*, user: User, role: str) -> User:
    """One role per account: replace whatever role groups the user had."""
    if role not in Role.ALL:
        raise ValueError(f"unknown role {role!r}")
    user.groups.remove(*Group.objects.filter(name__in=Role.ALL).exclude(name=role))
    user.groups.add(role_group(role))
    for cache in ("_role_cache", "_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        user.__dict__.pop(cache, None)
    return user


# --- 접속기록 월간 점검 ------------------------------------------------------------------------------
REVIEW_NOT_REVIEWER = _("Only gu staff and the system administrator review access records.")
REVIEW_FUTURE = _("A month can be reviewed only once it has begun.")
REVIEW_DONE = _("%(month)s has already been reviewed for this gu.")


@transaction.atomic
def record_access_review(*, by: User, period: datetime.date, findings: str):
    """Record that the month's access records of the reviewer's gu were reviewed, with the
    month's figures as they stood then (the records themselves cannot change)."""
    from django.db.models import Q

    from .exceptions import ApplicationError
    from .models import AccessAction, AccessReview
    from .selectors import access_records, is_reviewer

    if not is_reviewer(by):
        raise ApplicationError(REVIEW_NOT_REVIEWER)
    period = period.replace(day=1)
    if period > timezone.localdate():
        raise ApplicationError(REVIEW_FUTURE)
    if AccessReview.objects.filter(gu_id=by.gu_id, period=period).exists():
        raise ApplicationError(REVIEW_DONE % {"month": with_particle(f"{period:%Y. %m.}", "은/는")})
    next_month = (period + datetime.timedelta(days=32)).replace(day=1)
    month = access_records(
        user=by, filters={"date_from": period, "date_to": next_month - datetime.timedelta(1)}
    )
    review = AccessReview(
        gu_id=by.gu_id,
        period=period,
        reviewed_by=by,
        records=month.count(),
        downloads=month.filter(
            Q(action=AccessAction.PRINT) | Q(action=AccessAction.EXPORT)
        ).count(),
        findings=findings.strip(),
    )
    review.full_clean()
    review.save()
    return review


# --- 권한 부여: a role that reads client data takes two people ------------------------------------
GRANT_NOT_ADMIN = _("Only the system administrator proposes a role.")
GRANT_FOR_ONESELF = _("Nobody proposes or approves a role for their own account.")
GRANT_NOT_APPROVER = _("Only gu-level staff of the account's gu approve a role.")
GRANT_SECOND_PERSON = _("A role is approved by someone other than the person who proposed it.")
GRANT_DECIDED = _("This request has already been decided.")
GRANT_UNKNOWN_ROLE = _("Choose one of the roles.")
GRANT_DONG_NEEDED = _("A case manager or team leader belongs to a dong: choose it.")
GRANT_NO_DONG = _("Gu-level staff and the system administrator belong to no dong.")
GRANT_DONG_OF_GU = _("This dong does not belong to the selected gu.")
DONG_ROLES = (Role.CASE_MANAGER, Role.SUPERVISOR)


def _check_placement(*, role, gu, dong):
    from .exceptions import ApplicationError

    if role not in Role.STAFF:
        raise ApplicationError(GRANT_UNKNOWN_ROLE)
    if role in DONG_ROLES and dong is None:
        raise ApplicationError(GRANT_DONG_NEEDED)
    if role not in DONG_ROLES and dong is not None:
        raise ApplicationError(GRANT_NO_DONG)
    if dong is not None and dong.gu_id != gu.pk:
        raise ApplicationError(GRANT_DONG_OF_GU)


def check_proposal(*, user: User, role: str, gu, dong=None, by: User) -> None:
    """ApplicationError unless ``by`` may propose this role for ``user`` (the admin form asks
    before it saves)."""
    from .exceptions import ApplicationError

    if not by.has_perm("core.change_user"):
        raise ApplicationError(GRANT_NOT_ADMIN)
    if by.pk == user.pk:
        raise ApplicationError(GRANT_FOR_ONESELF)
    _check_placement(role=role, gu=gu, dong=dong)


@transaction.atomic
def propose_role(*, user: User, role: str, gu, dong=None, note: str, by: User):
    """The administrator's half of a role grant: nothing changes until a reviewer approves."""
    from .models import RoleGrant

    check_proposal(user=user, role=role, gu=gu, dong=dong, by=by)
    grant = RoleGrant(user=user, role=role, gu=gu, dong=dong, note=note.strip(), proposed_by=by)
    grant.full_clean()
    grant.save()
    return grant


def can_decide_grant(user: User, grant) -> bool:
    """A gu-level reviewer of the account's gu, who neither proposed it nor is its subject."""
    from .selectors import is_grant_approver

    return (
        is_grant_approver(user)
        and user.gu_id == grant.gu_id
        and user.pk not in (grant.user_id, grant.proposed_by_id)
    )


@transaction.atomic
def decide_role_grant(*, grant, by: User, approve: bool):
    """The second person's half: approve (the role applies now) or reject. Decided once."""
    from .exceptions import ApplicationError
    from .models import RoleGrant, RoleGrantStatus

    grant = RoleGrant.objects.select_for_update().get(pk=grant.pk)
    if grant.status != RoleGrantStatus.PENDING:
        raise ApplicationError(GRANT_DECIDED)
    if by.pk == grant.user_id:
        raise ApplicationError(GRANT_FOR_ONESELF)
    if by.pk == grant.proposed_by_id:
        raise ApplicationError(GRANT_SECOND_PERSON)
    if not can_decide_grant(by, grant):
        raise ApplicationError(GRANT_NOT_APPROVER)
    grant.status = RoleGrantStatus.APPROVED if approve else RoleGrantStatus.REJECTED
    grant.decided_by = by
    grant.decided_at = timezone.now()
    grant.save()
    if approve:
        apply_role(
            user=grant.user,
            role=grant.role,
            gu=grant.gu,
            dong=grant.dong,
            by=by,
            reason=f"role grant #{grant.pk}: {grant.note}",
        )
    return grant


@transaction.atomic
def apply_role(*, user: User, role: str, gu, dong=None, by: User | None, reason: str) -> User:
    """Give the account its role and organisation (and re-open it). Only the approval above and
    the server's ``manage.py grant_role`` call this; the change history keeps who and why."""
    _check_placement(role=role, gu=gu, dong=dong)
    user = User.objects.select_for_update().get(pk=user.pk)
    user.gu, user.dong, user.is_active = gu, dong, True
    user._history_user = by
    user._change_reason = reason[:100]
    assign_role(user=user, role=role)
    user.save()
    return user


@transaction.atomic
def mark_password_reset(*, user: User, by: User) -> User:
    """An administrator set the account's password: its owner must choose a new one at the next
    login (casemgmt.core.middleware), and the change history says who reset it."""
    user = User.objects.select_for_update().get(pk=user.pk)
    user.must_change_password = True
    user._history_user = by
    user._change_reason = "password reset by an administrator"
    user.save(update_fields=["must_change_password"])
    return user


def password_changed_by_owner(*, user: User) -> None:
    if user.must_change_password:
        user.must_change_password = False
        user._change_reason = "new password chosen by the account's owner"
        user.save(update_fields=["must_change_password"])
