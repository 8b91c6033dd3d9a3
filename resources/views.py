"""Pages of the registry. Thin: load through the one door, call a service, map its refusal to a
message, render."""

import copy

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from casemgmt.core.access import can_edit, get_for_user, get_rw_for_user, record_access
from casemgmt.core.downloads import Document, download_reason
from casemgmt.core.exceptions import ApplicationError, ConcurrentEditError
from casemgmt.core.models import AccessAction
from casemgmt.core.paging import BoundedPaginator

from . import excel, services
from .forms import (
    DevelopmentFilterForm,
    DevelopmentForm,
    ImportForm,
    ProviderFilterForm,
    ProviderForm,
    ReferralFilterForm,
    ReferralForm,
    ReferralStatusForm,
    ResourceFilterForm,
    ResourceForm,
)
from .models import (
    DevelopmentMethod,
    Provider,
    Referral,
    Resource,
    ResourceDevelopment,
    can_register,
    consent_missing,
    shares_information_by_default,
)
from .selectors import (
    covering_consent,
    development_history,
    development_list,
    development_summary,
    provider_list,
    provider_referrals,
    provider_resources,
    referral_history,
    referral_list,
    resource_developments,
    resource_list,
    resources_hold_contacts,
    with_advocacy_prompt,
    with_can_edit,
)

PAGE_SIZE = 25
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filters(form):
    form.is_valid()  # a bad value in one filter drops that filter only
    return dict(getattr(form, "cleaned_data", {}))


def _page(request, queryset):
    return BoundedPaginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _query_without_page(request):
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _form_errors_from(form, error):
    """A refusal by the service, shown where the officer will look: on the field if it has one."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _can_register_any(user):
    return can_register(user, Resource) or can_register(user, Provider)


# --- resources ----------------------------------------------------------------------------------


@require_safe
def resource_list_view(request):
    """The registry, filtered; with ``?export=xlsx`` the same filtered list as an Excel file
    (``&contacts=on``: with the providers' contact persons, see ``_export``)."""
    form = ResourceFilterForm(request.GET or None, user=request.user)
    resources = resource_list(user=request.user, filters=_filters(form))
    if request.GET.get("export") == "xlsx":
        return _export(request, resources)
    page = _page(request, resources)
    return render(
        request,
        "resources/resource_list.html",
        {
            "filter_form": form,
            "page": page,
            "query": _query_without_page(request),
            "can_create": can_register(request.user, Resource),
            "can_import": _can_register_any(request.user),
        },
    )


def _export(request, resources):
    """The filtered list as an Excel file.

    The list describes services: names, kinds, capacity, the provider organisation. It holds
    nobody's personal data, so it comes at once, without a download reason. With
    ``contacts=on`` it adds each provider's contact person and phone — a person's name and
    number, often a volunteer's mobile — so, when any row has one, the officer is first asked
    why, with the reasons that fit a list of partners' contacts (linking clients with resources,
    a report on the resources, consulting the agencies…), not those of a client's form. Either
    way the export is on the access record, with the reason when one was asked.
    """
    with_contacts = request.GET.get("contacts") == "on"
    reason = ""
    if with_contacts and resources_hold_contacts(resources):
        reason = download_reason(request, document=Document.CONTACT_LIST)
    content = excel.write_resources(resources, with_contacts=with_contacts)
    record_access(
        request,
        action=AccessAction.EXPORT,
        target="resources_with_contacts.xlsx" if with_contacts else "resources.xlsx",
        reason=reason,
    )
    name = "자원목록_담당자" if with_contacts else "자원목록"
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = _attachment(f"{name}_{timezone.localdate():%Y%m%d}.xlsx")
    return response


def _attachment(filename):
    return content_disposition_header(as_attachment=True, filename=filename)


@require_safe
def resource_detail(request, pk):
    resource = get_for_user(
        request,
        Resource.objects.select_related("provider", "registering_dong", "created_by", "updated_by"),
        pk=pk,
    )
    editable = can_edit(request.user, resource)
    developments = list(resource_developments(resource=resource, user=request.user))
    return render(
        request,
        "resources/resource_detail.html",
        {
            "resource": resource,
            "developments": developments,
            "any_editable": any(entry.can_edit for entry in developments),
            "can_edit": editable,
            "can_record_development": editable
            and request.user.has_perm("resources.add_resourcedevelopment"),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def resource_create(request):
    if not can_register(request.user, Resource):
        raise PermissionDenied
    form = ResourceForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            resource = services.create_resource(by=request.user, **form.service_data())
        except ValidationError as error:
            _form_errors_from(form, error)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            record_access(request, action=AccessAction.CREATE, obj=resource)
            messages.success(request, _("The resource was registered."))
            return redirect("resources:resource_detail", pk=resource.pk)
    return render(request, "resources/resource_form.html", {"form": form, "resource": None})


@require_http_methods(["GET", "HEAD", "POST"])
def resource_update(request, pk):
    resource = get_rw_for_user(
        request,
        Resource.objects.select_related("provider", "registering_dong", "updated_by"),
        pk=pk,
        action=AccessAction.UPDATE if request.method == "POST" else AccessAction.VIEW,
    )
    form = ResourceForm(request.POST or None, instance=resource, user=request.user)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.update_resource(
                resource=resource,
                by=request.user,
                expected_version=form.expected_version(),
                **form.service_data(),
            )
        except ConcurrentEditError as error:
            conflict = form.refuse_stale(
                error, Resource.objects.select_related("provider", "updated_by").get(pk=pk)
            )
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("resources:resource_detail", pk=resource.pk)
    return render(
        request,
        "resources/resource_form.html",
        {"form": form, "resource": resource, "conflict": conflict},
    )


@require_POST
def resource_archive(request, pk):
    resource = get_rw_for_user(request, Resource.objects.all(), pk=pk)
    _archive(request, services.archive_resource, resource=resource)
    return redirect("resources:resource_detail", pk=resource.pk)


@require_POST
def resource_restore(request, pk):
    resource = get_rw_for_user(request, Resource.objects.all(), pk=pk)
    _archive(request, services.restore_resource, resource=resource)
    return redirect("resources:resource_detail", pk=resource.pk)


def _archive(request, service, **target):
    try:
        obj = service(by=request.user, **target)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        if obj.archived_at:
            messages.success(request, _("Archived. It no longer appears in lists and matching."))
        else:
            messages.success(request, _("Restored."))


# --- providers ----------------------------------------------------------------------------------


@require_safe
def provider_list_view(request):
    form = ProviderFilterForm(request.GET or None, user=request.user)
    page = _page(request, provider_list(user=request.user, filters=_filters(form)))
    return render(
        request,
        "resources/provider_list.html",
        {
            "filter_form": form,
            "page": page,
            "query": _query_without_page(request),
            "can_create": can_register(request.user, Provider),
        },
    )


@require_safe
def provider_detail(request, pk):
    provider = get_for_user(
        request,
        Provider.objects.select_related("registering_dong", "created_by", "updated_by"),
        pk=pk,
    )
    referrals = BoundedPaginator(
        provider_referrals(user=request.user, provider=provider), PAGE_SIZE
    )
    referral_page = referrals.get_page(request.GET.get("page"))
    if referral_page.object_list:
        record_access(
            request,
            action=AccessAction.VIEW,
            clients=[r.plan_item.plan.case.client_id for r in referral_page.object_list],
            target=f"resources.provider:{provider.pk}:referrals",
        )
    return render(
        request,
        "resources/provider_detail.html",
        {
            "provider": provider,
            "service_dongs": list(provider.service_dongs.all()),
            "resources": provider_resources(user=request.user, provider=provider),
            "can_edit": can_edit(request.user, provider),
            "page": referral_page,
            "query": _query_without_page(request),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def provider_create(request):
    if not can_register(request.user, Provider):
        raise PermissionDenied
    form = ProviderForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            provider = services.create_provider(by=request.user, **form.service_data())
        except ValidationError as error:
            _form_errors_from(form, error)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            record_access(request, action=AccessAction.CREATE, obj=provider)
            messages.success(request, _("The provider was registered."))
            return redirect("resources:provider_detail", pk=provider.pk)
    return render(request, "resources/provider_form.html", {"form": form, "provider": None})


@require_http_methods(["GET", "HEAD", "POST"])
def provider_update(request, pk):
    provider = get_rw_for_user(
        request,
        Provider.objects.select_related("registering_dong", "updated_by"),
        pk=pk,
        action=AccessAction.UPDATE if request.method == "POST" else AccessAction.VIEW,
    )
    form = ProviderForm(request.POST or None, instance=provider, user=request.user)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.update_provider(
                provider=provider,
                by=request.user,
                expected_version=form.expected_version(),
                **form.service_data(),
            )
        except ConcurrentEditError as error:
            conflict = form.refuse_stale(
                error, Provider.objects.select_related("updated_by").get(pk=pk)
            )
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("resources:provider_detail", pk=provider.pk)
    return render(
        request,
        "resources/provider_form.html",
        {"form": form, "provider": provider, "conflict": conflict},
    )


@require_POST
def provider_archive(request, pk):
    provider = get_rw_for_user(request, Provider.objects.all(), pk=pk)
    _archive(request, services.archive_provider, provider=provider)
    return redirect("resources:provider_detail", pk=provider.pk)


@require_POST
def provider_restore(request, pk):
    provider = get_rw_for_user(request, Provider.objects.all(), pk=pk)
    _archive(request, services.restore_provider, provider=provider)
    return redirect("resources:provider_detail", pk=provider.pk)


# --- development log ----------------------------------------------------------------------------


@require_safe
def development_list_view(request):
    form = DevelopmentFilterForm(request.GET or None, user=request.user)
    entries = development_list(user=request.user, filters=_filters(form))
    counts = development_summary(entries)
    summary = [(label, counts.get(value, 0)) for value, label in DevelopmentMethod.choices]
    page = _page(request, with_can_edit(entries, user=request.user))
    return render(
        request,
        "resources/development_list.html",
        {
            "filter_form": form,
            "page": page,
            "any_editable": any(entry.can_edit for entry in page.object_list),
            "query": _query_without_page(request),
            "summary": summary,
            "total": sum(counts.values()),
            "can_create": request.user.has_perm("resources.add_resourcedevelopment")
            and can_register(request.user, Resource),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def development_create(request):
    if not (
        request.user.has_perm("resources.add_resourcedevelopment")
        and can_register(request.user, Resource)
    ):
        raise PermissionDenied
    initial = {}
    if request.GET.get("resource", "").isdigit():
        initial["resource"] = int(request.GET["resource"])
    form = DevelopmentForm(request.POST or None, initial=initial, user=request.user)
    # Opened from a resource's page: go back there, not to the log.
    from_resource = bool(initial) or request.POST.get("next") == "resource"
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.record_development(by=request.user, **form.service_data())
        except ValidationError as error:
            _form_errors_from(form, error)
        except (ApplicationError, PermissionDenied) as error:
            messages.error(request, getattr(error, "message", _("Not allowed")))
        else:
            record_access(request, action=AccessAction.CREATE, obj=entry)
            messages.success(request, _("The development was recorded."))
            if from_resource:
                return redirect("resources:resource_detail", pk=entry.resource_id)
            return redirect("resources:development_list")
    return render(
        request,
        "resources/development_form.html",
        {"form": form, "from_resource": from_resource},
    )


DEVELOPMENT_RELATED = ("resource", "developed_by", "created_by", "updated_by")


@require_http_methods(["GET", "HEAD", "POST"])
def development_update(request, pk):
    """Correct a development entry: its form, and its change history below. Loaded like the
    resource it belongs to (another dong's dong-only resource: 404; read-only for the user: 403);
    a save over someone else's meanwhile is refused with what was typed kept."""
    entry = get_rw_for_user(
        request,
        ResourceDevelopment.objects.select_related(*DEVELOPMENT_RELATED),
        pk=pk,
        action=AccessAction.UPDATE if request.method == "POST" else AccessAction.VIEW,
    )
    # The form works on a copy: the page keeps showing the entry as stored.
    form = DevelopmentForm(request.POST or None, instance=copy.copy(entry), user=request.user)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.update_development(
                entry=entry,
                by=request.user,
                expected_version=form.expected_version(),
                **form.service_data(),
            )
        except ConcurrentEditError as error:
            conflict = form.refuse_stale(
                error, ResourceDevelopment.objects.select_related(*DEVELOPMENT_RELATED).get(pk=pk)
            )
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            if request.POST.get("next") == "resource":
                return redirect("resources:resource_detail", pk=entry.resource_id)
            return redirect(reverse("resources:development_list") + f"#development-{entry.pk}")
    return render(
        request,
        "resources/development_form.html",
        {
            "form": form,
            "entry": entry,
            "conflict": conflict,
            "from_resource": request.GET.get("next") == "resource"
            or request.POST.get("next") == "resource",
            "history": development_history(entry=entry),
        },
    )


# --- Excel --------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def registry_import(request):
    """Upload a workbook; with ``?download=template`` the empty template to fill in."""
    if not _can_register_any(request.user):
        raise PermissionDenied
    if request.method == "GET" and request.GET.get("download") == "template":
        response = HttpResponse(excel.template_workbook(user=request.user), content_type=XLSX)
        response["Content-Disposition"] = _attachment("자원_가져오기_양식.xlsx")
        return response
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            report = excel.import_registry(by=request.user, file=form.cleaned_data["file"])
        except excel.NotASpreadsheet as error:
            form.add_error("file", error.message)
        else:
            for note in report.notes:
                messages.info(request, note)
            if report.saved:
                record_access(request, action=AccessAction.CREATE, reason="registry import")
                messages.success(
                    request,
                    _("Imported %(providers)s providers and %(resources)s resources.")
                    % {"providers": report.providers, "resources": report.resources},
                )
                if report.resources:
                    return redirect(reverse("resources:resource_list") + "?sort=-updated")
                return redirect("resources:provider_list")
    return render(
        request,
        "resources/import.html",
        {"form": form, "report": report},
    )


# --- referrals (서비스 연계 · 의뢰) ----------------------------------------------------------------

REFERRAL_RELATED = (
    "plan_item",
    "plan_item__plan",
    "plan_item__goal",
    "plan_item__plan__case",
    "plan_item__plan__case__client",
    "plan_item__plan__case__dong",
    "plan_item__plan__case__primary_manager",
    "resource",
    "provider",
    "created_by",
    "updated_by",
    "consent_override_by",
)


@require_safe
def referral_list_view(request):
    form = ReferralFilterForm(request.GET or None, user=request.user)
    page = _page(request, referral_list(user=request.user, filters=_filters(form)))
    if page.object_list:
        record_access(
            request,
            action=AccessAction.VIEW,
            clients=[r.plan_item.plan.case.client_id for r in page.object_list],
            target="referral list",
        )
    return render(
        request,
        "resources/referral_list.html",
        {
            "filter_form": form,
            "page": page,
            "query": _query_without_page(request),
            "show_dong": "dong" in form.fields,
        },
    )


def _referral_page(request, referral, *, status_form=None, status=200):
    editable = can_edit(request.user, referral)
    if status_form is None and editable and referral.next_statuses():
        status_form = ReferralStatusForm(referral=referral)
    case = referral.plan_item.plan.case
    return render(
        request,
        "resources/referral_detail.html",
        {
            "referral": referral,
            "case": case,
            "history": referral_history(referral=referral),
            "can_edit": editable,
            "status_form": status_form if editable else None,
            "needs_advocacy": with_advocacy_prompt(Referral.objects.filter(pk=referral.pk))
            .values_list("needs_advocacy", flat=True)
            .get(),
            # what the partner agency sent: its service reports and documents (a query each)
            "reports": list(
                referral.reports.select_related("reported_by", "monitoring__confirmed_by")
            ),
            "documents": list(referral.documents.select_related("uploaded_by")),
        },
        status=status,
    )


@require_safe
def referral_detail(request, referral_pk):
    referral = get_for_user(
        request, Referral.objects.select_related(*REFERRAL_RELATED), pk=referral_pk
    )
    return _referral_page(request, referral)


@require_POST
def referral_change(request, referral_pk):
    referral = get_rw_for_user(
        request, Referral.objects.select_related(*REFERRAL_RELATED), pk=referral_pk
    )
    form = ReferralStatusForm(request.POST, referral=referral)
    if form.is_valid():
        try:
            services.change_referral_status(referral=referral, by=request.user, **form.cleaned_data)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Recorded: the referral is now %(status)s.")
                % {"status": referral.get_status_display()},
            )
            return redirect("resources:referral_detail", referral_pk=referral.pk)
    return _referral_page(request, referral, status_form=form, status=400)


def _load_plan_item(request, plan_item_pk):
    """The plan item and its case, for a change: 404 if either is out of the user's scope."""
    from cases.models import Case, PlanItem

    item = (
        PlanItem.objects.select_related(
            "plan", "goal", "resource", "resource__provider", "provider"
        )
        .filter(pk=plan_item_pk)
        .first()
    )
    if item is None:
        raise Http404
    case = get_rw_for_user(
        request,
        Case.objects.select_related("client", "dong", "primary_manager"),
        pk=item.plan.case_id,
        action=AccessAction.UPDATE if request.method == "POST" else AccessAction.VIEW,
    )
    item.plan.case = case
    return item, case


@require_http_methods(["GET", "HEAD", "POST"])
def referral_create(request, plan_item_pk):
    """Refer one plan item's service to its resource or provider; back to the plan page."""
    item, case = _load_plan_item(request, plan_item_pk)
    resource, provider = services.referral_target(item)
    sharing = shares_information_by_default(case=case, provider=provider)
    missing = consent_missing(
        case=case, provider=provider, resource=resource, shares_information=sharing
    )
    override = bool(missing) and services.is_dong_supervisor(request.user, case)
    form = ReferralForm(
        request.POST or None,
        initial={"shares_information": sharing},
        with_quantity=resource is not None and resource.capacity is not None,
        override=override,
    )
    plan_url = reverse("cases:plan_detail", args=[case.pk, item.plan.number])
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.create_referral(
                plan_item=item, by=request.user, **form.service_data()
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            record_access(request, action=AccessAction.CREATE, obj=referral)
            messages.success(
                request,
                _("The referral to %(target)s was recorded.") % {"target": referral.target_name},
            )
            return redirect(f"{plan_url}#item-{item.pk}")
    return render(
        request,
        "resources/referral_form.html",
        {
            "form": form,
            "case": case,
            "item": item,
            "resource": resource,
            "provider": provider,
            "missing": missing,
            "covering": covering_consent(case=case, provider=provider),
            "override": override,
            "open_referral": Referral.objects.filter(plan_item=item).open().first(),
            "plan_url": plan_url,
        },
        status=400 if request.method == "POST" else 200,
    )
