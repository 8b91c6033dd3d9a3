"""Every login, logout and failed login leaves an access record."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .access import record_access
from .models import AccessAction


@receiver(user_logged_in, dispatch_uid="core.record_login")
def record_login(sender, request, user, **kwargs):
    record_access(request, action=AccessAction.LOGIN, user=user)


@receiver(user_logged_out, dispatch_uid="core.record_logout")
def record_logout(sender, request, user, **kwargs):
    if user is not None:
        record_access(request, action=AccessAction.LOGOUT, user=user)


@receiver(user_login_failed, dispatch_uid="core.record_login_failure")
def record_login_failure(sender, credentials, request=None, **kwargs):
    from django.contrib.auth.models import AnonymousUser

    username = (credentials or {}).get("username", "")[:150]
    record_access(
        request, action=AccessAction.LOGIN_FAILED, user=AnonymousUser(), username=username
    )
