"""서식 출력: the printed forms (PDF) and signing on screen."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from casemgmt.core import pdf as print_pdf
from casemgmt.core.access import (
    get_for_user,
)
from casemgmt.core.exceptions import ApplicationError
from casemgmt.core.models import AccessAction

from .. import pdf as case_pdf
from .. import services
from ..forms import PlanSignOnScreenForm, PrintPeriodForm, SignConsentOnScreenForm
from ..models import (
    Case,
    ConsentMethod,
    ServicePlan,
)
from ..models.case import current_closure, latest_plan
from .common import (
    CASE_RELATED,
    load_case,
)


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
    note, png, manager_png = "", None, None
    if document is not None:  # the page preview of a signed plan: both signatures as signed
        png = bytes(document.signature_image) if document.signature_image else None
        if document.manager_signature_image:
            manager_png = bytes(document.manager_signature_image)
        note = case_pdf.signature_note(
            method=document.method,
            by=document.witnessed_by,
            signed_at=timezone.localtime(document.signed_at),
        )
    context = case_pdf.plan_context(
        plan=plan, signature_png=png, signature_note=note, manager_signature_png=manager_png
    )
    return print_pdf.print_response(request, case_pdf.PLAN_TEMPLATE, context, filename=filename)


@require_http_methods(["GET", "HEAD", "POST"])
def plan_sign_screen(request, case_pk, number):
    """The client (or a guardian) and the case manager sign the plan on the tablet, both before
    it is saved and frozen."""
    case = load_case(request, case_pk, write=True)
    plan = get_object_or_404(case.plans.select_related("assessment"), number=number)
    if plan.is_signed:
        messages.info(request, _("This plan is already signed."))
        return redirect("cases:plan_detail", case_pk=case.pk, number=plan.number)
    form = PlanSignOnScreenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.sign_plan(
                plan=plan,
                by=request.user,
                method=ConsentMethod.ON_SCREEN,
                signed_on=form.cleaned_data["signed_on"],
                signature_png=form.cleaned_data["signature"],
                manager_signature_png=form.cleaned_data["manager_signature"],
                client_signer=form.cleaned_data["client_signer"],
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
            "manager_pad": True,
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def consent_sign_screen(request, case_pk, consent_pk):
    """The client signs the printed consent form on the tablet; it is kept as signed."""
    case = load_case(request, case_pk, write=True)
    consent = get_object_or_404(case.consents.all(), pk=consent_pk)
    if getattr(consent, "signed_document", None) is not None:
        messages.info(request, _("The client has already signed this consent form."))
        return redirect("cases:case_detail", case_pk=case.pk)
    form = SignConsentOnScreenForm(request.POST or None, consent=consent)
    if request.method == "POST" and form.is_valid():
        try:
            services.sign_consent(
                consent=consent, by=request.user, signature_png=form.cleaned_data["signature"],
                sensitive_signature_png=form.cleaned_data.get("sensitive_signature"),
                identifier_signature_png=form.cleaned_data.get("identifier_signature"),
            )  # fmt: skip
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
