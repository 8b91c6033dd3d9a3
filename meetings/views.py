from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from casemgmt.core.access import (
    can_create_in_dong,
    can_edit,
    get_for_user,
    get_rw_for_user,
    record_access,
)
from casemgmt.core.exceptions import ApplicationError, ConcurrentEditError
from casemgmt.core.models import AccessAction, User
from cases.models import Case, Stage
from resources.models import Provider

from . import services
from .forms import (
    AgendaForm,
    DecisionForm,
    MeetingFilterForm,
    MeetingForm,
    MinutesForm,
    PartnerForm,
)
from .models import Meeting, Question, ReturnedTask
from .selectors import external_copy, meeting_list, next_meeting, review_queue

PAGE_SIZE = 25


def _officers(user):
    return User.objects.filter(dong_id=user.dong_id, is_active=True).order_by("name")


def _supervisors(user):
    return _officers(user).filter(groups__name="supervisor")


@require_safe
def meeting_list_view(request):
    form = MeetingFilterForm(request.GET or None)
    form.is_valid()
    page = Paginator(
        meeting_list(user=request.user, filters=dict(getattr(form, "cleaned_data", {}))), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "meetings/meeting_list.html", {
        "filter_form": form, "page": page, "query": query.urlencode(),
        "can_create": can_create_in_dong(request.user, Meeting),
    })  # fmt: skip


@require_http_methods(["GET", "HEAD", "POST"])
def meeting_create(request):
    if not can_create_in_dong(request.user, Meeting):
        raise PermissionDenied
    form = MeetingForm(
        request.POST or None,
        officers=_officers(request.user),
        supervisors=_supervisors(request.user),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.create_meeting(
                by=request.user, kind=data["kind"], held_at=data["held_at"], place=data["place"], chair=data["chair"],
                officers=data["officers"],
            )  # fmt: skip
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The meeting was created. Put cases on its agenda."))
            return redirect("meetings:meeting_detail", pk=meeting.pk)
    return render(request, "meetings/meeting_form.html", {"form": form, "title": _("New meeting")})


def _detail_context(request, meeting, **forms):
    items = list(
        meeting.items.select_related(
            "case__client", "case__primary_manager", "decision__decided_by"
        )
        .prefetch_related("partners")
        .order_by("order", "id")
    )
    editable = can_edit(request.user, meeting) and not meeting.is_final
    is_chair = editable and request.user.pk == meeting.chair_id
    attendees = list(meeting.attendees.select_related("user", "provider"))
    partners = [a for a in attendees if a.is_external]
    return {
        "meeting": meeting,
        "items": [
            (
                item,
                forms.get(f"decision_{item.pk}")
                or (
                    DecisionForm(item=item) if is_chair and not hasattr(item, "decision") else None
                ),
            )
            for item in items
        ],
        "attendees": attendees,
        "editable": editable,
        "is_chair": is_chair,
        "minutes_form": forms.get("minutes_form") or MinutesForm(instance=meeting),
        "partner_form": forms.get("partner_form")
        or PartnerForm(providers=Provider.objects.for_user(request.user)),
        "agenda_form": forms.get("agenda_form")
        or AgendaForm(
            cases=Case.objects.editable_by(request.user)
            .filter(dong_id=meeting.dong_id, stage__in=Stage.open_stages())
            .select_related("client"),
            partners=meeting.attendees.filter(provider__isnull=False),
        ),
        "partners": partners,
    }


@require_safe
def meeting_detail(request, pk):
    meeting = get_for_user(
        request,
        Meeting.objects.select_related("chair", "dong", "finalised_by"),
        pk=pk,
        clients_of=lambda m: list(m.items.values_list("case__client_id", flat=True)),
    )
    return render(request, "meetings/meeting_detail.html", _detail_context(request, meeting))


def _load_rw(request, pk):
    return get_rw_for_user(request, Meeting.objects.select_related("chair", "dong"), pk=pk)


def _refused(request, meeting, **forms):
    return render(
        request,
        "meetings/meeting_detail.html",
        _detail_context(request, meeting, **forms),
        status=400,
    )


@require_POST
def meeting_minutes(request, pk):
    meeting = _load_rw(request, pk)
    form = MinutesForm(request.POST, instance=meeting)
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "loaded_version"}
        try:
            services.update_meeting(
                meeting=meeting, by=request.user, expected_version=form.expected_version(), **data
            )
        except ConcurrentEditError as error:
            form.refuse_stale(error, Meeting.objects.get(pk=meeting.pk))
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Saved."))
            return redirect("meetings:meeting_detail", pk=meeting.pk)
    return _refused(request, Meeting.objects.get(pk=meeting.pk), minutes_form=form)


@require_POST
def partner_add(request, pk):
    meeting = _load_rw(request, pk)
    form = PartnerForm(request.POST, providers=Provider.objects.for_user(request.user))
    if form.is_valid():
        try:
            services.add_attendee(meeting=meeting, by=request.user, **form.cleaned_data)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The external attendee was added."))
            return redirect("meetings:meeting_detail", pk=meeting.pk)
    return _refused(request, meeting, partner_form=form)


@require_POST
def agenda_add(request, pk):
    meeting = _load_rw(request, pk)
    form = AgendaForm(
        request.POST,
        cases=Case.objects.editable_by(request.user).filter(dong_id=meeting.dong_id),
        partners=meeting.attendees.filter(provider__isnull=False),
    )
    if form.is_valid():
        try:
            services.place_on_agenda(meeting=meeting, by=request.user, **form.cleaned_data)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The case was put on the agenda."))
            return redirect("meetings:meeting_detail", pk=meeting.pk)
    return _refused(request, meeting, agenda_form=form)


@require_POST
def item_decide(request, pk, item_pk):
    meeting = _load_rw(request, pk)
    item = get_object_or_404(meeting.items.select_related("case"), pk=item_pk)
    form = DecisionForm(request.POST, item=item)
    if form.is_valid():
        try:
            decision = services.decide(item=item, by=request.user, **form.cleaned_data)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, f"{item.case.number}: {decision.get_outcome_display()}. {decision.effect}"
            )
            return redirect("meetings:meeting_detail", pk=meeting.pk)
    return _refused(request, meeting, **{f"decision_{item.pk}": form})


@require_POST
def meeting_finalise(request, pk):
    meeting = _load_rw(request, pk)
    try:
        services.finalise_minutes(meeting=meeting, by=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The minutes are final."))
    return redirect("meetings:meeting_detail", pk=meeting.pk)


@require_safe
def external_copy_view(request, pk, attendee_pk):
    """The minutes as one external partner may read them (a page; its PDF asks for a reason)."""
    meeting = get_for_user(
        request,
        Meeting.objects.select_related("chair", "dong"),
        pk=pk,
        action=AccessAction.VIEW,
        clients_of=lambda m: list(
            m.items.filter(partners=attendee_pk).values_list("case__client_id", flat=True)
        ),
    )
    attendee = get_object_or_404(
        meeting.attendees.filter(provider__isnull=False).select_related("provider"), pk=attendee_pk
    )
    return render(
        request,
        "meetings/external_copy.html",
        {
            "meeting": meeting,
            "attendee": attendee,
            "copy": external_copy(meeting=meeting, attendee=attendee),
        },
    )


@require_safe
def review_queue_view(request):
    if not request.user.has_perm("core.supervise_dong"):
        raise PermissionDenied
    queue = review_queue(user=request.user)
    shown = [case.client_id for _q, _t, cases in queue for case in cases]
    if shown:
        record_access(
            request, action=AccessAction.VIEW, clients=shown, target="meetings:review_queue"
        )
    return render(
        request,
        "meetings/review_queue.html",
        {"queue": queue, "next_meeting": next_meeting(user=request.user)},
    )


@require_POST
def queue_place(request):
    if not request.user.has_perm("core.supervise_dong"):
        raise PermissionDenied
    case = get_rw_for_user(
        request, Case.objects.select_related("client"), pk=request.POST.get("case")
    )
    question = request.POST.get("question")
    if question not in Question.values:
        raise PermissionDenied
    try:
        item = services.place_on_next_meeting(case=case, question=question, by=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("meetings:review_queue")
    messages.success(
        request,
        _("%(number)s is on the agenda of %(meeting)s.")
        % {"number": case.number, "meeting": item.meeting},
    )
    return redirect(reverse("meetings:review_queue"))


@require_POST
def task_done(request, task_pk):
    task = get_object_or_404(
        ReturnedTask.objects.for_user(request.user).select_related("case"), pk=task_pk
    )
    try:
        services.complete_task(task=task, by=request.user)
    except PermissionDenied:
        raise
    messages.success(request, _("The task is done."))
    return redirect("cases:case_detail", case_pk=task.case_id)


# --- printed minutes (사례회의록) ----------------------------------------------------------------------
from casemgmt.core.pdf import print_response  # noqa: E402

from . import pdf as meeting_pdf  # noqa: E402


@require_safe
def minutes_print(request, pk):
    """The full minutes, for the dong team (through the scoped door, recorded as a print)."""
    meeting = get_for_user(
        request,
        Meeting.objects.select_related("chair", "dong", "finalised_by"),
        pk=pk,
        action=AccessAction.PRINT,
        clients_of=lambda m: list(m.items.values_list("case__client_id", flat=True)),
    )
    return print_response(
        request,
        meeting_pdf.MINUTES_TEMPLATE,
        meeting_pdf.minutes_context(meeting=meeting),
        filename=f"minutes-{meeting.held_at:%Y%m%d}-{meeting.pk}.pdf",
    )


def _partner(meeting, attendee_pk):
    return get_object_or_404(
        meeting.attendees.filter(provider__isnull=False).select_related("provider"), pk=attendee_pk
    )


@require_safe
def external_copy_print(request, pk, attendee_pk):
    """An external partner's copy: only their items, only what each client's consent allows."""
    meeting = get_for_user(
        request,
        Meeting.objects.select_related("chair", "dong"),
        pk=pk,
        action=AccessAction.PRINT,
        clients_of=lambda m: list(
            m.items.filter(partners=attendee_pk).values_list("case__client_id", flat=True)
        ),
        check=lambda m: _partner(m, attendee_pk),  # a wrong partner: 404 before the reason
    )
    attendee = _partner(meeting, attendee_pk)
    return print_response(
        request,
        meeting_pdf.EXTERNAL_TEMPLATE,
        meeting_pdf.external_context(meeting=meeting, attendee=attendee),
        filename=f"minutes-{meeting.held_at:%Y%m%d}-{meeting.pk}-partner-{attendee.pk}.pdf",
    )
