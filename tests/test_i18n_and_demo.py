import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

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
    assert [str(item["label"]) for item in nav][:3] == ["대시보드", "달력", "사례"]


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
    assert roles["haetsal.partner"] == (Role.PARTNER, "광진구")
    assert roles["maeum.partner"] == (Role.PARTNER, "광진구")
    assert "haetsal.partner" in out
    assert User.objects.count() == 7 + 2
    from cases.models import Case, Client, Stage

    assert Client.objects.count() == 5 + 22 + 10  # 10: the partner agencies' referrals
    for dong in ("능동", "구의제1동"):
        stages = set(Case.objects.filter(dong__name=dong).values_list("stage", flat=True))
        assert stages == set(Stage.values), dong
    from meetings.models import ActionItem, Decision, Meeting

    # per dong: a past conference and a past 내부판정회의 (final), and an upcoming conference
    assert Meeting.objects.count() == 6
    assert Meeting.objects.filter(finalised_at__isnull=False).count() == 4
    assert Decision.objects.count() == 4 + 4  # of them, one client selected for emergency
    assert Decision.objects.filter(item__client__isnull=False).count() == 4  # support per dong
    today = timezone.localdate()
    assert not Decision.objects.filter(item__meeting__held_at__date__gt=today).exists()
    assert ActionItem.objects.open().filter(owner__username="neung.cm").count() == 2
    assert ActionItem.objects.filter(owner__isnull=True).count() == 2  # an external partner's

    # Every clock state shows on a fresh demo, and the stored dates match the records.
    from cases.models import DeadlineClock

    clocks = list(DeadlineClock.objects.all())
    running = [c for c in clocks if c.stopped_on is None]
    assert any(c.days_left(today) > 3 for c in running), "running"
    assert any(0 <= c.days_left(today) <= 3 for c in running), "close to the limit"
    assert any(c.days_left(today) < 0 for c in running), "breached"
    assert any(c.stopped_on and not c.breached(today) for c in clocks), "stopped in time"
    assert any(c.stopped_on and c.breached(today) for c in clocks), "stopped late"
    assert any(c.cancelled for c in clocks), "stopped by closure"
    neung = Case.objects.filter(primary_manager__username="neung.cm")
    assert neung.filter(next_contact_due__lt=today).exists()  # a contact to record today
    call_command("recompute_schedule")  # raises if anything drifted


def _po_entries(path):
    """(msgid, msgstr, fuzzy) of each entry of a .po file, plural forms joined; header skipped."""
    import re

    entries, fuzzy = [], False
    blocks = path.read_text(encoding="utf-8").split("\n\n")
    for block in blocks:
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        current, parts = None, {}
        for line in lines:
            match = re.match(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d\])?) "(.*)"$', line)
            if match:
                current = match.group(1)
                parts[current] = match.group(2)
            elif line.startswith('"') and current:
                parts[current] += line[1:-1]
        if "msgid" in parts and parts["msgid"]:
            strings = [v for k, v in parts.items() if k.startswith("msgstr")]
            entries.append((parts["msgid"], strings, fuzzy, parts.get("msgctxt")))
    return entries


def test_every_korean_translation_is_filled_and_compiled():
    """An empty or fuzzy entry shows English on a Korean screen; a stale .mo hides a new one."""
    import gettext
    import pathlib

    locale = pathlib.Path(__file__).resolve().parent.parent / "locale" / "ko" / "LC_MESSAGES"
    entries = _po_entries(locale / "django.po")
    assert len(entries) > 500
    assert not [m for m, _s, fuzzy, _c in entries if fuzzy], "fuzzy entries"
    assert not [m for m, strings, _f, _c in entries if not all(strings)], "empty translations"
    with open(locale / "django.mo", "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    singular = [(c, m, s[0]) for m, s, _f, c in entries if len(s) == 1 and "\\" not in m + s[0]]
    stale = [
        m for c, m, s in singular if (compiled.pgettext(c, m) if c else compiled.gettext(m)) != s
    ]
    assert not stale, f"run compilemessages: {stale[:5]}"
