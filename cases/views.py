from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_fsm import ConcurrentTransition

from casemgmt.core.access import (
    can_create_in_dong,
    can_edit,
    get_for_user,
    get_rw_for_user,
    record_access,
)
from casemgmt.core.exceptions import ApplicationError, ConcurrentEditError
from casemgmt.core.models import AccessAction, Dong

from . import alerts, services
from .forms import (
    DUPLICATE_CHECK_LIMIT,
    AssessmentForm,
    CaseFilterForm,
    CaseTeamForm,
    ClientFilterForm,
    ClientForm,
    ClosureForm,
    ConsentForm,
    DiscoveryEntryForm,
    DiscoveryFilterForm,
    DiscoveryImportForm,
    DuplicateCheckForm,
    EvaluationForm,
    FollowUpForm,
    GoalResultForm,
    HandoverForm,
    HouseholdMemberForm,
    IntakeForm,
    InterventionForm,
    InvestigationForm,
    MonitoringForm,
    MoveForm,
    NeedFormSet,
    PlanForm,
    PlanGoalForm,
    PlanItemForm,
    SelectionForm,
    SignPlanForm,
    WithdrawConsentForm,
)
from .models import Case, Client, DiscoveryEntry, DiscoveryResult, Disposition
from .models.case import latest_assessment, latest_plan
from .selectors import (
    DUPLICATE_CHECK_TARGET,
    case_list,
    case_managers,
    case_timeline,
    client_for_discovery,
    client_list,
    discovery_counts,
    discovery_list,
    duplicate_checks_in_the_last_hour,
    gu_duplicates,
)

PAGE_SIZE = 25


def _visible_dongs(user):
    return Dong.objects.filter(pk__in=Client.objects.for_user(user).values("dong_id"))


@require_safe
def client_list_view(request):
    form = ClientFilterForm(request.GET or None, dongs=_visible_dongs(request.user))
    form.is_valid()  # a bad value in one filter drops that filter only
    filters = dict(getattr(form, "cleaned_data", {}))
    if filters.get("archived"):
        filters = {**filters, "archived": "1"}
    page = Paginator(client_list(user=request.user, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    if page.object_list:
        record_access(request, action=AccessAction.VIEW, clients=[c.pk for c in page.object_list])
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cases/client_list.html",
        {
            "filter_form": form,
            "page": page,
            "query": query.urlencode(),
            "can_create": can_create_in_dong(request.user, Client),
        },
    )


class TooManyDuplicateChecks(ApplicationError):
    pass


def _duplicates(request, *, name, birth_date, registering=False):
    """The gu-wide check, limited per officer per hour and recorded: on the check page every time,
    at a registration when someone was found (with nobody found, the registration itself is the
    record, and it goes ahead)."""
    limit = settings.DUPLICATE_CHECKS_PER_HOUR
    if duplicate_checks_in_the_last_hour(user=request.user) >= limit:
        raise TooManyDuplicateChecks(DUPLICATE_CHECK_LIMIT % {"limit": limit})
    found = gu_duplicates(user=request.user, name=name, birth_date=birth_date)
    if found or not registering:
        record_access(
            request,
            action=AccessAction.VIEW,
            clients=[d["client_id"] for d in found],
            target=DUPLICATE_CHECK_TARGET,
        )
    return found


@require_safe
def duplicate_check(request):
    """Is this person already a client somewhere in the gu? Where, and whom to call: nothing more."""
    form = DuplicateCheckForm(request.GET or None)
    duplicates = None
    if request.GET and form.is_valid():
        try:
            duplicates = _duplicates(request, **form.cleaned_data)
        except TooManyDuplicateChecks as error:
            form.add_error(None, error.message)
    return render(
        request,
        "cases/duplicate_check.html",
        {"form": form, "duplicates": duplicates, "limit": settings.DUPLICATE_CHECKS_PER_HOUR},
    )


@require_safe
def client_detail(request, pk):
    client = get_for_user(
        request, Client.objects.select_related("dong", "created_by", "updated_by"), pk=pk
    )
    return render(
        request,
        "cases/client_detail.html",
        {
            "client": client,
            "can_edit": can_edit(request.user, client),
            "cases": client.cases.select_related("primary_manager").order_by("-opened_on"),
            "intakes": client.intakes.select_related("counselled_by", "case").order_by(
                "-intake_date", "-id"
            ),
            "household": client.household.filter(archived_at__isnull=True),
        },
    )


@require_POST
def client_archive(request, pk):
    client = get_rw_for_user(request, Client.objects.all(), pk=pk)
    restore = "restore" in request.POST
    try:
        if restore:
            services.restore_client(client=client, by=request.user)
        else:
            services.archive_client(client=client, by=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The client is back in the lists.")
            if restore
            else _("The client was archived: every record is kept."),
        )
    return redirect("cases:client_detail", pk=client.pk)


@require_http_methods(["GET", "HEAD", "POST"])
def client_create(request):
    if not can_create_in_dong(request.user, Client):
        raise PermissionDenied
    discovery = _discovery_from(request, request.user)
    initial = {}
    if discovery is not None:
        initial = {f: getattr(discovery, f) for f in ("name", "birth_date", "phone", "address")}
    form = ClientForm(request.POST or None, initial=initial)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "loaded_version"}
        # Nobody served twice: the same person anywhere in the gu is shown before a second
        # registration, and the officer confirms having seen it.
        try:
            duplicates = _duplicates(
                request, name=data["name"], birth_date=data["birth_date"], registering=True
            )
        except TooManyDuplicateChecks as error:
            form.add_error(None, error.message)
            return render(
                request,
                "cases/client_form.html",
                {"form": form, "client": None,
                 "hidden": {"discovery": discovery.pk} if discovery else {}},
            )  # fmt: skip
        if duplicates and not request.POST.get("confirm_duplicates"):
            return render(
                request,
                "cases/client_form.html",
                {"form": form, "client": None, "duplicates": duplicates,
                 "hidden": {"discovery": discovery.pk} if discovery else {}},
            )  # fmt: skip
        try:
            client = services.create_client(by=request.user, **data)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            record_access(request, action=AccessAction.CREATE, obj=client)
            messages.success(request, _("The client was registered."))
            if discovery is not None:
                return redirect(
                    reverse("cases:intake_create", args=[client.pk]) + f"?discovery={discovery.pk}"
                )
            return redirect("cases:client_detail", pk=client.pk)
    return render(
        request,
        "cases/client_form.html",
        {"form": form, "client": None, "hidden": {"discovery": discovery.pk} if discovery else {}},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def client_update(request, pk):
    client = get_rw_for_user(
        request,
        Client.objects.select_related("dong"),
        pk=pk,
        action=AccessAction.UPDATE if request.method == "POST" else AccessAction.VIEW,
    )
    form = ClientForm(request.POST or None, instance=client)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "loaded_version"}
        try:
            services.update_client(
                client=client, by=request.user, expected_version=form.expected_version(), **data
            )
        except ConcurrentEditError as error:
            conflict = form.refuse_stale(
                error, Client.objects.select_related("updated_by").get(pk=pk)
            )
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("cases:client_detail", pk=client.pk)
    return render(
        request, "cases/client_form.html", {"form": form, "client": client, "conflict": conflict}
    )


# --- intake ------------------------------------------------------------------------------------------
def _discovery_from(request, user):
    """The discovery entry an intake or a registration starts from (``?discovery=``), scoped."""
    pk = request.POST.get("discovery") or request.GET.get("discovery")
    if not pk:
        return None
    pending = DiscoveryEntry.objects.for_user(user).filter(result=DiscoveryResult.PENDING)
    try:
        return pending.get(pk=pk)
    except (DiscoveryEntry.DoesNotExist, ValueError, TypeError) as exc:  # "abc" is not found either
        raise Http404 from exc


@require_http_methods(["GET", "HEAD", "POST"])
def intake_create(request, pk):
    client = get_rw_for_user(
        request,
        Client.objects.select_related("dong"),
        pk=pk,
        action=AccessAction.CREATE if request.method == "POST" else AccessAction.VIEW,
    )
    discovery = _discovery_from(request, request.user)
    initial = {"intake_date": timezone.localdate()}
    if discovery is not None:  # nothing typed twice: the report becomes the intake's starting point
        initial.update(route="outreach", route_detail=f"{discovery.get_source_display()} {discovery.source_detail}".strip(),
                       presenting_problem=discovery.risk_summary)  # fmt: skip
    form = IntakeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            intake = services.record_intake(
                client=client, by=request.user, discovery=discovery, **form.cleaned_data
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            if intake.disposition == Disposition.CASE_MANAGEMENT:
                messages.success(
                    request,
                    _("The intake opened case %(number)s.") % {"number": intake.case.number},
                )
                return redirect("cases:case_detail", case_pk=intake.case.pk)
            messages.success(request, _("The initial counselling was recorded."))
            return redirect("cases:client_detail", pk=client.pk)
    return render(
        request,
        "cases/record_form.html",
        {
            "form": form,
            "client": client,
            "title": _("Initial counselling"),
            "cancel_url": client.get_absolute_url(),
            "hidden": {"discovery": discovery.pk} if discovery else {},
        },
    )


# --- cases -----------------------------------------------------------------------------------------------
CASE_RELATED = ("client", "dong", "primary_manager", "assistant", "intake", "updated_by")


def _load_case(request, case_pk, *, write=False):
    queryset = Case.objects.select_related(*CASE_RELATED)
    if not write:
        return get_for_user(request, queryset, pk=case_pk)
    action = AccessAction.UPDATE if request.method == "POST" else AccessAction.VIEW
    return get_rw_for_user(request, queryset, pk=case_pk, action=action)


@require_safe
def case_list_view(request):
    form = CaseFilterForm(request.GET or None, managers=case_managers(user=request.user))
    form.is_valid()
    filters = dict(getattr(form, "cleaned_data", {}))
    page = Paginator(case_list(user=request.user, filters=filters), PAGE_SIZE).get_page(
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
    case = _load_case(request, case_pk)
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
        },
    )


@require_POST
def case_move(request, case_pk, transition):
    case = _load_case(request, case_pk, write=True)
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


def _record_view(
    request,
    case_pk,
    *,
    form_class,
    save,
    title,
    template="cases/record_form.html",
    with_case=False,
    with_user=False,
    case=None,
    initial=None,
):
    """A form that adds one record to a case through a service, then returns to the case.

    ``case``: already loaded (and recorded) by the caller, so the access is recorded once.
    ``initial``: a function of the case giving the blank form's pre-filled values."""
    case = case or _load_case(request, case_pk, write=True)
    kwargs = {"case": case} if with_case else {}
    if with_user:
        kwargs["user"] = request.user
    if initial is not None and request.method != "POST":
        kwargs["initial"] = initial(case)
    form = form_class(request.POST or None, **kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            save(case, form)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Saved."))
            return redirect("cases:case_detail", case_pk=case.pk)
    return render(
        request,
        template,
        {
            "form": form,
            "case": case,
            "client": case.client,
            "title": title,
            "cancel_url": reverse("cases:case_detail", args=[case.pk]),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def selection_decide(request, case_pk):
    return _record_view(
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
    return _record_view(
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
    case = _load_case(request, case_pk, write=True)
    consent = get_object_or_404(case.consents, pk=consent_pk)
    return _record_view(
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
    return _record_view(
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

    return _record_view(
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


@require_http_methods(["GET", "HEAD", "POST"])
def closure_create(request, case_pk):
    return _record_view(
        request,
        case_pk,
        form_class=ClosureForm,
        title=_("Propose closure"),
        save=lambda case, form: services.propose_closure(
            case=case, by=request.user, **form.cleaned_data
        ),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def follow_up_create(request, case_pk):
    return _record_view(
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
    case = _load_case(request, case_pk, write=True)
    try:
        services.approve_closure(case=case, by=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The closure was approved."))
    return redirect("cases:case_detail", case_pk=case.pk)


@require_http_methods(["GET", "HEAD", "POST"])
def evaluation_create(request, case_pk):
    case = _load_case(request, case_pk, write=True)
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
    case = _load_case(request, case_pk, write=True)
    try:
        assessment = services.start_assessment(case=case, by=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("cases:case_detail", case_pk=case.pk)
    return redirect("cases:assessment_edit", case_pk=case.pk, number=assessment.number)


@require_http_methods(["GET", "HEAD", "POST"])
def assessment_edit(request, case_pk, number):
    case = _load_case(request, case_pk, write=request.method == "POST")
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


# --- service plan ------------------------------------------------------------------------------------------
@require_http_methods(["GET", "HEAD", "POST"])
def plan_create(request, case_pk):
    case = _load_case(request, case_pk, write=True)
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
    case = _load_case(request, case_pk)
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

    goals = list(plan.goals.prefetch_related("items__resource", "items__provider"))
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
        "goal_form": PlanGoalForm(prefix="goal", initial=_next_goal_initial(case, plan)),
        "item_form": PlanItemForm(
            plan=plan,
            user=request.user,
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
        "can_refer": case_editable
        and case.stage in REFERRAL_STAGES
        and not case.plans.filter(number__gt=plan.number).exists(),
        **forms,
    }


def _next_goal_initial(case, plan):
    """Nothing typed twice: the next goal starts from the first assessed need not yet planned."""
    planned = set(plan.goals.values_list("domain", flat=True))
    need = next((n for n in plan.assessment.needs.all() if n.domain not in planned), None)
    if need is None:
        return {}
    return {
        "domain": need.domain,
        "problem": case.intake.presenting_problem if case.intake_id else "",
        "need": need.current_state,
        "purpose": need.desired_state,
    }


def _plan_form_post(request, case_pk, number, *, form_name, build_form, save, success):
    case = _load_case(request, case_pk, write=True)
    plan = get_object_or_404(case.plans.select_related("assessment"), number=number)
    form = build_form(plan)
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
        return PlanGoalForm(request.POST, prefix="goal")

    def save(plan, form):
        services.add_plan_goal(plan=plan, by=request.user, **form.cleaned_data)

    return _plan_form_post(
        request,
        case_pk,
        number,
        form_name="goal_form",
        build_form=build,
        save=save,
        success=_("The goal was added."),
    )


@require_POST
def plan_item_add(request, case_pk, number):
    def build(plan):
        return PlanItemForm(request.POST, plan=plan, user=request.user, prefix="item")

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


# --- household members -------------------------------------------------------------------------------------
@require_http_methods(["GET", "HEAD", "POST"])
def household_member_create(request, pk):
    client = get_rw_for_user(
        request,
        Client.objects.all(),
        pk=pk,
        action=AccessAction.CREATE if request.method == "POST" else AccessAction.VIEW,
    )
    form = HouseholdMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "loaded_version"}
        services.add_household_member(client=client, by=request.user, **data)
        messages.success(request, _("The household member was added."))
        return redirect("cases:client_detail", pk=client.pk)
    return render(
        request,
        "cases/record_form.html",
        {
            "form": form,
            "client": client,
            "title": _("Add a household member"),
            "cancel_url": client.get_absolute_url(),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def household_member_update(request, pk, member_pk):
    client = get_rw_for_user(
        request,
        Client.objects.all(),
        pk=pk,
        action=AccessAction.UPDATE if request.method == "POST" else AccessAction.VIEW,
    )
    member = get_object_or_404(client.household.all(), pk=member_pk)
    form = HouseholdMemberForm(request.POST or None, instance=member)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "loaded_version"}
        try:
            services.update_household_member(
                member=member, by=request.user, expected_version=form.expected_version(), **data
            )
        except ConcurrentEditError as error:
            form.refuse_stale(error, type(member).objects.get(pk=member.pk))
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("cases:client_detail", pk=client.pk)
    return render(
        request,
        "cases/record_form.html",
        {
            "form": form,
            "client": client,
            "title": _("Edit a household member"),
            "cancel_url": client.get_absolute_url(),
        },
    )


# --- discovery queue -------------------------------------------------------------------------------------------
def _dong_officers(user):
    from casemgmt.core.models import User

    return (
        User.objects.filter(dong_id=user.dong_id, is_active=True).order_by("name")
        if user.dong_id
        else User.objects.none()
    )


@require_safe
def discovery_list_view(request):
    data = request.GET.copy()
    if "result" not in data:
        data["result"] = DiscoveryResult.PENDING  # the queue: what still waits
    form = DiscoveryFilterForm(data)
    form.is_valid()
    page = Paginator(
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


@require_http_methods(["GET", "HEAD", "POST"])
def discovery_create(request):
    if not can_create_in_dong(request.user, DiscoveryEntry):
        raise PermissionDenied
    form = DiscoveryEntryForm(
        request.POST or None,
        officers=_dong_officers(request.user),
        initial={"received_on": timezone.localdate(), "assigned_to": request.user.pk},
    )
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
    form = DiscoveryImportForm(request.POST or None, request.FILES or None)
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


# --- the case's team, and hand-over to the gu team ---------------------------------------------------------------
@require_http_methods(["GET", "HEAD", "POST"])
def case_team(request, case_pk):
    case = _load_case(request, case_pk, write=True)
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
    case = _load_case(request, case_pk, write=True)
    form = HandoverForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
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
        },
    )


@require_POST
def case_return(request, case_pk):
    case = _load_case(
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


# --- printed forms (서식 출력) and signing on screen ------------------------------------------------
# Every print loads through the scoped door with action=PRINT: another dong gets 404, and each
# print leaves an access record. ?format=html shows the same template as a page.
from django.http import Http404  # noqa: E402

from casemgmt.core import pdf as print_pdf  # noqa: E402

from . import pdf as case_pdf  # noqa: E402
from .forms import PrintPeriodForm, SignConsentOnScreenForm, SignOnScreenForm  # noqa: E402
from .models import ConsentMethod, ServicePlan  # noqa: E402
from .models.case import current_closure  # noqa: E402


def _print_case(request, case_pk, *, needs):
    """The case to print from; ``needs(case)`` is the record printed (None: 404, before the
    download reason is asked)."""

    def check(case):
        if needs(case) is None:
            raise Http404

    return get_for_user(
        request,
        Case.objects.select_related(*CASE_RELATED),
        action=AccessAction.PRINT,
        check=check,
        pk=case_pk,
    )


def _print_name(case, kind):
    return f"{case.number}-{kind}.pdf"


@require_safe
def plan_print(request, case_pk, number):
    """서비스제공 계획 및 점검표. A signed plan prints as it was signed: the stored bytes."""
    plan = get_for_user(
        request,
        ServicePlan.objects.select_related(
            "case__client", "case__primary_manager", "case__dong", "signed_recorded_by"
        ),
        action=AccessAction.PRINT,
        case_id=case_pk,
        number=number,
    )
    document = getattr(plan, "signed_document", None)
    filename = _print_name(plan.case, f"plan-v{plan.number}")
    if document is not None and request.GET.get("format") != "html":
        return print_pdf.pdf_response(bytes(document.pdf), filename)
    note, png = "", None
    if document is not None:
        png = bytes(document.signature_image) if document.signature_image else None
        note = case_pdf.signature_note(
            method=document.method,
            by=document.witnessed_by,
            signed_at=timezone.localtime(document.signed_at),
        )
    context = case_pdf.plan_context(plan=plan, signature_png=png, signature_note=note)
    return print_pdf.print_response(request, case_pdf.PLAN_TEMPLATE, context, filename=filename)


@require_http_methods(["GET", "HEAD", "POST"])
def plan_sign_screen(request, case_pk, number):
    """The client signs the plan on the tablet; the officer witnesses and saves."""
    case = _load_case(request, case_pk, write=True)
    plan = get_object_or_404(case.plans.select_related("assessment"), number=number)
    if plan.is_signed:
        messages.info(request, _("This plan is already signed."))
        return redirect("cases:plan_detail", case_pk=case.pk, number=plan.number)
    form = SignOnScreenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.sign_plan(
                plan=plan,
                by=request.user,
                method=ConsentMethod.ON_SCREEN,
                signed_on=form.cleaned_data["signed_on"],
                signature_png=form.cleaned_data["signature"],
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The signature was recorded and the signed plan is kept."))
            return redirect("cases:plan_detail", case_pk=case.pk, number=plan.number)
    return render(
        request,
        "cases/sign_on_screen.html",
        {
            "case": case,
            "form": form,
            "title": _("Sign the plan on screen") + f" (v{plan.number})",
            "preview_url": reverse("cases:plan_print", args=[case.pk, plan.number])
            + "?format=html",
            "cancel_url": reverse("cases:plan_detail", args=[case.pk, plan.number]),
            "submit_label": _("Save the signed plan"),
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def consent_sign_screen(request, case_pk, consent_pk):
    """The client signs the printed consent form on the tablet; it is kept as signed."""
    case = _load_case(request, case_pk, write=True)
    consent = get_object_or_404(case.consents.all(), pk=consent_pk)
    if getattr(consent, "signed_document", None) is not None:
        messages.info(request, _("The client has already signed this consent form."))
        return redirect("cases:case_detail", case_pk=case.pk)
    form = SignConsentOnScreenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.sign_consent(
                consent=consent, by=request.user, signature_png=form.cleaned_data["signature"]
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The signed consent form is kept."))
            return redirect("cases:case_detail", case_pk=case.pk)
    return render(
        request,
        "cases/sign_on_screen.html",
        {
            "case": case,
            "form": form,
            "title": _("Sign the consent form on screen"),
            "preview_url": reverse("cases:consent_print", args=[case.pk]) + "?format=html",
            "cancel_url": reverse("cases:case_detail", args=[case.pk]),
            "submit_label": _("Save the signed consent form"),
        },
        status=400 if form.errors else 200,
    )


def _latest_consent(case):
    return case.consents.order_by("-valid_from", "-id").first()


@require_safe
def consent_print(request, case_pk):
    """개인정보 수집·이용 및 제3자 제공 동의서, from the case's latest consent."""
    case = _print_case(request, case_pk, needs=_latest_consent)
    consent = _latest_consent(case)
    document = getattr(consent, "signed_document", None)
    if document is not None and request.GET.get("format") != "html":
        return print_pdf.pdf_response(bytes(document.pdf), _print_name(case, "consent"))
    context = case_pdf.consent_context(consent=consent)
    return print_pdf.print_response(
        request, case_pdf.CONSENT_TEMPLATE, context, filename=_print_name(case, "consent")
    )


@require_safe
def monitoring_print(request, case_pk):
    """점검표: each item of the latest plan with its monitoring records (?from=&to=)."""
    case = _print_case(request, case_pk, needs=latest_plan)
    plan = latest_plan(case)
    period = PrintPeriodForm(
        {"date_from": request.GET.get("from"), "date_to": request.GET.get("to")}
    )
    period.is_valid()
    dates = getattr(period, "cleaned_data", {})
    context = case_pdf.monitoring_context(
        case=case, plan=plan, date_from=dates.get("date_from"), date_to=dates.get("date_to")
    )
    return print_pdf.print_response(
        request, case_pdf.MONITORING_TEMPLATE, context, filename=_print_name(case, "monitoring")
    )


@require_safe
def intake_print(request, case_pk):
    """초기상담 기록지."""
    case = _print_case(request, case_pk, needs=lambda case: case.intake)
    context = case_pdf.intake_context(case=case, intake=case.intake)
    return print_pdf.print_response(
        request, case_pdf.INTAKE_TEMPLATE, context, filename=_print_name(case, "intake")
    )


@require_safe
def closure_print(request, case_pk):
    """종결 보고서: the current closure and the cycle's last evaluation with its goal results."""
    case = _print_case(request, case_pk, needs=current_closure)
    closure = current_closure(case)
    evaluation = case.evaluations.filter(cycle=case.cycle).order_by("-id").first()
    context = case_pdf.closure_context(case=case, closure=closure, evaluation=evaluation)
    return print_pdf.print_response(
        request, case_pdf.CLOSURE_TEMPLATE, context, filename=_print_name(case, "closure")
    )


@require_safe
def blank_plan_print(request):
    """The plan form with no client data, for a paper-first home visit."""
    return print_pdf.print_response(
        request, case_pdf.PLAN_TEMPLATE, case_pdf.blank_plan_context(), filename="plan-blank.pdf"
    )


@require_safe
def blank_consent_print(request):
    return print_pdf.print_response(
        request,
        case_pdf.CONSENT_TEMPLATE,
        case_pdf.blank_consent_context(),
        filename="consent-blank.pdf",
    )
