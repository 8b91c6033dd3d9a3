from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from casemgmt.core.access import (
    can_create_in_dong,
    can_edit,
    get_for_user,
    get_rw_for_user,
    record_access,
)
from casemgmt.core.exceptions import ApplicationError, ConcurrentEditError
from casemgmt.core.models import AccessAction, Dong

from . import services
from .forms import ClientFilterForm, ClientForm
from .models import Client
from .selectors import client_list

PAGE_SIZE = 25


def _visible_dongs(user):
    return Dong.objects.filter(pk__in=Client.objects.for_user(user).values("dong_id"))


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


def client_detail(request, pk):
    client = get_for_user(
        request, Client.objects.select_related("dong", "created_by", "updated_by"), pk=pk
    )
    return render(
        request,
        "cases/client_detail.html",
        {"client": client, "can_edit": can_edit(request.user, client)},
    )


def client_create(request):
    if not can_create_in_dong(request.user, Client):
        raise PermissionDenied
    form = ClientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "loaded_version"}
        try:
            client = services.create_client(by=request.user, **data)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            record_access(request, action=AccessAction.CREATE, obj=client)
            messages.success(request, _("The client was registered."))
            return redirect("cases:client_detail", pk=client.pk)
    return render(request, "cases/client_form.html", {"form": form, "client": None})


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
            # Keep what the officer typed; show what was saved meanwhile; a second save of the
            # form is then a conscious overwrite of the version they have now seen.
            conflict = Client.objects.select_related("updated_by").get(pk=pk)
            form.data = form.data.copy()
            form.data["loaded_version"] = conflict.version
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("cases:client_detail", pk=client.pk)
    return render(
        request, "cases/client_form.html", {"form": form, "client": client, "conflict": conflict}
    )
