import pytest
from django.core.management import call_command
from django.urls import reverse

from casemgmt.core.models import User
from casemgmt.core.roles import Role

pytestmark = pytest.mark.django_db


def test_the_ui_is_korean_even_for_an_english_browser(client, user_in_dong):
    client.force_login(user_in_dong)
    body = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "대시보드" in body
    assert 'lang="ko"' in body


def test_english_can_be_chosen(client, user_in_dong):
    client.force_login(user_in_dong)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    body = client.get("/").content.decode()
    assert "Dashboard" in body
    assert 'lang="en"' in body


def test_the_navigation_shows_the_dashboard_and_cases(client, user_in_dong):
    client.force_login(user_in_dong)
    nav = client.get("/").context["nav_items"]
    assert [str(item["label"]) for item in nav][:2] == ["대시보드", "사례"]


def test_seed_demo_creates_every_role_in_two_dongs_and_the_gu_and_can_run_twice(capsys):
    call_command("seed_demo")
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "neung.cm" in out and "guui1.sv" in out
    roles = {u.username: (u.role, str(u.organisation)) for u in User.objects.all()}
    assert roles["neung.cm"] == (Role.CASE_MANAGER, "능동")
    assert roles["neung.sv"] == (Role.SUPERVISOR, "능동")
    assert roles["guui1.cm"] == (Role.CASE_MANAGER, "구의제1동")
    assert roles["guui1.sv"] == (Role.SUPERVISOR, "구의제1동")
    assert roles["gu.staff"] == (Role.GU_STAFF, "광진구")
    assert roles["sysadmin"] == (Role.SYSADMIN, "광진구")
    assert User.objects.count() == 7
    from cases.models import Case, Client, Stage

    assert Client.objects.count() == 5 + 22
    for dong in ("능동", "구의제1동"):
        stages = set(Case.objects.filter(dong__name=dong).values_list("stage", flat=True))
        assert stages == set(Stage.values), dong
    from meetings.models import Decision, Meeting

    assert Meeting.objects.count() == 4
    assert Meeting.objects.filter(finalised_at__isnull=False).count() == 2
    assert Decision.objects.count() == 4
