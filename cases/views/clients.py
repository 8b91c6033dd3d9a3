"""당사자: the client list, registration (with the duplicate check), details, household and intake."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
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
from casemgmt.core.korean import with_particle
from casemgmt.core.models import AccessAction
from casemgmt.core.paging import BoundedPaginator

from .. import services
from ..forms import (
    DUPLICATE_CHECK_LIMIT,
    ClientFilterForm,
    ClientForm,
    DuplicateCheckForm,
    HouseholdMemberForm,
    IntakeForm,
)
from ..models import Client, DiscoveryEntry, DiscoveryResult, Disposition
from ..selectors import (
    DUPLICATE_CHECK_TARGET,
    client_list,
    duplicate_checks_in_the_last_hour,
    gu_duplicates,
    open_discovery_for_client,
)
from ..special_consent import SpecialConsent, special_consent
from .common import (
    PAGE_SIZE,
    visible_dongs,
)


@require_safe
def client_list_view(request):
    form = ClientFilterForm(request.GET or None, dongs=visible_dongs(request.user))
    form.is_valid()  # a bad value in one filter drops that filter only
    filters = dict(getattr(form, "cleaned_data", {}))
    if filters.get("archived"):
        filters = {**filters, "archived": "1"}
    page = BoundedPaginator(client_list(user=request.user, filters=filters), PAGE_SIZE).get_page(
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
    from meetings.selectors import client_decisions  # the 내부판정회의's decisions on the client

    client = get_for_user(
        request, Client.objects.select_related("dong", "created_by", "updated_by"), pk=pk
    )
    return render(
        request,
        "cases/client_detail.html",
        {
            "client": client,
            "can_edit": can_edit(request.user, client),
            "special_consent": special_consent(client),
            "cases": client.cases.select_related("primary_manager").order_by("-opened_on"),
            "intakes": client.intakes.select_related("counselled_by", "case").order_by(
                "-intake_date", "-id"
            ),
            "household": client.household.filter(archived_at__isnull=True),
            "meeting_decisions": client_decisions(user=request.user, client=client),
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
    form = ClientForm(request.POST or None, initial=initial, consent=SpecialConsent())
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
    form = ClientForm(request.POST or None, instance=client, consent=special_consent(client))
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
    # Whatever page the intake starts from, the client's reports still waiting in the discovery
    # queue are closed by it (services.record_intake).
    waiting = list(open_discovery_for_client(client=client, user=request.user)[:5])
    if discovery is not None and discovery not in waiting:
        waiting.insert(0, discovery)
    source = discovery or (waiting[0] if waiting else None)
    initial = {"intake_date": timezone.localdate()}
    if source is not None:  # nothing typed twice: the report becomes the intake's starting point
        initial.update(route="outreach", route_detail=f"{source.get_source_display()} {source.source_detail}".strip(),
                       presenting_problem=source.risk_summary)  # fmt: skip
    form = IntakeForm(request.POST or None, initial=initial, open_discovery=waiting)
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
                    _("The intake opened case %(number)s.")
                    % {"number": with_particle(intake.case.number, "을/를")},
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


# --- household members -------------------------------------------------------------------------------------
@require_http_methods(["GET", "HEAD", "POST"])
def household_member_create(request, pk):
    client = get_rw_for_user(
        request,
        Client.objects.all(),
        pk=pk,
        action=AccessAction.CREATE if request.method == "POST" else AccessAction.VIEW,
    )
    form = HouseholdMemberForm(request.POST or None, consent=special_consent(client))
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
    form = HouseholdMemberForm(
        request.POST or None, instance=member, consent=special_consent(client)
    )
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
