"""팀 현황: the dong team leader's view of the team's cases."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_safe

from casemgmt.core.access import record_access
from casemgmt.core.models import AccessAction

from . import team


@require_safe
def team_view(request):
    user = request.user
    if not team.may_see_team(user):
        raise PermissionDenied
    clocks = team.late_clocks(user=user)
    shown = sorted({clock.case.client_id for clock in clocks})
    if shown:
        record_access(request, action=AccessAction.VIEW, clients=shown)
    return render(
        request,
        "work/team.html",
        {
            "load": team.caseload(user=user),
            "overdue_kinds": team.OVERDUE_KINDS,
            "clocks": clocks,
            "waiting": team.waiting_for_leader(user=user),
        },
    )
