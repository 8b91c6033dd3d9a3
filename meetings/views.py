from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
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
from casemgmt.core.paging import BoundedPaginator
from cases.models import Case, Client, Stage
from resources.models import Provider

from . import services
from .forms import (
    ActionItemForm,
    AgendaForm,
    DecisionForm,
    MeetingFilterForm,
    MeetingForm,
    MinutesForm,
    PartnerForm,
)
from .models import ActionItem, Meeting, Question, ReturnedTask
from .selectors import (
    action_owners,
    external_copy,
    meeting_action_items,
    meeting_list,
    next_meeting,
    review_queue,
)

PAGE_SIZE = 25


def _officers(user):
    return User.objects.filter(dong_id=user.dong_id, is_active=True).order_by("name")


def _supervisors(user):
    return _officers(user).filter(groups__name="supervisor")


@require_safe
def meeting_list_view(request):
    form = MeetingFilterForm(request.GET or None)
    form.is_valid()
    page = BoundedPaginator(
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


def _agenda_form(request, meeting, data=None):
    return AgendaForm(
        data,
        cases=Case.objects.editable_by(request.user)
        .filter(dong_id=meeting.dong_id, stage__in=Stage.open_stages())
        .select_related("client"),
        clients=Client.objects.editable_by(request.user)
        .active()
        .filter(dong_id=meeting.dong_id)
        .order_by("name", "birth_date", "id"),
        partners=meeting.attendees.filter(provider__isnull=False),
    )


def _action_form(meeting, data=None, **kwargs):
    return ActionItemForm(
        data,
        meeting=meeting,
        cases=Case.objects.filter(agenda_items__meeting=meeting)
        .select_related("client")
        .distinct()
        .order_by("number"),
        owners=action_owners(meeting=meeting),
        **kwargs,
    )


def _clients_of(meeting, **filters):
    """The clients a meeting's page shows: of its case items and of its client items."""
    pairs = meeting.items.filter(**filters).values_list("case__client_id", "client_id")
    return sorted({pk for pair in pairs for pk in pair if pk is not None})


def _detail_context(request, meeting, **forms):
    items = list(
        meeting.items.select_related(
            "case__client", "case__primary_manager", "client", "decision__decided_by"
        )
        .prefetch_related("partners")
        .order_by("order", "id")
    )
    editable = can_edit(request.user, meeting) and not meeting.is_final
    is_chair = editable and request.user.pk == meeting.chair_id
    may_decide = is_chair and not meeting.is_before_its_day
    attendees = list(meeting.attendees.select_related("user", "provider"))
    partners = [a for a in attendees if a.is_external]
    return {
        "meeting": meeting,
        "items": [
            (
                item,
                forms.get(f"decision_{item.pk}")
                or (
                    DecisionForm(item=item)
                    if may_decide and not hasattr(item, "decision")
                    else None
                ),
            )
            for item in items
        ],
        "attendees": attendees,
        "editable": editable,
        "is_chair": is_chair,
        "before_its_day": meeting.is_before_its_day,
        "can_work": can_edit(request.user, meeting),
        "minutes_form": forms.get("minutes_form") or MinutesForm(instance=meeting),
        "partner_form": forms.get("partner_form")
        or PartnerForm(providers=Provider.objects.for_user(request.user)),
        "agenda_form": forms.get("agenda_form") or _agenda_form(request, meeting),
        "action_items": meeting_action_items(meeting=meeting),
        "action_form": forms.get("action_form") or _action_form(meeting),
        "partners": partners,
    }


@require_safe
def meeting_detail(request, pk):
    meeting = get_for_user(
        request,
        Meeting.objects.select_related("chair", "dong", "finalised_by"),
        pk=pk,
        clients_of=_clients_of,
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
    form = _agenda_form(request, meeting, request.POST)
    form.fields["case"].queryset = Case.objects.editable_by(request.user).filter(
        dong_id=meeting.dong_id
    )
    if form.is_valid():
        try:
            services.place_on_agenda(meeting=meeting, by=request.user, **form.cleaned_data)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            if form.cleaned_data["client"] is not None:
                messages.success(request, _("The client was put on the agenda."))
            else:
                messages.success(request, _("The case was put on the agenda."))
            return redirect("meetings:meeting_detail", pk=meeting.pk)
    return _refused(request, meeting, agenda_form=form)


@require_POST
def item_decide(request, pk, item_pk):
    meeting = _load_rw(request, pk)
    item = get_object_or_404(meeting.items.select_related("case__client", "client"), pk=item_pk)
    form = DecisionForm(request.POST, item=item)
    if form.is_valid():
        try:
            decision = services.decide(item=item, by=request.user, **form.cleaned_data)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                f"{item.case.number if item.case_id else item.client.name}: "
                f"{decision.get_outcome_display()}. {decision.effect}",
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
        clients_of=lambda m: _clients_of(m, partners=attendee_pk),
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


# --- action items (조치 사항) ------------------------------------------------------------------------


def _action_data(form):
    return {k: v for k, v in form.cleaned_data.items() if k != "loaded_version"}


def _show_on_fields(form, error):
    """A refusal of the model's own checks, on the fields it names."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@require_POST
def action_add(request, pk):
    meeting = _load_rw(request, pk)
    form = _action_form(meeting, request.POST)
    if form.is_valid():
        try:
            services.add_action_item(meeting=meeting, by=request.user, **_action_data(form))
        except ApplicationError as error:
            form.add_error(None, error.message)
        except ValidationError as error:
            _show_on_fields(form, error)
        else:
            messages.success(request, _("The action item was added to the minutes."))
            return redirect(reverse("meetings:meeting_detail", args=[meeting.pk]) + "#actions")
    return _refused(request, meeting, action_form=form)


@require_http_methods(["GET", "HEAD", "POST"])
def action_edit(request, pk, action_pk):
    meeting = get_rw_for_user(
        request,
        Meeting.objects.select_related("chair", "dong"),
        pk=pk,
        action=AccessAction.UPDATE if request.method == "POST" else AccessAction.VIEW,
        clients_of=_clients_of,  # the form offers the agenda's cases by client name
    )
    action = get_object_or_404(
        meeting.action_items.select_related("owner", "case__client", "created_by", "updated_by"),
        pk=action_pk,
    )
    form = _action_form(meeting, request.POST or None, instance=action)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_action_item(
                action=action, by=request.user, expected_version=form.expected_version(),
                **_action_data(form),
            )  # fmt: skip
        except ConcurrentEditError as error:
            form.refuse_stale(error, ActionItem.objects.get(pk=action.pk))
        except ApplicationError as error:
            form.add_error(None, error.message)
        except ValidationError as error:
            _show_on_fields(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect(reverse("meetings:meeting_detail", args=[meeting.pk]) + "#actions")
    return render(
        request,
        "meetings/action_form.html",
        {
            "form": form,
            "meeting": meeting,
            "action": ActionItem.objects.select_related("created_by", "updated_by").get(
                pk=action.pk
            ),
            "editable": not meeting.is_final,
        },
    )


def _back_from_action(request, action):
    if request.POST.get("back") == "dashboard":
        return redirect("work:dashboard")
    return redirect(reverse("meetings:meeting_detail", args=[action.meeting_id]) + "#actions")


@require_POST
def action_done(request, pk, action_pk):
    """Done: from the meeting page, or from the dashboard of the officer in charge."""
    action = get_for_user(
        request,
        ActionItem.objects.select_related("meeting", "case"),
        action=AccessAction.UPDATE,
        pk=action_pk,
        meeting_id=pk,
    )
    try:
        services.complete_action_item(action=action, by=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The action item is done."))
    return _back_from_action(request, action)


@require_POST
def action_cancel(request, pk, action_pk):
    meeting = _load_rw(request, pk)
    action = get_object_or_404(meeting.action_items.all(), pk=action_pk)
    try:
        services.cancel_action_item(action=action, by=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The action item was cancelled: it is kept in the minutes."))
    return _back_from_action(request, action)


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
        clients_of=_clients_of,
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
        clients_of=lambda m: _clients_of(m, partners=attendee_pk),
        check=lambda m: _partner(m, attendee_pk),  # a wrong partner: 404 before the reason
    )
    attendee = _partner(meeting, attendee_pk)
    return print_response(
        request,
        meeting_pdf.EXTERNAL_TEMPLATE,
        meeting_pdf.external_context(meeting=meeting, attendee=attendee),
        filename=f"minutes-{meeting.held_at:%Y%m%d}-{meeting.pk}-partner-{attendee.pk}.pdf",
    )
