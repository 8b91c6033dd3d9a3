"""알림: my alerts, newest first; opening one reads it and goes to what it is about."""

from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from casemgmt.core.access import record_access
from casemgmt.core.models import AccessAction
from casemgmt.core.paging import BoundedPaginator
from cases import alerts
from cases.models import Alert

PAGE_SIZE = 30


@require_safe
def alert_list(request):
    only_unread = request.GET.get("unread") == "1"
    qs = Alert.objects.for_user(request.user).select_related("case__client", "created_by")
    if only_unread:
        qs = qs.unread()
    page = BoundedPaginator(qs.order_by("-created_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    shown = sorted({alert.case.client_id for alert in page.object_list})
    if shown:
        record_access(request, action=AccessAction.VIEW, clients=shown)
    context = {"page": page, "only_unread": only_unread, "query": "unread=1" if only_unread else ""}
    return render(request, "work/alerts.html", context)


@require_POST
def alert_open(request, pk):
    alert = get_object_or_404(Alert.objects.for_user(request.user), pk=pk)
    alerts.mark_read(user=request.user, alerts=Alert.objects.filter(pk=alert.pk))
    target = alert.url
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = alert.case.get_absolute_url()
    return redirect(target)


@require_POST
def alerts_read(request):
    alerts.mark_read(user=request.user, alerts=Alert.objects.for_user(request.user))
    return redirect("work:alerts")
