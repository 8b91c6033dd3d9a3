"""Login, logout, lockout and idle sessions."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from casemgmt.core.models import AccessAction, AccessRecord

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"


def log_in(client, username, password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_an_anonymous_visitor_is_sent_to_the_korean_login_page(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"
    page = client.get(response["Location"])
    assert page["Content-Language"] == "ko"
    assert "로그인" in page.content.decode()


def test_a_login_and_a_logout_are_recorded_with_the_ip_address(client, user_in_dong):
    assert log_in(client, user_in_dong.username).status_code == 302
    client.post(reverse("logout"))
    records = list(
        AccessRecord.objects.order_by("id").values_list("action", "username", "ip_address")
    )
    assert records == [
        (AccessAction.LOGIN, user_in_dong.username, "127.0.0.1"),
        (AccessAction.LOGOUT, user_in_dong.username, "127.0.0.1"),
    ]


def test_a_failed_login_is_recorded_and_explained_in_korean(client, user_in_dong):
    response = log_in(client, user_in_dong.username, "wrong-password")
    assert response.status_code == 200
    assert "계정 또는 비밀번호가 올바르지 않습니다" in response.content.decode()
    assert response.context["form"].data["username"] == user_in_dong.username  # kept as typed
    record = AccessRecord.objects.get()
    assert (record.action, record.username, record.user) == (
        AccessAction.LOGIN_FAILED,
        user_in_dong.username,
        None,
    )


@override_settings(AXES_ENABLED=True)
def test_five_failed_logins_in_a_row_lock_the_account_until_an_administrator_unlocks_it(
    client, user_in_dong, sysadmin
):
    for _ in range(5):
        log_in(client, user_in_dong.username, "wrong-password")
    locked = log_in(client, user_in_dong.username)  # even the right password is refused now
    assert locked.status_code == 429
    assert "잠겼습니다" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # The lock holds for the account from any address, and does not wear off by itself.
    assert (
        client.post(
            reverse("login"),
            {"username": user_in_dong.username, "password": PASSWORD},
            REMOTE_ADDR="10.0.0.9",
        ).status_code
        == 429
    )

    admin = type(client)()
    admin.force_login(sysadmin)
    response = admin.post(
        reverse("admin:core_user_changelist"),
        {"action": "unlock_accounts", "_selected_action": [user_in_dong.pk]},
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username=user_in_dong.username).exists()
    assert log_in(client, user_in_dong.username).status_code == 302


@override_settings(AXES_ENABLED=True)
def test_a_successful_login_resets_the_count_of_failures(client, user_in_dong):
    for _ in range(4):
        log_in(client, user_in_dong.username, "wrong-password")
    assert log_in(client, user_in_dong.username).status_code == 302
    client.post(reverse("logout"))
    for _ in range(4):
        log_in(client, user_in_dong.username, "wrong-password")
    assert log_in(client, user_in_dong.username).status_code == 302


def test_an_idle_session_expires_after_thirty_minutes(client, user_in_dong, settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST  # each request renews the idle window
    log_in(client, user_in_dong.username)
    assert client.get("/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_activity_renews_the_idle_window(client, user_in_dong):
    log_in(client, user_in_dong.username)
    Session.objects.update(expire_date=timezone.now() + datetime.timedelta(minutes=1))
    client.get("/")
    session = Session.objects.get()
    assert session.expire_date > timezone.now() + datetime.timedelta(minutes=29)


def test_passwords_are_checked_by_djangos_validators(user_in_dong):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ["12345678", "password1", "short"]:
        with pytest.raises(ValidationError):
            validate_password(weak, user_in_dong)
    validate_password("quiet-river-stone-42", user_in_dong)


@pytest.mark.parametrize(
    "password, accepted",
    [
        ("abcdefghij", False),  # one kind
        ("riverstone7", True),  # two kinds, 11 characters
        ("river7ston", True),  # two kinds, exactly 10
        ("river7st", False),  # two kinds, 8 characters
        ("rv7-st!q", True),  # three kinds, 8 characters
        ("rv7-st!", False),  # three kinds, 7 characters
    ],
)
def test_passwords_mix_kinds_of_characters_as_the_guideline_asks(password, accepted):
    from django.core.exceptions import ValidationError

    from casemgmt.core.password_validation import CharacterKindsValidator

    validator = CharacterKindsValidator()
    if accepted:
        validator.validate(password)
    else:
        with pytest.raises(ValidationError):
            validator.validate(password)


def test_an_officer_changes_their_own_password_and_other_sessions_end(client, user_in_dong):
    from django.test import Client

    elsewhere = Client()
    log_in(elsewhere, user_in_dong.username)
    log_in(client, user_in_dong.username)
    page = client.get(reverse("password_change"))
    assert page.status_code == 200 and "비밀번호" in page.content.decode()
    weak = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "abcdefghijk", "new_password2": "abcdefghijk"},
    )
    assert weak.status_code == 200
    assert "두 가지" in str(weak.context["form"].errors["new_password2"])
    done = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "능동-river-42",
            "new_password2": "능동-river-42",
        },
    )
    assert done.status_code == 302
    confirmation = client.get(done["Location"])
    assert "비밀번호를 바꿨습니다" in confirmation.content.decode()
    user_in_dong.refresh_from_db()
    assert user_in_dong.check_password("능동-river-42")
    assert client.get(reverse("work:dashboard")).status_code == 200  # this session goes on
    assert elsewhere.get(reverse("work:dashboard")).status_code == 302  # the other one ended
