"""사례: the case list, the case page, its moves, its team and the hand-over to the gu team."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_fsm import ConcurrentTransition

from casemgmt.core.access import (
    can_edit,
    record_access,
)
from casemgmt.core.exceptions import ApplicationError, ConcurrentEditError
from casemgmt.core.models import AccessAction
from casemgmt.core.paging import BoundedPaginator

from .. import alerts, services
from ..forms import (
    CaseFilterForm,
    CaseTeamForm,
    HandoverForm,
    MoveForm,
)
from ..models import Case
from ..models.case import latest_assessment, latest_plan
from ..selectors import (
    case_list,
    case_managers,
    case_timeline,
    scale_series,
)
from ..supervision import may_supervise
from .common import (
    PAGE_SIZE,
    load_case,
)


@require_safe
def case_list_view(request):
    form = CaseFilterForm(request.GET or None, managers=case_managers(user=request.user))
    form.is_valid()
    filters = dict(getattr(form, "cleaned_data", {}))
    page = BoundedPaginator(case_list(user=request.user, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    if page.object_list:
        record_access(
            request, action=AccessAction.VIEW, clients=[c.client_id for c in page.object_list]
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cases/case_list.html",
        {"filter_form": form, "page": page, "query": query.urlencode()},
    )


@require_safe
def case_detail(request, case_pk):
    case = load_case(request, case_pk)
    editable = can_edit(request.user, case)
    alerts.mark_case_read(user=request.user, case=case)  # opening the case reads its alerts
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "can_edit": editable,
            "is_supervisor": editable and request.user.has_perm("core.supervise_dong"),
            "is_dong_leader": services.is_dong_leader(request.user, case),
            "tasks": list(
                case.tasks.filter(done_at__isnull=True).select_related("decision__item__meeting")
            ),
            "is_gu_team": services.is_gu_team(request.user, case),
            "moves": case.moves() if editable else [],
            "timeline": case_timeline(case=case),
            "assessment": latest_assessment(case),
            "plan": latest_plan(case),
            "consents": list(case.consents.all()),
            "selection": case.selections.order_by("-id").first(),
            "closure": case.closures.filter(cycle=case.cycle).order_by("-id").first(),
            "move_form": MoveForm(),
            "clocks": list(case.clocks.filter(cycle=case.cycle)),
            "next_contact_item": case.next_contact_item,
            "scales": scale_series(case=case),
            "may_supervise": may_supervise(request.user, case),
        },
    )


@require_POST
def case_move(request, case_pk, transition):
    case = load_case(request, case_pk, write=True)
    form = MoveForm(request.POST)
    form.is_valid()
    try:
        services.move_case(
            case=case,
            transition=transition,
            by=request.user,
            note=form.cleaned_data.get("note", ""),
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    except ConcurrentTransition:
        messages.error(
            request, _("Someone else changed this case meanwhile. Look at its stage and try again.")
        )
    else:
        messages.success(
            request, _("The case moved to %(stage)s.") % {"stage": case.get_stage_display()}
        )
    return redirect("cases:case_detail", case_pk=case.pk)


# --- the case's team, and hand-over to the gu team ---------------------------------------------------------------
@require_http_methods(["GET", "HEAD", "POST"])
def case_team(request, case_pk):
    case = load_case(request, case_pk, write=True)
    form = CaseTeamForm(request.POST or None, instance=case)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.change_case_team(
                case=case, by=request.user, expected_version=form.expected_version(),
                primary_manager=data["primary_manager"], assistant=data["assistant"],
                partner_worker=data["partner_worker"], note=data["note"],
            )  # fmt: skip
        except ConcurrentEditError as error:
            form.refuse_stale(error, Case.objects.get(pk=case.pk))
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("cases:case_detail", case_pk=case.pk)
    return render(
        request,
        "cases/record_form.html",
        {
            "form": form,
            "case": case,
            "client": case.client,
            "title": _("The case's team"),
            "cancel_url": reverse("cases:case_detail", args=[case.pk]),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def case_handover(request, case_pk):
    case = load_case(request, case_pk, write=True)
    refusal = services.handover_refusal(request.user, case)
    form = HandoverForm(request.POST or None, case=case)
    if request.method == "POST" and not refusal and form.is_valid():
        try:
            services.hand_over_to_gu(case=case, by=request.user, **form.cleaned_data)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("The gu team now has the case: %(mode)s.")
                % {"mode": case.get_gu_involvement_display()},
            )
            return redirect("cases:case_detail", case_pk=case.pk)
    return render(
        request,
        "cases/record_form.html",
        {
            "form": form,
            "case": case,
            "client": case.client,
            "title": _("Share with or transfer to the gu team"),
            "cancel_url": reverse("cases:case_detail", args=[case.pk]),
            "refusal": refusal,
        },
    )


@require_POST
def case_return(request, case_pk):
    case = load_case(
        request, case_pk
    )  # the dong's leader reads a transferred case; the service decides
    form = MoveForm(request.POST)
    form.is_valid()
    try:
        services.return_to_dong(case=case, by=request.user, note=form.cleaned_data.get("note", ""))
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The case is back with the dong team."))
    return redirect("cases:case_detail", case_pk=case.pk)
