from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils import translation


class KoreanFirstLocaleMiddleware:
    """Korean unless the user chose another language (the set_language cookie).

    Django's LocaleMiddleware follows the browser's Accept-Language; a borrowed tablet with an
    English browser must still show the officers' Korean screens.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


class PermissionsPolicyMiddleware:
    """The Permissions-Policy header from ``settings.PERMISSIONS_POLICY``.

    ``{"camera": []}`` becomes ``camera=()``: the feature is off for the page and every frame.
    Django's SecurityMiddleware and django-csp do not send this header.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(allowed)})"
            for feature, allowed in getattr(settings, "PERMISSIONS_POLICY", {}).items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response


class NewPasswordRequiredMiddleware:
    """An account whose password an administrator set sees only the page to choose a new one
    (and can log out) until its owner has chosen it (casemgmt.core.services.mark_password_reset).
    """

    ALLOWED = {"password_change", "password_change_done", "logout", "set_language"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password:
            try:
                name = resolve(request.path_info).url_name
            except Resolver404:
                name = None
            if name not in self.ALLOWED:
                return redirect(reverse("password_change"))
        return self.get_response(request)


def _url_name(request):
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    return match.view_name


class SecondFactorMiddleware:
    """After the password, an account with two-factor sign-in (every partner agency's, and the
    officers who turned it on) reaches only the code page — or the set-up page while it has no
    authenticator — until a code is given in this session (casemgmt.core.two_factor)."""

    ALLOWED = {"two_factor_verify", "two_factor_setup", "logout", "set_language"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from .two_factor import has_authenticator, requires_second_factor

        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not user.is_verified()
            and requires_second_factor(user)
        ):
            request.second_factor_pending = True
            if _url_name(request) not in self.ALLOWED:
                target = "two_factor_verify" if has_authenticator(user) else "two_factor_setup"
                return redirect_to_login(
                    request.get_full_path(), reverse(target), redirect_field_name="next"
                )
        return self.get_response(request)


class PartnerFenceMiddleware:
    """A partner agency's account reaches its own pages (the ``partner`` namespace) and the
    account pages, nothing else: every other address answers 404, as if it did not exist. The
    querysets refuse it too (casemgmt.core.access.for_partner): this is the outer wall."""

    ALLOWED = {
        "login", "logout", "password_change", "password_change_done", "set_language",
        "two_factor_verify", "two_factor_setup", "two_factor_manage",
    }  # fmt: skip

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from .access import is_partner

        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and is_partner(user):
            request.is_partner = True
            name = _url_name(request)
            if name not in self.ALLOWED and not (name or "").startswith("partner:"):
                raise Http404
        return self.get_response(request)
