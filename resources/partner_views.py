"""The office's side of the partner door: a provider's partner accounts (opened, closed, reset by
the gu staff or the team leader of a dong the provider serves), and the documents a partner sent
on a referral, downloaded with a reason. Thin: load through the one door, call
resources.partner_services, map its refusal to a message, render."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe
from django_otp.plugins.otp_totp.models import TOTPDevice

from casemgmt.core.access import get_for_user, record_access
from casemgmt.core.exceptions import ApplicationError
from casemgmt.core.models import AccessAction

from . import partner_services
from .models import Provider, Referral


class PartnerAccountForm(forms.Form):
    """The person of the agency an account is opened for (the service checks the rest)."""

    username = forms.CharField(
        label=gettext_lazy("Account name"),
        max_length=150,
        help_text=gettext_lazy("Letters, digits and @ . + - _ only; the person signs in with it."),
    )
    name = forms.CharField(label=gettext_lazy("Name"), max_length=50)
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=20, required=False)
    email = forms.EmailField(label=gettext_lazy("Email"), required=False)
    position = forms.CharField(label=gettext_lazy("Position"), max_length=50, required=False)


def _accounts(provider):
    """The provider's accounts with their person, who opened them, and whether an authenticator
    app is set up: one query."""
    authenticator = TOTPDevice.objects.filter(user_id=OuterRef("user_id"), confirmed=True)
    return list(
        provider.partner_accounts.select_related("user", "created_by")
        .annotate(has_authenticator=Exists(authenticator))
        .order_by("-user__is_active", "user__name", "id")
    )


def _load_provider(request, pk, *, manage=False):
    """The provider, if the user may read it (404 otherwise); ``manage``: and if the user manages
    its partner accounts (403 otherwise, before any access record is written)."""

    def check(provider):
        if manage and not partner_services.may_manage_partners(request.user, provider):
            raise PermissionDenied

    return get_for_user(
        request,
        Provider.objects.select_related("registering_dong"),
        pk=pk,
        action=AccessAction.UPDATE if manage else AccessAction.VIEW,
        check=check,
    )


def _load_account(request, pk):
    """A partner account whose provider the user may read (404 otherwise) and whose accounts the
    user manages (403 otherwise)."""
    found = {}

    def check(provider):
        found["account"] = provider.partner_accounts.select_related("user").get(pk=pk)
        if not partner_services.may_manage_partners(request.user, provider):
            raise PermissionDenied

    provider = get_for_user(
        request,
        Provider.objects.all(),
        action=AccessAction.UPDATE,
        check=check,
        partner_accounts__pk=pk,
    )
    account = found["account"]
    account.provider = provider
    return account


def _accounts_page(request, provider, *, form=None, status=200):
    manages = partner_services.may_manage_partners(request.user, provider)
    if manages and form is None and provider.archived_at is None:
        form = PartnerAccountForm()
    return render(
        request,
        "resources/partner_accounts.html",
        {
            "provider": provider,
            "accounts": _accounts(provider),
            "manages": manages,
            "form": form if manages else None,
        },
        status=status,
    )


def _password_page(request, account, password, *, new_account):
    response = render(
        request,
        "resources/partner_password.html",
        {
            "account": account,
            "provider": account.provider,
            "password": password,
            "new_account": new_account,
        },
    )
    add_never_cache_headers(response)  # the password is shown once: no copy in any cache
    return response


@require_safe
def partner_accounts(request, pk):
    return _accounts_page(request, _load_provider(request, pk))


@require_POST
def partner_account_create(request, pk):
    provider = _load_provider(request, pk, manage=True)
    form = PartnerAccountForm(request.POST)
    if form.is_valid():
        try:
            account, password = partner_services.open_partner_account(
                provider=provider, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _form_errors_from(form, error)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            record_access(request, action=AccessAction.CREATE, obj=account)
            return _password_page(request, account, password, new_account=True)
    return _accounts_page(request, provider, form=form, status=400)


@require_POST
def partner_account_active(request, pk):
    account = _load_account(request, pk)
    active = request.POST.get("active")
    if active not in ("0", "1"):
        messages.error(request, _("Choose whether to close the account or open it again."))
    else:
        partner_services.set_partner_account_active(
            account=account, by=request.user, active=active == "1"
        )
        if active == "1":
            messages.success(
                request, _("The account of %(name)s is open again.") % {"name": account.user}
            )
        else:
            messages.success(
                request,
                _("The account of %(name)s is closed: it can no longer sign in.")
                % {"name": account.user},
            )
    return redirect("resources:partner_accounts", pk=account.provider_id)


@require_POST
def partner_account_reset(request, pk):
    account = _load_account(request, pk)
    what = request.POST.get("what")
    if what == "password":
        password = partner_services.reset_partner_password(account=account, by=request.user)
        return _password_page(request, account, password, new_account=False)
    if what == "two_factor":
        partner_services.reset_partner_two_factor(request=request, account=account, by=request.user)
        messages.success(
            request,
            _("The authenticator of %(name)s was removed: a new one is set up at the next sign-in.")
            % {"name": account.user},
        )
    else:
        messages.error(request, _("Choose what to reset: the password or the authenticator."))
    return redirect("resources:partner_accounts", pk=account.provider_id)


def _form_errors_from(form, error):
    """A refusal by the service, shown on its field when the form has one."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- the documents a partner sent on a referral ------------------------------------------------

EXTENSIONS = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}


def _download_name(document):
    """The document's title as a file name, with the extension of its kind."""
    title = "".join("_" if ch in '/\\:*?"<>|' or ord(ch) < 32 else ch for ch in document.title)
    extension = EXTENSIONS.get(document.content_type, "")
    if extension and title.lower().endswith(extension):
        extension = ""
    return f"{title.strip() or document.pk}{extension}"


@require_safe
def referral_document_download(request, referral_pk, pk):
    """A document the partner sent: asks the download reason, and records the export, through
    the door (404 for a referral out of scope, or a document not of this referral)."""
    found = {}

    def check(referral):
        found["document"] = referral.documents.filter(pk=pk).first()
        if found["document"] is None:
            raise Http404  # before the reason is asked

    get_for_user(
        request,
        Referral.objects.all(),
        pk=referral_pk,
        action=AccessAction.EXPORT,
        check=check,
    )
    document = found["document"]
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=_download_name(document),
        content_type=document.content_type,
    )
    response["Cache-Control"] = "no-store"
    return response
