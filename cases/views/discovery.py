"""발굴: the discovery queue, its import and each entry's investigation."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from casemgmt.core.access import (
    can_create_in_dong,
    can_edit,
    get_for_user,
    get_rw_for_user,
    record_access,
)
from casemgmt.core.exceptions import ApplicationError
from casemgmt.core.models import AccessAction
from casemgmt.core.paging import BoundedPaginator

from .. import services
from ..forms import (
    DiscoveryEntryForm,
    DiscoveryFilterForm,
    DiscoveryImportForm,
    InvestigationForm,
)
from ..models import DiscoveryEntry, DiscoveryResult, policy_for_gu
from ..selectors import (
    client_for_discovery,
    discovery_counts,
    discovery_list,
)
from .common import (
    PAGE_SIZE,
    dong_officers,
)


@require_safe
def discovery_list_view(request):
    data = request.GET.copy()
    if "result" not in data:
        data["result"] = DiscoveryResult.PENDING  # the queue: what still waits
    form = DiscoveryFilterForm(data)
    form.is_valid()
    page = BoundedPaginator(
        discovery_list(user=request.user, filters=dict(getattr(form, "cleaned_data", {}))),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    if page.object_list:
        record_access(request, action=AccessAction.VIEW, target="cases.discoveryentry:list")
    query = data.copy()
    query.pop("page", None)
    return render(
        request,
        "cases/discovery_list.html",
        {
            "filter_form": form,
            "page": page,
            "query": query.urlencode(),
            "today": timezone.localdate(),
            "counts": discovery_counts(user=request.user),
            "can_create": can_create_in_dong(request.user, DiscoveryEntry),
        },
    )


def _investigate_by(user):
    """The gu's default: a report is investigated within its set number of days."""
    days = policy_for_gu(user.gu_id).discovery_investigation_days
    return timezone.localdate() + datetime.timedelta(days=days)


def _explain_due(form, user):
    days = policy_for_gu(user.gu_id).discovery_investigation_days
    form.fields["due_on"].help_text = _(
        "The gu's standard: investigated within %(days)s days of the report (editable)."
    ) % {"days": days}


@require_http_methods(["GET", "HEAD", "POST"])
def discovery_create(request):
    if not can_create_in_dong(request.user, DiscoveryEntry):
        raise PermissionDenied
    form = DiscoveryEntryForm(
        request.POST or None,
        officers=dong_officers(request.user),
        initial={"received_on": timezone.localdate(), "assigned_to": request.user.pk,
                 "due_on": _investigate_by(request.user)},
    )  # fmt: skip
    _explain_due(form, request.user)
    if request.method == "POST" and form.is_valid():
        services.add_discovery_entry(by=request.user, **form.cleaned_data)
        messages.success(request, _("The household was added to the discovery queue."))
        return redirect("cases:discovery_list")
    return render(
        request,
        "cases/record_form.html",
        {
            "form": form,
            "title": _("Add to the discovery queue"),
            "cancel_url": reverse("cases:discovery_list"),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def discovery_import(request):
    if not can_create_in_dong(request.user, DiscoveryEntry):
        raise PermissionDenied
    form = DiscoveryImportForm(
        request.POST or None, request.FILES or None,
        initial={"due_on": _investigate_by(request.user)},
    )  # fmt: skip
    _explain_due(form, request.user)
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            report = services.import_discovery_list(by=request.user, **form.cleaned_data)
        except ApplicationError as error:
            form.add_error("file", error.message)
        else:
            if report.saved:
                record_access(
                    request,
                    action=AccessAction.CREATE,
                    target=f"cases.discoveryentry:batch:{report.batch}",
                )
                messages.success(
                    request,
                    _("%(n)s households were added to the discovery queue.")
                    % {"n": len(report.created)},
                )
                return redirect("cases:discovery_list")
    return render(request, "cases/discovery_import.html", {"form": form, "report": report})


@require_http_methods(["GET", "HEAD", "POST"])
def discovery_detail(request, entry_pk):
    write = request.method == "POST"
    loader = get_rw_for_user if write else get_for_user
    entry = loader(
        request,
        DiscoveryEntry.objects.select_related("assigned_to", "created_by", "updated_by"),
        pk=entry_pk,
    )
    from copy import copy

    # The page shows the stored entry: the bound form (and a refused service call) change
    # ``entry``, and with a typed result it no longer looks pending, hiding the form's errors.
    shown = copy(entry)
    form = InvestigationForm(request.POST or None, instance=entry)
    if write and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "loaded_version"}
        try:
            services.record_investigation(
                entry=entry, by=request.user, expected_version=form.expected_version(), **data
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The result was recorded."))
            return redirect("cases:discovery_list")
    return render(
        request,
        "cases/discovery_detail.html",
        {
            "entry": shown,
            "form": form,
            "can_edit": can_edit(request.user, shown),
            "client": client_for_discovery(entry=shown),
            "intakes": shown.intakes.select_related("client", "case"),
        },
    )
