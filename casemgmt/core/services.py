import datetime

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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
        raise ApplicationError(REVIEW_DONE % {"month": f"{period:%Y. %m.}"})
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
