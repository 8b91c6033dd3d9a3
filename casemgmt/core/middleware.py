from django.conf import settings
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
