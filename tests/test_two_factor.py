"""Two-factor sign-in: required for partner agencies, a choice for officers; codes computed here
from the device's secret, as an authenticator app would."""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from casemgmt.core.models import AccessAction, AccessRecord
from resources.partner_services import reset_partner_two_factor

from .factories import UserFactory, gu, partner_account
from .resource_factories import ProviderFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password"


def code(device, ahead=0):
    """The six digits the app shows (``ahead`` time steps later: a code is good once)."""
    value = totp(device.bin_key, step=device.step, t0=device.t0 - ahead * device.step)
    return f"{value:06d}"


@pytest.fixture
def partner(neungdong):
    provider = ProviderFactory(registering_dong=neungdong, name="능동종합사회복지관")
    return partner_account(provider, username="bokji.kim")


def sign_in(client, username):
    return client.post(reverse("login"), {"username": username, "password": PASSWORD})


def set_up(client):
    """Scan and confirm: the set-up page's secret, then its first code."""
    page = client.get(reverse("two_factor_setup"))
    assert page.status_code == 200
    assert "<svg" in page.content.decode()  # the QR code, drawn on our own page
    device = TOTPDevice.objects.get(confirmed=False)
    done = client.post(reverse("two_factor_setup"), {"code": code(device)})
    assert done.status_code == 200, done.content.decode()
    return TOTPDevice.objects.get(pk=device.pk), done.context["codes"]


def test_a_partner_sets_up_an_authenticator_at_the_first_sign_in(client, partner):
    response = sign_in(client, "bokji.kim")
    assert response.status_code == 302
    home = client.get(response["Location"])
    assert home.status_code == 302
    assert home["Location"].startswith(reverse("two_factor_setup"))
    # Before a code nothing of the partner's pages opens.
    assert client.get(reverse("partner:home")).status_code == 302
    device, codes = set_up(client)
    assert device.confirmed
    assert len(codes) == 10
    partner.refresh_from_db()
    assert partner.two_factor
    assert client.get(reverse("partner:home")).status_code == 200


def test_a_partner_signs_in_with_a_code_after_the_password(client, partner):
    set_up_client = type(client)()
    sign_in(set_up_client, "bokji.kim")
    device, _codes = set_up(set_up_client)

    sign_in(client, "bokji.kim")
    response = client.get(reverse("partner:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_verify"))
    wrong = client.post(reverse("two_factor_verify"), {"code": "000000"})
    assert wrong.status_code == 400
    assert wrong.context["form"].errors["code"]
    assert AccessRecord.objects.filter(
        action=AccessAction.LOGIN_FAILED, username="bokji.kim"
    ).exists()
    device.throttle_reset()  # the app waits a second after a wrong code; the test does not
    right = client.post(
        reverse("two_factor_verify"), {"code": code(device, ahead=1), "next": "/partner/"}
    )
    assert right.status_code == 302
    assert client.get(reverse("partner:home")).status_code == 200


def test_a_recovery_code_signs_in_once(client, partner):
    other = type(client)()
    sign_in(other, "bokji.kim")
    _device, codes = set_up(other)
    for attempt, expected in ((1, 302), (2, 400)):
        fresh = type(client)()
        sign_in(fresh, "bokji.kim")
        response = fresh.post(reverse("two_factor_verify"), {"code": codes[0]})
        assert response.status_code == expected, attempt
        if expected == 302:
            assert fresh.get(reverse("partner:home")).status_code == 200
        from django_otp.plugins.otp_static.models import StaticDevice

        StaticDevice.objects.filter(user=partner).update(throttling_failure_count=0)


@override_settings(AXES_ENABLED=True)
def test_five_wrong_codes_lock_the_account_like_five_wrong_passwords(client, partner):
    other = type(client)()
    sign_in(other, "bokji.kim")
    set_up(other)
    sign_in(client, "bokji.kim")
    for _ in range(4):
        assert client.post(reverse("two_factor_verify"), {"code": "123456"}).status_code == 400
    locked = client.post(reverse("two_factor_verify"), {"code": "123456"})
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    assert sign_in(type(client)(), "bokji.kim").status_code == 429


def test_a_partner_cannot_turn_two_factor_off(client, partner):
    sign_in(client, "bokji.kim")
    set_up(client)
    response = client.post(reverse("two_factor_manage"), {"action": "off"}, follow=True)
    assert "항상" in response.content.decode()
    partner.refresh_from_db()
    assert partner.two_factor
    assert TOTPDevice.objects.filter(user=partner, confirmed=True).exists()


def test_an_officer_may_turn_it_on_and_then_signs_in_with_a_code(client, user_in_dong):
    sign_in(client, user_in_dong.username)
    assert client.get(reverse("work:dashboard")).status_code == 200  # off: the password is enough
    set_up(client)
    user_in_dong.refresh_from_db()
    assert user_in_dong.two_factor
    fresh = type(client)()
    sign_in(fresh, user_in_dong.username)
    response = fresh.get(reverse("work:dashboard"))
    assert response["Location"].startswith(reverse("two_factor_verify"))
    # ...and may turn it off again from a session signed in with a code.
    client.post(reverse("two_factor_manage"), {"action": "off"})
    user_in_dong.refresh_from_db()
    assert not user_in_dong.two_factor
    assert not TOTPDevice.objects.filter(user=user_in_dong).exists()


def test_a_lost_phone_is_reset_by_the_gu_staff_and_set_up_again(client, partner, rf):
    sign_in(client, "bokji.kim")
    set_up(client)
    staff = UserFactory(username="gu.reset", dong=None, gu=gu(), role="gu_staff")
    request = rf.post("/")
    request.user = staff
    reset_partner_two_factor(request=request, account=partner.partner_account, by=staff)
    fresh = type(client)()
    sign_in(fresh, "bokji.kim")
    response = fresh.get(reverse("partner:home"))
    assert response["Location"].startswith(reverse("two_factor_setup"))


def test_a_partner_session_has_the_same_idle_cut_off(client, partner):
    sign_in(client, "bokji.kim")
    set_up(client)
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get(reverse("partner:home"))
    assert response["Location"].startswith(reverse("login"))


def test_signing_in_sends_a_partner_to_its_own_page(client, partner):
    sign_in(client, "bokji.kim")
    set_up(client)
    client.post(reverse("logout"))
    response = sign_in(client, "bokji.kim")
    assert response["Location"] == reverse("partner:home")
