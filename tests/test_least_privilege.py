"""SECURITY: the system administrator manages accounts, never client data (least privilege).

An outside test found that the administrator could give itself the case-manager role and a dong
in the admin, or reset an officer's password and sign in as them, and then read clients. Now no
one changes their own role or dong; a role is applied only when a second person, a gu-level
reviewer, approves the administrator's proposal (or by ``manage.py grant_role`` on the server);
a password the administrator sets must be replaced by its owner at the next login.
"""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from casemgmt.core.models import RoleGrant, User
from casemgmt.core.roles import Role

from .factories import UserFactory, dong, gu

pytestmark = pytest.mark.django_db


def _cm_group():
    return Group.objects.get(name=Role.CASE_MANAGER)


def _change_form(user, **changes):
    data = {
        "username": user.username, "name": user.name, "email": user.email, "phone": user.phone,
        "is_active": "on" if user.is_active else "", "groups": [_cm_group().pk],
        "gu": gu().pk, "dong": dong("능동").pk, "is_staff": "on",
    }  # fmt: skip
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def test_the_administrator_cannot_give_itself_a_role_or_a_dong(client, sysadmin, client_in_dong):
    client.force_login(sysadmin)
    url = reverse("admin:core_user_change", args=[sysadmin.pk])
    client.post(url, _change_form(sysadmin))
    sysadmin.refresh_from_db()
    assert sysadmin.role == Role.SYSADMIN and sysadmin.dong is None
    assert client.get(reverse("cases:client_detail", args=[client_in_dong.pk])).status_code == 404


def test_the_administrator_cannot_change_an_officers_role_or_dong_directly(
    client, sysadmin, user_in_dong
):
    client.force_login(sysadmin)
    url = reverse("admin:core_user_change", args=[user_in_dong.pk])
    sv = Group.objects.get(name=Role.SUPERVISOR)
    client.post(url, _change_form(user_in_dong, groups=[sv.pk], dong=dong("구의제1동").pk))
    user_in_dong.refresh_from_db()
    assert (user_in_dong.role, user_in_dong.dong.name) == (Role.CASE_MANAGER, "능동")


def test_a_new_account_from_the_admin_has_no_role_and_no_dong(client, sysadmin):
    client.force_login(sysadmin)
    response = client.post(
        reverse("admin:core_user_add"),
        {"username": "new.officer", "name": "신입", "email": "", "phone": "",
         "password1": "Seoul-2027-welfare", "password2": "Seoul-2027-welfare",
         "groups": [_cm_group().pk], "dong": dong("능동").pk, "gu": gu().pk,
         "usable_password": "true"},
    )  # fmt: skip
    assert response.status_code == 302
    new = User.objects.get(username="new.officer")
    assert (new.role, new.dong, new.gu) == (None, None, None)


def test_the_admins_only_bulk_action_is_unlocking(client, sysadmin, user_in_dong):
    client.force_login(sysadmin)
    changelist = reverse("admin:core_user_changelist")
    actions = [
        value
        for value, _label in client.get(changelist).context["action_form"].fields["action"].choices
    ]
    assert [a for a in actions if a] == ["unlock_accounts"]
    client.post(
        changelist,
        {"action": "delete_selected", "_selected_action": [user_in_dong.pk], "post": "yes"},
    )
    assert User.objects.filter(pk=user_in_dong.pk).exists()
    client.post(changelist, {"action": "unlock_accounts", "_selected_action": [user_in_dong.pk]})
    user_in_dong.refresh_from_db()
    assert user_in_dong.role == Role.CASE_MANAGER


def test_a_closed_account_is_not_reopened_from_the_admin(client, sysadmin, user_in_dong):
    User.objects.filter(pk=user_in_dong.pk).update(is_active=False)
    user_in_dong.refresh_from_db()
    client.force_login(sysadmin)
    page = client.post(
        reverse("admin:core_user_change", args=[user_in_dong.pk]),
        _change_form(user_in_dong, is_active="on"),
    )
    assert "승인하는 권한 부여로만" in page.content.decode()
    user_in_dong.refresh_from_db()
    assert not user_in_dong.is_active


def test_a_password_reset_by_the_admin_must_be_replaced_at_the_next_login(
    client, sysadmin, user_in_dong, client_in_dong
):
    client.force_login(sysadmin)
    response = client.post(
        reverse("admin:auth_user_password_change", args=[user_in_dong.pk]),
        {"password1": "Temp-pass-2027!", "password2": "Temp-pass-2027!", "usable_password": "true"},
    )
    assert response.status_code == 302
    user_in_dong.refresh_from_db()
    assert user_in_dong.must_change_password
    reset = user_in_dong.history.latest("history_id")
    assert (reset.history_user, reset.must_change_password) == (sysadmin, True)

    client.logout()
    assert client.login(username=user_in_dong.username, password="Temp-pass-2027!")
    detail = reverse("cases:client_detail", args=[client_in_dong.pk])
    for url in (detail, reverse("work:dashboard"), reverse("cases:client_list")):
        assert client.get(url)["Location"] == reverse("password_change")
    page = client.get(reverse("password_change")).content.decode()
    assert "관리자가 비밀번호를 정했습니다" in page
    changed = client.post(
        reverse("password_change"),
        {"old_password": "Temp-pass-2027!", "new_password1": "My-own-secret-77",
         "new_password2": "My-own-secret-77"},
    )  # fmt: skip
    assert changed.status_code == 302
    user_in_dong.refresh_from_db()
    assert not user_in_dong.must_change_password
    assert client.get(detail).status_code == 200


# --- the two-person role grant ------------------------------------------------------------------


@pytest.fixture
def newcomer(db):
    user = UserFactory(username="new.cm", name="신규담당", dong=None, gu=None)
    user.groups.clear()
    return user


def _propose(client, sysadmin, user, **fields):
    client.force_login(sysadmin)
    data = {"user": user.pk, "role": Role.CASE_MANAGER, "gu": gu().pk, "dong": dong("능동").pk,
            "note": "2027년 1월 인사발령"}  # fmt: skip
    data.update(fields)
    return client.post(reverse("admin:core_rolegrant_add"), data)


def test_a_role_proposed_by_the_admin_applies_only_when_a_gu_reviewer_approves(
    client, sysadmin, gu_staff, newcomer, client_in_dong
):
    assert _propose(client, sysadmin, newcomer).status_code == 302
    grant = RoleGrant.objects.get()
    listed = client.get(reverse("admin:core_rolegrant_changelist")).content.decode()
    assert "신규담당" in listed and "승인 대기" in listed  # the administrator sees it waiting
    newcomer.refresh_from_db()
    assert (grant.status, grant.proposed_by, newcomer.role, newcomer.dong) == (
        "pending",
        sysadmin,
        None,
        None,
    )

    # The administrator is a reviewer too, but not the second person of its own proposal.
    client.post(reverse("core:role_grant_decide", args=[grant.pk]), {"decision": "approve"})
    grant.refresh_from_db()
    assert grant.status == "pending"

    client.force_login(gu_staff)
    dashboard = client.get(reverse("work:dashboard")).content.decode()
    assert "승인을 기다리는 권한 부여" in dashboard
    page = client.get(reverse("core:role_grants")).content.decode()
    assert "신규담당" in page and "2027년 1월 인사발령" in page
    client.post(reverse("core:role_grant_decide", args=[grant.pk]), {"decision": "approve"})
    grant.refresh_from_db()
    newcomer = User.objects.get(pk=newcomer.pk)  # the role is cached on the instance
    assert (grant.status, grant.decided_by) == ("approved", gu_staff)
    assert (newcomer.role, newcomer.dong.name) == (Role.CASE_MANAGER, "능동")
    change = newcomer.history.latest("history_id")
    assert change.history_user == gu_staff and "2027년 1월 인사발령" in change.history_change_reason
    client.force_login(newcomer)
    assert client.get(reverse("cases:client_detail", args=[client_in_dong.pk])).status_code == 200


def test_nobody_proposes_for_themselves_or_approves_their_own_grant(client, sysadmin, gu_staff):
    page = _propose(client, sysadmin, sysadmin)
    assert page.status_code == 200
    assert "자기 계정" in page.content.decode()
    assert not RoleGrant.objects.exists()
    other_admin = UserFactory(username="admin2", name="서관리", dong=None, gu=gu(), is_staff=True,
                              role=Role.SYSADMIN)  # fmt: skip
    _propose(client, other_admin, gu_staff, role=Role.SUPERVISOR)
    grant = RoleGrant.objects.get()
    client.force_login(gu_staff)
    client.post(reverse("core:role_grant_decide", args=[grant.pk]), {"decision": "approve"})
    grant.refresh_from_db()
    gu_staff.refresh_from_db()
    assert grant.status == "pending" and gu_staff.role == Role.GU_STAFF


def test_officers_cannot_see_or_decide_role_grants(
    client, sysadmin, user_in_dong, supervisor, newcomer
):
    _propose(client, sysadmin, newcomer)
    grant = RoleGrant.objects.get()
    for officer in (user_in_dong, supervisor):
        client.force_login(officer)
        assert client.get(reverse("core:role_grants")).status_code == 403
        assert (
            client.post(
                reverse("core:role_grant_decide", args=[grant.pk]), {"decision": "approve"}
            ).status_code
            == 403
        )
    grant.refresh_from_db()
    assert grant.status == "pending"


def test_a_dong_role_needs_a_dong_of_the_same_gu(client, sysadmin, newcomer):
    page = _propose(client, sysadmin, newcomer, dong="")
    assert "동을 선택하세요" in page.content.decode()
    assert not RoleGrant.objects.exists()


def test_the_server_command_grants_a_role_with_its_reason_in_the_history(newcomer):
    call_command(
        "grant_role", "new.cm", Role.SUPERVISOR, gu="광진구", dong="능동", reason="최초 설치"
    )
    newcomer.refresh_from_db()
    assert (newcomer.role, newcomer.dong.name) == (Role.SUPERVISOR, "능동")
    assert "최초 설치" in newcomer.history.latest("history_id").history_change_reason
