"""Two-factor sign-in (2단계 인증): a code from an authenticator app (TOTP) after the password, with
ten one-time recovery codes for a lost phone (django-otp's TOTP and static devices).

Always on for a partner agency's account; an officer may turn it on (``User.two_factor``). After
the password, ``SecondFactorMiddleware`` lets such an account reach only the code page — or the
set-up page while it has no authenticator — until a code is given in this session. A wrong code
is a failed login for django-axes: it counts towards the same lockout and leaves the same access
record.
"""

from django.contrib.auth import logout
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .access import is_partner, record_access
from .exceptions import ApplicationError
from .models import AccessAction, User

RECOVERY_CODES = 10
AUTHENTICATOR = "authenticator"
RECOVERY = "recovery"

WRONG_CODE = _(
    "This code is not right. Type the six digits your authenticator app shows now, or one of "
    "your recovery codes."
)
WRONG_SETUP_CODE = _(
    "This code is not right. Check that the app shows this account and type the six digits it "
    "shows now."
)
PARTNER_KEEPS_TWO_FACTOR = _("A partner agency's account always signs in with a code.")
NOT_ON = _("Two-factor sign-in is not on for this account.")


def requires_second_factor(user):
    return bool(user.is_authenticated and (user.two_factor or is_partner(user)))


def has_authenticator(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user):
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def pending_authenticator(user):
    """The authenticator being set up: a new secret, kept (unconfirmed) until a code proves the
    app has it. Asking again shows the same secret, so a reload does not break a half set-up."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False, name=AUTHENTICATOR).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, confirmed=False, name=AUTHENTICATOR)
    return device


def secret_in_groups(device):
    """The secret as an app asks for it when typed by hand: base32 in groups of four."""
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device):
    import segno

    return segno.make(device.config_url, error="m").svg_inline(scale=4, border=2)


@transaction.atomic
def new_recovery_codes(*, user) -> list[str]:
    """Ten new one-time codes; the old ones stop working. Shown once, kept only by the user."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def confirm_authenticator(*, request, device, code) -> list[str]:
    """The first code from the app proves it holds the secret: the authenticator replaces any
    earlier one, the account signs in with codes from now on, and ten recovery codes are made."""
    user = request.user
    if not device.verify_token(_digits(code)):
        raise ApplicationError(WRONG_SETUP_CODE)
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = new_recovery_codes(user=user)
    if not user.two_factor:
        User.objects.filter(pk=user.pk).update(two_factor=True)
        user.two_factor = True
    record_access(request, action=AccessAction.UPDATE, target=f"core.user:{user.pk}:two_factor")
    otp_login(request, device)
    return codes


def verify_code(*, request, code):
    """Check a code from the app or a recovery code; sign the session in with it. A wrong code
    counts as a failed login (the lockout after AXES_FAILURE_LIMIT, and its access record);
    returns None then, and ``locked`` tells whether the account is now locked (and logged out)."""
    from axes.handlers.proxy import AxesProxyHandler

    user = request.user
    token = code.strip().replace(" ", "").lower()
    # Six digits are the app's code; a recovery code has letters and eight characters.
    model = TOTPDevice if token.isdigit() and len(token) == 6 else StaticDevice
    with transaction.atomic():
        for device in model.objects.filter(user=user, confirmed=True).select_for_update():
            if device.verify_token(token):
                otp_login(request, device)
                return device, False
    credentials = {"username": user.get_username()}
    user_login_failed.send(sender=__name__, credentials=credentials, request=request)
    if AxesProxyHandler.is_locked(request, credentials):
        logout(request)
        return None, True
    return None, False


@transaction.atomic
def turn_off(*, request):
    """An officer turns two-factor sign-in off; a partner agency's account cannot."""
    user = request.user
    if is_partner(user):
        raise ApplicationError(PARTNER_KEEPS_TWO_FACTOR)
    if not user.two_factor:
        raise ApplicationError(NOT_ON)
    _remove_devices(user)
    User.objects.filter(pk=user.pk).update(two_factor=False)
    user.two_factor = False
    record_access(request, action=AccessAction.UPDATE, target=f"core.user:{user.pk}:two_factor")


@transaction.atomic
def reset_authenticator(*, request, user):
    """A lost phone: the person who manages the account removes its authenticator and codes; the
    account sets up a new one at its next sign-in (a partner's stays required)."""
    _remove_devices(user)
    record_access(request, action=AccessAction.UPDATE, target=f"core.user:{user.pk}:two_factor")


def _remove_devices(user):
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def _digits(code):
    return "".join(ch for ch in str(code) if not ch.isspace())
