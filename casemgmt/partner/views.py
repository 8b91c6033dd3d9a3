"""A partner agency's pages: its referrals — each with only what the client agreed to share with
it — its answer, its report of the service delivered, the documents it sends, and the copy of the
conferences it attended. Above the apps: it reads resources, cases and meetings.

Every page loads through the one door (casemgmt.core.access): an officer, or anything the agency
may not read, gets 404. The PartnerFenceMiddleware keeps the agency's account on these pages.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from casemgmt.core.access import get_for_user, is_partner, record_access
from casemgmt.core.exceptions import ApplicationError
from casemgmt.core.models import AccessAction
from casemgmt.core.paging import BoundedPaginator
from cases.models import SharedItem
from meetings.models import Meeting
from meetings.selectors import external_copy, summary_sections
from resources import partner_services
from resources.models import Referral, ReferralStatus
from resources.partner_selectors import (
    PARTNER_REFERRAL_RELATED,
    consented_items,
    consented_items_for,
    partner_provider,
    partner_referrals,
)

from .forms import AnswerForm, DocumentForm, ServiceReportForm

PAGE_SIZE = 20


def _partner(request):
    """The agency of the signed-in partner account; 404 for anyone else."""
    if not is_partner(request.user):
        raise Http404
    provider = partner_provider(request.user)
    if provider is None:
        raise Http404
    return provider


@require_safe
def home(request):
    """The agency's referrals: those waiting for its answer on top."""
    provider = _partner(request)
    status = request.GET.get("status", "")
    if status not in ReferralStatus.values:
        status = ""
    sort = request.GET.get("sort", "")
    rows = partner_referrals(user=request.user, filters={"status": status, "sort": sort})
    page = BoundedPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    referrals = list(page.object_list)
    allowed = consented_items_for(referrals=referrals)
    for referral in referrals:
        referral.shows_name = SharedItem.BASIC in allowed[referral.pk]
    shown = [r.plan_item.plan.case.client_id for r in referrals if r.shows_name]
    record_access(request, action=AccessAction.VIEW, clients=shown, target="partner:referrals")
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "partner/home.html",
        {
            "provider": provider,
            "page": page,
            "referrals": referrals,
            "status": status,
            "sort": sort,
            "statuses": ReferralStatus.choices,
            "waiting": Referral.objects.for_user(request.user)
            .filter(status=ReferralStatus.REQUESTED)
            .count(),
            "query": query.urlencode(),
        },
    )


def _load(request, pk, *, action=AccessAction.VIEW):
    _partner(request)
    return get_for_user(
        request,
        Referral.objects.select_related(*PARTNER_REFERRAL_RELATED),
        pk=pk,
        action=action,
    )


def _referral_page(request, referral, *, answer_form=None, report_form=None, document_form=None,
                   status=200):  # fmt: skip
    case = referral.plan_item.plan.case
    allowed = consented_items(referral=referral)
    sections = [(title, text) for key, title, text in summary_sections(case=case) if key in allowed]
    contact = None
    if SharedItem.BASIC in allowed:
        contact = {"phone": case.client.phone, "address": case.client.address}
    is_open = referral.status in (
        ReferralStatus.REQUESTED,
        ReferralStatus.ACCEPTED,
        ReferralStatus.IN_SERVICE,
    )
    last = referral.reports.order_by("-reported_on", "-id").first()
    initial = {
        "started_on": referral.started_on
        or (last.started_on if last else None)
        or timezone.localdate()
    }
    return render(
        request,
        "partner/referral.html",
        {
            "referral": referral,
            "case": case,
            "client": case.client if SharedItem.BASIC in allowed else None,
            "sections": sections,
            "contact": contact,
            "answer_form": answer_form
            or (AnswerForm() if referral.status == ReferralStatus.REQUESTED else None),
            "report_form": report_form or (ServiceReportForm(initial=initial) if is_open else None),
            "document_form": document_form or (DocumentForm() if is_open else None),
            "reports": list(referral.reports.select_related("reported_by", "monitoring")),
            "documents": list(referral.documents.select_related("uploaded_by")),
        },
        status=status,
    )


@require_safe
def referral_detail(request, pk):
    return _referral_page(request, _load(request, pk))


def _refusal(form, error):
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error)
    elif isinstance(error, PermissionDenied):
        form.add_error(None, str(error) or _("You may not do this."))
    else:
        form.add_error(None, error.message)


@require_POST
def referral_answer(request, pk):
    referral = _load(request, pk, action=AccessAction.UPDATE)
    form = AnswerForm(request.POST)
    if form.is_valid():
        accept = form.cleaned_data["answer"] == AnswerForm.ACCEPT
        try:
            partner_services.answer_referral(
                referral=referral, by=request.user, accept=accept,
                reason=form.cleaned_data["reason"],
            )  # fmt: skip
        except (ApplicationError, ValidationError, PermissionDenied) as error:
            _refusal(form, error)
        else:
            messages.success(
                request,
                _("Your agency accepted the referral. The case manager is told.")
                if accept
                else _("Your agency declined the referral. The case manager is told."),
            )
            return redirect("partner:referral", pk=referral.pk)
    return _referral_page(request, referral, answer_form=form, status=400)


@require_POST
def referral_report(request, pk):
    referral = _load(request, pk, action=AccessAction.CREATE)
    form = ServiceReportForm(request.POST)
    if form.is_valid():
        try:
            partner_services.report_service(referral=referral, by=request.user, **form.cleaned_data)
        except (ApplicationError, ValidationError, PermissionDenied) as error:
            _refusal(form, error)
        else:
            messages.success(
                request,
                _("Your report is sent. The case manager is told and will confirm it."),
            )
            return redirect("partner:referral", pk=referral.pk)
    return _referral_page(request, referral, report_form=form, status=400)


@require_POST
def referral_document(request, pk):
    referral = _load(request, pk, action=AccessAction.CREATE)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            partner_services.send_document(
                request=request, referral=referral, by=request.user, **form.cleaned_data
            )
        except (ApplicationError, ValidationError, PermissionDenied) as error:
            _refusal(form, error)
        else:
            messages.success(request, _("The document is sent to the case manager."))
            return redirect("partner:referral", pk=referral.pk)
    return _referral_page(request, referral, document_form=form, status=400)


@require_safe
def meeting_list(request):
    """The final minutes of the conferences the agency attended (its copy of each)."""
    provider = _partner(request)
    rows = Meeting.objects.for_user(request.user).select_related("dong").order_by("-held_at")
    page = BoundedPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    record_access(request, action=AccessAction.VIEW, target="partner:meetings")
    return render(request, "partner/meetings.html", {"provider": provider, "page": page})


@require_safe
def meeting_copy(request, pk):
    provider = _partner(request)
    meeting = get_for_user(
        request,
        Meeting.objects.select_related("dong"),
        pk=pk,
        clients_of=lambda m: _copy_clients(m, provider),
    )
    copy = external_copy(meeting=meeting, provider=provider)
    return render(
        request,
        "partner/meeting.html",
        {"meeting": meeting, "provider": provider, "copy": copy},
    )


def _copy_clients(meeting, provider):
    """The clients whose details the copy shows: those of the items the agency attended for."""
    return list(
        meeting.items.filter(partners__provider=provider, case__isnull=False).values_list(
            "case__client_id", flat=True
        )
    )
