"""The pages of two-factor sign-in: the code after the password, setting up an authenticator,
and an account's own settings (recovery codes, turning it off). See casemgmt.core.two_factor."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from . import two_factor
from .access import is_partner
from .exceptions import ApplicationError


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=20,
        help_text=gettext_lazy("Six digits from the app, or a recovery code."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )


class SetupCodeForm(CodeForm):
    code = forms.CharField(
        label=gettext_lazy("Code from the app"),
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


def _next_url(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    # Only an address of this site ("/cases/"), never a URL name or another host.
    if (
        target.startswith("/")
        and not target.startswith("//")
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return home_url(request.user)


def home_url(user):
    """Where an account starts: a partner agency's own page, or the officer's dashboard."""
    return reverse("partner:home") if is_partner(user) else resolve_url(settings.LOGIN_REDIRECT_URL)


@require_http_methods(["GET", "HEAD", "POST"])
def verify(request):
    """The second step of signing in: a code from the app (or a recovery code)."""
    if request.user.is_verified() or not two_factor.requires_second_factor(request.user):
        return redirect(_next_url(request))
    if not two_factor.has_authenticator(request.user):
        return redirect(f"{reverse('two_factor_setup')}?{urlencode({'next': _next_url(request)})}")
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        device, locked = two_factor.verify_code(request=request, code=form.cleaned_data["code"])
        if device is not None:
            if device.name == two_factor.RECOVERY:
                left = two_factor.recovery_codes_left(request.user)
                messages.warning(
                    request,
                    _(
                        "You signed in with a recovery code; %(left)s are left. If your phone is "
                        "lost, set up the app again on the two-factor page."
                    )
                    % {"left": left},
                )
            return redirect(_next_url(request))
        if locked:
            return render(request, "registration/locked_out.html", status=429)
        form.add_error("code", two_factor.WRONG_CODE)
        status = 400
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "registration/two_factor_verify.html",
        {"form": form, "next": _next_url(request)},
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def setup(request):
    """Set up an authenticator: a partner's first sign-in, an officer who turns it on, or a new
    phone (then only from a session already signed in with a code)."""
    user = request.user
    if two_factor.has_authenticator(user) and not user.is_verified():
        return redirect(f"{reverse('two_factor_verify')}?{urlencode({'next': _next_url(request)})}")
    device = two_factor.pending_authenticator(user)
    form = SetupCodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            codes = two_factor.confirm_authenticator(
                request=request, device=device, code=form.cleaned_data["code"]
            )
        except ApplicationError as error:
            form.add_error("code", error.message)
            status = 400
        else:
            return render(
                request,
                "registration/two_factor_codes.html",
                {"codes": codes, "next": _next_url(request), "first": True},
            )
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "registration/two_factor_setup.html",
        {
            "form": form,
            "qr": two_factor.qr_svg(device),
            "secret": two_factor.secret_in_groups(device),
            "next": _next_url(request),
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def manage(request):
    """The account's own two-factor settings: on or off, codes left, new recovery codes."""
    user = request.user
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "codes" and user.two_factor and user.is_verified():
            codes = two_factor.new_recovery_codes(user=user)
            return render(
                request,
                "registration/two_factor_codes.html",
                {"codes": codes, "next": reverse("two_factor_manage"), "first": False},
            )
        if action == "off" and user.is_verified():
            try:
                two_factor.turn_off(request=request)
            except ApplicationError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("Two-factor sign-in is off for your account."))
            return redirect("two_factor_manage")
        messages.error(request, _("Sign in with a code first, then try again."))
        return redirect("two_factor_manage")
    return render(
        request,
        "registration/two_factor_manage.html",
        {
            "has_authenticator": two_factor.has_authenticator(user),
            "codes_left": two_factor.recovery_codes_left(user),
            "partner": is_partner(user),
        },
    )
