"""The pages of the working day. Thin: each asks the apps' selectors and renders."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from casemgmt.core.access import record_access
from casemgmt.core.models import AccessAction
from casemgmt.core.selectors import grants_waiting_for, month_start, review_due
from cases.selectors import client_counts, client_list, intake_statistics, waiting_for

from .selectors import (
    my_action_items,
    my_agenda,
    my_due,
    my_open_cases,
    recent_work,
    unread_alerts,
    waiting_referrals,
)


@require_safe
def dashboard(request):
    user = request.user
    recent_clients = list(client_list(user=user, filters={"sort": "-created"})[:5])
    my_cases = my_open_cases(user=user)
    due = my_due(user=user)
    referrals = waiting_referrals(user=user)
    agenda = my_agenda(user=user)
    actions = my_action_items(user=user)
    unread = unread_alerts(user=user)
    shown = (
        {c.pk for c in recent_clients}
        | {case.client_id for case in my_cases}
        | {d.case.client_id for d in due}
        | {r.plan_item.plan.case.client_id for r in referrals}
        | {item.case.client_id for item in agenda}
        | {alert.case.client_id for alert in unread}
        | {action.case.client_id for action in actions if action.case_id}
    )
    if shown:
        record_access(request, action=AccessAction.VIEW, clients=sorted(shown))
    return render(
        request,
        "work/dashboard.html",
        {
            "counts": client_counts(user=user),
            "waiting": waiting_for(user=user),
            "intakes": intake_statistics(user=user, since=month_start().date()),
            "recent_clients": recent_clients,
            "my_cases": my_cases,
            "due": due,
            "referrals": referrals,
            "agenda": agenda,
            "action_items": actions,
            "alerts": unread,
            "activity": recent_work(user=user),
            "review_due": review_due(user=user),
            "grants_waiting": grants_waiting_for(user=user),
        },
    )
