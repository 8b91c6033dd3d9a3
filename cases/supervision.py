"""슈퍼비전 on record: the team leader's teaching, advice or mediation on a case (seed 002: the
supervisor's educational, supportive and administrative functions), and what the case manager
will do about it.

Who writes it: the welfare team leader of the case's dong, or the gu team for a case transferred
to it — the same people who take the supervisor's other decisions (``services._ensure_supervisor``).
Everyone who reads the case reads it: on the case's timeline and on its own page. Each entry keeps
its change history; an edit made on a stale copy is refused; the case manager gets an alert.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from casemgmt.core.access import can_edit
from casemgmt.core.korean import korean_date
from casemgmt.core.versioning import save_versioned

from . import alerts
from .models import AlertKind, GuInvolvement, Supervision
from .services import is_dong_leader, is_gu_team

ONLY_SUPERVISOR_WRITES = _(
    "Only the welfare team leader (supervisor) of the case's dong writes a supervision."
)
ALERT_SUPERVISION = _("%(by)s recorded a supervision on the case: %(kind)s.")
ALERT_SUPERVISION_CHANGED = _("%(by)s changed a supervision of %(date)s.")
FIELDS = ("date", "kind", "discussed", "advice", "action", "action_due")


def may_supervise(user, case) -> bool:
    """The dong's team leader on a case the dong may change; the gu team on a case transferred
    to it."""
    if not can_edit(user, case):
        return False
    if case.gu_involvement == GuInvolvement.TRANSFERRED:
        return is_gu_team(user, case)
    return is_dong_leader(user, case)


def ensure_may_supervise(user, case):
    if not may_supervise(user, case):
        raise PermissionDenied(ONLY_SUPERVISOR_WRITES)


def _notify(supervision, by, message):
    alerts.notify(
        case=supervision.case,
        by=by,
        kind=AlertKind.SUPERVISION,
        message=message,
        url=reverse("cases:supervision_detail", args=[supervision.case_id, supervision.pk]),
    )


@transaction.atomic
def record_supervision(
    *, case, by, kind, discussed, advice, action, date=None, action_due=None
) -> Supervision:
    ensure_may_supervise(by, case)
    supervision = Supervision(
        case=case,
        kind=kind,
        discussed=discussed,
        advice=advice,
        action=action,
        action_due=action_due,
        supervisor=by,
        created_by=by,
        updated_by=by,
    )
    if date is not None:
        supervision.date = date
    supervision.full_clean()
    supervision.save()
    label = supervision.get_kind_display()
    _notify(supervision, by, ALERT_SUPERVISION % {"by": by, "kind": label})
    return supervision


@transaction.atomic
def update_supervision(*, supervision, by, expected_version, **data) -> Supervision:
    """Correct a supervision entry; refused (ConcurrentEditError) when someone saved it since
    ``expected_version``. The change history keeps the old values."""
    ensure_may_supervise(by, supervision.case)
    for name in FIELDS:
        if name in data:
            setattr(supervision, name, data[name])
    save_versioned(supervision, by=by, expected_version=expected_version)
    _notify(
        supervision,
        by,
        ALERT_SUPERVISION_CHANGED % {"by": by, "date": korean_date(supervision.date)},
    )
    return supervision
