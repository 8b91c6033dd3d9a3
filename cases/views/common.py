"""What the case pages share: loading a case through the scoped door, and the one-record form."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from casemgmt.core.access import (
    get_for_user,
    get_rw_for_user,
)
from casemgmt.core.exceptions import ApplicationError
from casemgmt.core.models import AccessAction, Dong

from ..models import Case, Client

PAGE_SIZE = 25


def visible_dongs(user):
    return Dong.objects.filter(pk__in=Client.objects.for_user(user).values("dong_id"))


# --- cases -----------------------------------------------------------------------------------------------
CASE_RELATED = ("client", "dong", "primary_manager", "assistant", "intake", "updated_by")


def load_case(request, case_pk, *, write=False):
    queryset = Case.objects.select_related(*CASE_RELATED)
    if not write:
        return get_for_user(request, queryset, pk=case_pk)
    action = AccessAction.UPDATE if request.method == "POST" else AccessAction.VIEW
    return get_rw_for_user(request, queryset, pk=case_pk, action=action)


def record_view(
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
    case = case or load_case(request, case_pk, write=True)
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


# --- discovery queue -------------------------------------------------------------------------------------------
def dong_officers(user):
    from casemgmt.core.models import User

    return (
        User.objects.filter(dong_id=user.dong_id, is_active=True).order_by("name")
        if user.dong_id
        else User.objects.none()
    )
