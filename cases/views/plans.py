"""서비스제공 계획: writing, revising and signing the service plan."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from casemgmt.core.access import (
    can_edit,
)
from casemgmt.core.exceptions import ApplicationError

from .. import services
from ..forms import (
    PlanForm,
    PlanGoalForm,
    PlanItemForm,
    SignPlanForm,
)
from ..models.case import latest_plan, plan_approval_required
from .common import (
    load_case,
)


# --- service plan ------------------------------------------------------------------------------------------
@require_http_methods(["GET", "HEAD", "POST"])
def plan_create(request, case_pk):
    case = load_case(request, case_pk, write=True)
    previous = latest_plan(case)
    initial = (
        {"short_term_goal": previous.short_term_goal, "long_term_goal": previous.long_term_goal}
        if previous
        else {}
    )
    form = PlanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "loaded_version"}
        try:
            plan = services.create_plan(case=case, by=request.user, **data)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            return redirect("cases:plan_detail", case_pk=case.pk, number=plan.number)
    return render(
        request,
        "cases/record_form.html",
        {
            "form": form,
            "case": case,
            "client": case.client,
            "title": _("New service plan"),
            "cancel_url": reverse("cases:case_detail", args=[case.pk]),
        },
    )


@require_safe
def plan_detail(request, case_pk, number):
    case = load_case(request, case_pk)
    plan = get_object_or_404(
        case.plans.select_related("assessment", "signed_recorded_by"), number=number
    )
    return render(request, "cases/plan_detail.html", _plan_context(request, case, plan))


def _plan_context(request, case, plan, **bound_forms):
    """The plan page: the plan, and the four forms (unbound, or the one refused with its data).

    Matching: for the goal being planned (``?goal=``, else the last one), the fitting resources
    best first; ``?resource=`` (the officer's pick) pre-fills the item form with it. Each item
    shows its referrals, and a button to refer it while the case is open for referrals.
    """
    from resources.selectors import matches_for_goal, plan_item_from_resource, plan_item_referrals
    from resources.services import REFERRAL_STAGES

    goals = list(
        plan.goals.select_related("hints_acknowledged_by").prefetch_related(
            "items__resource", "items__provider"
        )
    )
    last_goal = goals[-1] if goals else None
    case_editable = can_edit(request.user, case)
    editable = case_editable and not plan.is_signed
    match_goal = next((g for g in goals if str(g.pk) == request.GET.get("goal")), last_goal)
    picked, picked_initial = None, {}
    if editable and match_goal is not None:
        picked, picked_initial = plan_item_from_resource(
            user=request.user, resource_pk=request.GET.get("resource"), goal=match_goal
        )
    referrals = plan_item_referrals(plan=plan)
    for goal in goals:
        for item in goal.items.all():
            item.referral_list = referrals.get(item.pk, [])
            item.referral = item.referral_list[0] if item.referral_list else None
    forms = {
        "header_form": PlanForm(instance=plan),
        "goal_form": PlanGoalForm(
            plan=plan,
            prefix="goal",
            initial=_next_goal_initial(plan, domain=request.GET.get("need")),
        ),
        "item_form": PlanItemForm(
            plan=plan,
            user=request.user,
            manager_name=case.primary_manager.name,
            prefix="item",
            initial={
                "goal": match_goal.pk if match_goal else None,
                "start_date": timezone.localdate(),
                **picked_initial,
            },
        ),
        "sign_form": SignPlanForm(prefix="sign"),
        **bound_forms,
    }
    return {
        "case": case,
        "plan": plan,
        "goals": goals,
        "editable": editable,
        "has_goals": last_goal is not None,
        "needs": plan.assessment.needs.all(),
        "match_goal": match_goal,
        "matches": (
            matches_for_goal(user=request.user, goal=match_goal, dong=case.client.dong_id)
            if editable and match_goal is not None
            else []
        ),
        "picked": picked,
        # The gu asks for the supervisor's approval before the client signs (cases.schedule).
        "awaiting_approval": editable and plan.approved_on is None and plan_approval_required(case),
        "can_refer": case_editable
        and case.stage in REFERRAL_STAGES
        and not case.plans.filter(number__gt=plan.number).exists(),
        **forms,
    }


def _next_goal_initial(plan, *, domain=None):
    """Nothing typed twice: the next goal starts from an assessed need (``domain``, the one the
    officer chose, else the first not yet planned), and every pre-filled field comes from that
    need, as in 002's planning table: its current state is the problem, the client's own view
    the demand or wish, its desired state the need to meet and the purpose to agree on."""
    needs = list(plan.assessment.needs.all())
    need = next((n for n in needs if domain and n.domain == domain), None)
    if need is None:
        planned = set(plan.goals.values_list("domain", flat=True))
        need = next((n for n in needs if n.domain not in planned), None)
    if need is None:
        return {}
    return {
        "domain": need.domain,
        "problem": need.current_state,
        "demand": need.client_view,
        "need": need.desired_state,
        "purpose": need.desired_state,
    }


def _plan_form_post(
    request, case_pk, number, *, form_name, build_form, save, success, hold=lambda form: False
):
    """``hold``: a valid form shown again before saving (the goal's hints): nothing is saved."""
    case = load_case(request, case_pk, write=True)
    plan = get_object_or_404(case.plans.select_related("assessment"), number=number)
    form = build_form(plan)
    if form.is_valid() and hold(form):
        context = _plan_context(request, case, plan, **{form_name: form})
        return render(request, "cases/plan_detail.html", context)
    if form.is_valid():
        try:
            save(plan, form)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, success)
            return redirect("cases:plan_detail", case_pk=case.pk, number=plan.number)
    # Refused: the plan again, with the typed values and the errors on their fields.
    context = _plan_context(request, case, plan, **{form_name: form})
    return render(request, "cases/plan_detail.html", context, status=400)


@require_POST
def plan_update(request, case_pk, number):
    def build(plan):
        return PlanForm(request.POST, instance=plan)

    def save(plan, form):
        services.update_plan(
            plan=plan,
            by=request.user,
            expected_version=form.expected_version(),
            short_term_goal=form.cleaned_data["short_term_goal"],
            long_term_goal=form.cleaned_data["long_term_goal"],
        )

    return _plan_form_post(
        request,
        case_pk,
        number,
        form_name="header_form",
        build_form=build,
        save=save,
        success=_("Saved."),
    )


@require_POST
def plan_goal_add(request, case_pk, number):
    def build(plan):
        return PlanGoalForm(request.POST, plan=plan, prefix="goal")

    def save(plan, form):
        services.add_plan_goal(
            plan=plan,
            by=request.user,
            acknowledged_hints=form.acknowledged_hints,
            **form.goal_data(),
        )

    return _plan_form_post(
        request,
        case_pk,
        number,
        form_name="goal_form",
        build_form=build,
        save=save,
        success=_("The goal was added."),
        hold=lambda form: form.needs_confirmation,
    )


@require_POST
def plan_item_add(request, case_pk, number):
    def build(plan):
        return PlanItemForm(
            request.POST,
            plan=plan,
            user=request.user,
            manager_name=plan.case.primary_manager.name,
            prefix="item",
        )

    def save(plan, form):
        data = dict(form.cleaned_data)
        services.add_plan_item(plan=plan, by=request.user, **data)

    return _plan_form_post(
        request,
        case_pk,
        number,
        form_name="item_form",
        build_form=build,
        save=save,
        success=_("The service item was added."),
    )


@require_POST
def plan_sign(request, case_pk, number):
    def build(plan):
        return SignPlanForm(request.POST, prefix="sign")

    def save(plan, form):
        services.sign_plan(plan=plan, by=request.user, **form.cleaned_data)

    return _plan_form_post(
        request,
        case_pk,
        number,
        form_name="sign_form",
        build_form=build,
        save=save,
        success=_("The signature was recorded."),
    )
