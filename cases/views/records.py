"""What each stage records: assessment, selection, consent, intervention, monitoring, evaluation, closure, follow-up."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from casemgmt.core.access import (
    can_edit,
)
from casemgmt.core.exceptions import ApplicationError

from .. import services
from ..forms import (
    AssessmentForm,
    ClosureForm,
    ConsentForm,
    EvaluationForm,
    FollowUpForm,
    GoalResultForm,
    InterventionForm,
    MonitoringForm,
    NeedFormSet,
    SelectionForm,
    WithdrawConsentForm,
)
from ..models import policy_for_gu
from ..models.case import latest_plan
from .common import (
    load_case,
    record_view,
)


@require_http_methods(["GET", "HEAD", "POST"])
def selection_decide(request, case_pk):
    return record_view(
        request,
        case_pk,
        form_class=SelectionForm,
        title=_("Selection decision"),
        save=lambda case, form: services.decide_selection(
            case=case, by=request.user, **form.cleaned_data
        ),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def consent_create(request, case_pk):
    return record_view(
        request,
        case_pk,
        form_class=ConsentForm,
        with_user=True,
        title=_("Record consent"),
        save=lambda case, form: services.record_consent(
            case=case, by=request.user, **form.cleaned_data
        ),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def consent_withdraw(request, case_pk, consent_pk):
    case = load_case(request, case_pk, write=True)
    consent = get_object_or_404(case.consents, pk=consent_pk)
    return record_view(
        request,
        case_pk,
        form_class=WithdrawConsentForm,
        case=case,
        title=_("Withdraw consent"),
        save=lambda _case, form: services.withdraw_consent(
            consent=consent,
            by=request.user,
            withdrawn_on=form.cleaned_data["withdrawn_on"],
            note=form.cleaned_data["note"],
        ),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def intervention_create(request, case_pk):
    # A declined referral links here with ?kind=advocacy&plan_item=…: the activity to record.
    initial = {
        field: request.GET[field]
        for field in ("kind", "plan_item")
        if request.method == "GET" and request.GET.get(field)
    }
    return record_view(
        request,
        case_pk,
        form_class=lambda *args, **kwargs: InterventionForm(*args, initial=initial, **kwargs),
        title=_("Record an intervention"),
        with_case=True,
        save=lambda case, form: services.record_intervention(
            case=case, by=request.user, **form.cleaned_data
        ),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def monitoring_create(request, case_pk):
    """?item=<plan item>: the contact that is due, pre-filled with its item, method and today."""

    def initial(case):
        values = {"date": timezone.localdate()}
        item_pk = request.GET.get("item", "")
        plan = latest_plan(case)
        wanted = item_pk.isdigit() and len(item_pk) <= 9  # an id, not an overflow
        item = plan.items.filter(pk=item_pk).first() if plan and wanted else None
        if item is not None:
            values.update(plan_item=item, method=item.monitoring_method)
        return values

    return record_view(
        request,
        case_pk,
        form_class=MonitoringForm,
        title=_("Record monitoring"),
        with_case=True,
        initial=initial,
        save=lambda case, form: services.record_monitoring(
            case=case, by=request.user, **form.cleaned_data
        ),
    )


@require_POST
def monitoring_confirm(request, case_pk, pk):
    """The case manager confirms a partner agency's report (a monitoring entry "through the
    provider"): 404/403 as for any record of the case, then 404 for an entry of another case."""
    case = load_case(request, case_pk, write=True)
    monitoring = get_object_or_404(case.monitorings.select_related("reported_by_provider"), pk=pk)
    monitoring.case = case
    try:
        services.confirm_provider_monitoring(monitoring=monitoring, by=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The report of %(agency)s was confirmed as a monitoring entry.")
            % {"agency": monitoring.reported_by_provider},
        )
    return redirect("cases:case_detail", case_pk=case.pk)


@require_http_methods(["GET", "HEAD", "POST"])
def closure_create(request, case_pk):
    return record_view(
        request,
        case_pk,
        form_class=ClosureForm,
        title=_("Propose closure"),
        initial=_closure_initial,
        save=lambda case, form: services.propose_closure(
            case=case, by=request.user, **form.cleaned_data
        ),
    )


def _closure_initial(case):
    """Today's closure, and the follow-up period the gu sets (editable on the form)."""
    today = timezone.localdate()
    days = policy_for_gu(case.dong.gu_id).follow_up_period_days
    return {"closed_on": today, "follow_up_until": today + datetime.timedelta(days=days)}


@require_http_methods(["GET", "HEAD", "POST"])
def follow_up_create(request, case_pk):
    return record_view(
        request,
        case_pk,
        form_class=FollowUpForm,
        title=_("Record a follow-up check"),
        save=lambda case, form: services.record_follow_up(
            case=case, by=request.user, **form.cleaned_data
        ),
    )


@require_POST
def closure_approve(request, case_pk):
    case = load_case(request, case_pk, write=True)
    try:
        services.approve_closure(case=case, by=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The closure was approved."))
    return redirect("cases:case_detail", case_pk=case.pk)


@require_http_methods(["GET", "HEAD", "POST"])
def evaluation_create(request, case_pk):
    case = load_case(request, case_pk, write=True)
    plan = latest_plan(case)
    goals = list(plan.goals.all()) if plan else []
    form = EvaluationForm(request.POST or None)
    goal_forms = [
        (goal, GoalResultForm(request.POST or None, prefix=f"goal-{goal.pk}")) for goal in goals
    ]
    if request.method == "POST" and form.is_valid() and all(f.is_valid() for _g, f in goal_forms):
        try:
            services.record_evaluation(
                case=case,
                by=request.user,
                **form.cleaned_data,
                goal_results=[{"goal": goal, **f.cleaned_data} for goal, f in goal_forms],
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The evaluation was recorded."))
            return redirect("cases:case_detail", case_pk=case.pk)
    return render(
        request,
        "cases/evaluation_form.html",
        {"form": form, "goal_forms": goal_forms, "case": case},
    )


# --- needs assessment ------------------------------------------------------------------------------------
@require_POST
def assessment_start(request, case_pk):
    case = load_case(request, case_pk, write=True)
    try:
        assessment = services.start_assessment(case=case, by=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("cases:case_detail", case_pk=case.pk)
    return redirect("cases:assessment_edit", case_pk=case.pk, number=assessment.number)


@require_http_methods(["GET", "HEAD", "POST"])
def assessment_edit(request, case_pk, number):
    case = load_case(request, case_pk, write=request.method == "POST")
    assessment = get_object_or_404(case.assessments.prefetch_related("needs"), number=number)
    editable = can_edit(request.user, case) and not assessment.is_complete
    form = AssessmentForm(request.POST or None, instance=assessment)
    initial = [
        {
            f: getattr(n, f)
            for f in [
                "domain",
                "priority",
                "client_view",
                "current_state",
                "desired_state",
                "change_strategy",
            ]
        }
        for n in assessment.needs.all()
    ]
    # Bound, the rows are exactly what was posted: every filled row counts, whatever the
    # initial values were (a row equal to its initial value must not be dropped as "unchanged").
    needs = NeedFormSet(
        request.POST or None, initial=None if request.method == "POST" else initial, prefix="needs"
    )
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if form.is_valid() and needs.is_valid():
            rows = [
                f.cleaned_data for f in needs if f.cleaned_data and not f.cleaned_data.get("DELETE")
            ]
            for row in rows:
                row.pop("DELETE", None)
            data = {k: v for k, v in form.cleaned_data.items() if k != "loaded_version"}
            try:
                # "Save and complete" is one step: a refused completion saves nothing either.
                with transaction.atomic():
                    services.update_assessment(
                        assessment=assessment,
                        by=request.user,
                        expected_version=form.expected_version(),
                        needs=rows,
                        **data,
                    )
                    if "complete" in request.POST:
                        services.complete_assessment(assessment=assessment, by=request.user)
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _("The assessment was completed.")
                    if "complete" in request.POST
                    else _("Saved."),
                )
                if "complete" in request.POST:
                    return redirect("cases:case_detail", case_pk=case.pk)
                return redirect("cases:assessment_edit", case_pk=case.pk, number=number)
    return render(
        request,
        "cases/assessment_form.html",
        {
            "case": case,
            "assessment": assessment,
            "form": form,
            "needs": needs,
            "editable": editable,
        },
    )


@require_safe
def assessment_need_row(request, case_pk, number):
    """One more need row, added in place by htmx (the "add a need" button sends the formset's
    current TOTAL_FORMS): the row with the next index, and the count raised by one (out of band).
    Without JavaScript, "save and keep writing" gives a new empty row as before."""
    case = load_case(request, case_pk, write=True)
    assessment = get_object_or_404(case.assessments.all(), number=number)
    if assessment.is_complete:
        raise PermissionDenied
    try:
        index = int(request.GET.get("needs-TOTAL_FORMS", ""))
    except ValueError:
        return HttpResponse(status=400)  # not the formset's count: nothing to add
    empty = NeedFormSet(prefix="needs")
    if not 0 <= index < empty.max_num:
        return HttpResponse(status=204)  # the most rows a form takes: htmx adds nothing
    need_form = empty.empty_form
    need_form.prefix = empty.add_prefix(index)
    return render(
        request,
        "cases/_need_row.html",
        {"need_form": need_form, "n": index + 1, "total": index + 1, "prefix": "needs",
         "out_of_band": True},
    )  # fmt: skip
