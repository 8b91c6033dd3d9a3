"""Who may change a case and its records: the dong's team, and the gu's team once the case is
shared with it or transferred to it (a transferred case is the gu's to change; the dong reads)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from casemgmt.core.access import SCOPE_OWN_DONG, SCOPE_WHOLE_GU, ScopedQuerySet


class GuInvolvement(models.TextChoices):
    NONE = "", _("Dong only")
    SHARED = "shared", _("Shared with the gu team")
    TRANSFERRED = "transferred", _("Transferred to the gu team")


class CaseScopedQuerySet(ScopedQuerySet):
    #: "" for Case itself, "case__" for the records of a case
    case_prefix = ""
    change_permission = "cases.change_case"

    def editable_by(self, user):
        if not (
            user.is_authenticated and user.is_active and user.has_perm(self._change_permission())
        ):
            return self.none()
        p = self.case_prefix
        if user.has_perm(SCOPE_WHOLE_GU) and user.gu_id:
            return self.filter(
                **{
                    f"{p}dong__gu_id": user.gu_id,
                    f"{p}gu_involvement__in": [GuInvolvement.SHARED, GuInvolvement.TRANSFERRED],
                }
            )
        if user.has_perm(SCOPE_OWN_DONG) and user.dong_id:
            return self.filter(**{f"{p}dong": user.dong_id}).exclude(
                **{f"{p}gu_involvement": GuInvolvement.TRANSFERRED}
            )
        return self.none()
