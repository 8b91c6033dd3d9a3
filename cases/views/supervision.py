"""슈퍼비전: the team leader writes one on a case; everyone who reads the case reads it."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from casemgmt.core.exceptions import ApplicationError, ConcurrentEditError

from ..forms import SupervisionForm
from ..supervision import may_supervise, record_supervision, update_supervision
from .common import load_case, record_view


@require_http_methods(["GET", "HEAD", "POST"])
def supervision_create(request, case_pk):
    """Only who may supervise the case sees the form: 403 for the rest of its readers."""
    case = load_case(request, case_pk, write=True)
    if not may_supervise(request.user, case):
        raise PermissionDenied
    return record_view(
        request,
        case_pk,
        form_class=SupervisionForm,
        case=case,
        title=_("Record a supervision"),
        save=lambda case, form: record_supervision(
            case=case,
            by=request.user,
            **{k: v for k, v in form.cleaned_data.items() if k != "loaded_version"},
        ),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def supervision_detail(request, case_pk, supervision_pk):
    """GET: the entry, with the form to correct it for who may supervise. POST: the correction
    (403 for the case's other readers); a save on a stale copy is refused, nothing typed lost."""
    write = request.method == "POST"
    case = load_case(request, case_pk, write=write)
    supervision = get_object_or_404(
        case.supervisions.select_related("supervisor", "created_by", "updated_by"),
        pk=supervision_pk,
    )
    editable = may_supervise(request.user, case)
    if write and not editable:
        raise PermissionDenied
    form = SupervisionForm(request.POST or None, instance=supervision) if editable else None
    if write and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "loaded_version"}
        try:
            update_supervision(
                supervision=supervision,
                by=request.user,
                expected_version=form.expected_version(),
                **data,
            )
        except ConcurrentEditError as error:
            supervision = form.refuse_stale(error, type(supervision).objects.get(pk=supervision.pk))
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("cases:case_detail", case_pk=case.pk)
    if write:
        supervision.refresh_from_db()  # the page shows what is stored, not what was typed
    return render(
        request,
        "cases/supervision_detail.html",
        {
            "case": case,
            "client": case.client,
            "supervision": supervision,
            "form": form,
            "history_url": reverse("cases:case_history", args=[case.pk]),
            "cancel_url": reverse("cases:case_detail", args=[case.pk]),
        },
    )
