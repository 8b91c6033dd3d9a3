"""Change history pages and the resident registration number shown in full with a reason.

Both load through the scoped door like the record's own page: another dong gets 404.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_safe

from casemgmt.core.access import get_for_user, get_rw_for_user
from casemgmt.core.forms import DownloadReasonForm
from casemgmt.core.models import AccessAction

from .models import Case, Client
from .selectors import case_change_history, client_change_history
from .special_consent import NOT_SHOWN_RESIDENT_NUMBER, special_consent


@require_safe
def client_history(request, pk):
    client = get_for_user(request, Client.objects.select_related("dong"), pk=pk)
    return render(
        request,
        "cases/change_history.html",
        {"subject": client, "client": client, "entries": client_change_history(client=client)},
    )


@require_safe
def case_history(request, case_pk):
    case = get_for_user(request, Case.objects.select_related("client", "dong"), pk=case_pk)
    return render(
        request,
        "cases/change_history.html",
        {"subject": case, "case": case, "entries": case_change_history(case=case)},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def client_resident_number(request, pk):
    """GET: the masked number and the reason form; POST with a reason: the full number.

    Only the client's own dong team (who may change the client) may unmask; gu staff, who read
    every dong, see the masked number only. One access record per request, with the reason.
    """
    form = DownloadReasonForm(request.POST or None)
    unmask = request.method == "POST" and form.is_valid()
    client = get_rw_for_user(
        request,
        Client.objects.select_related("dong"),
        pk=pk,
        action=AccessAction.VIEW,
        reason=form.cleaned_data["reason"] if unmask else "",
    )
    if not special_consent(client).identifier:  # withdrawn or never given: held, not shown
        raise PermissionDenied(NOT_SHOWN_RESIDENT_NUMBER)
    return render(
        request,
        "cases/resident_number.html",
        {
            "client": client,
            "form": form,
            "revealed": client.resident_number if unmask and client.resident_number else None,
        },
        status=400 if form.errors else 200,
    )
