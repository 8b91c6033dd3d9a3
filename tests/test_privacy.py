"""Encryption at rest, masked resident numbers, change history and permission-change history."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.urls import reverse

from casemgmt.core.models import AccessAction, AccessRecord
from casemgmt.core.roles import Role, role_group
from cases import services
from cases.models import Assessment, Client, HouseholdMember, Stage

from . import lifecycle
from .factories import ClientFactory, dong, registered_with_consent

pytestmark = pytest.mark.django_db

RRN = "900101-2345678"
MASKED = "900101-2******"


def _raw(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


@pytest.fixture
def registered(user_in_dong):
    return registered_with_consent(
        user_in_dong,
        name="남궁민",
        birth_date=datetime.date(1990, 1, 1),
        sex="F",
        resident_number="9001012345678",
        address="서울 광진구 능동로 10",
        health_notes="우울증 치료 중",
    )


# --- encryption at rest -----------------------------------------------------------------------------
def test_the_database_holds_no_plaintext_of_encrypted_fields(registered, user_in_dong):
    assert registered.resident_number == RRN  # normalised on the way in
    member = services.add_household_member(
        client=registered,
        by=user_in_dong,
        name="남궁철",
        relation="spouse",
        health_notes="알코올 의존",
    )
    number, notes = _raw(
        "SELECT resident_number, health_notes FROM cases_client WHERE id = %s", [registered.pk]
    )
    assert "2345678" not in number and "우울증" not in notes
    assert number.startswith("gAAAA") and notes.startswith("gAAAA")  # Fernet tokens
    (member_notes,) = _raw(
        "SELECT health_notes FROM cases_householdmember WHERE id = %s", [member.pk]
    )
    assert "알코올" not in member_notes
    # The change history keeps the same ciphertext, never the plain value.
    history_number, history_notes = _raw(
        "SELECT resident_number, health_notes FROM cases_historicalclient WHERE id = %s"
        " ORDER BY history_id DESC",
        [registered.pk],
    )
    assert "2345678" not in history_number and "우울증" not in history_notes
    # Read back through the model: the plain values.
    fresh = Client.objects.get(pk=registered.pk)
    assert (fresh.resident_number, fresh.health_notes) == (RRN, "우울증 치료 중")


def test_the_functional_assessment_is_encrypted(user_in_dong, supervisor):
    data = lifecycle.EXAMPLES["frequent_illness"]
    client = ClientFactory(dong=dong("능동"), **data["client"])
    case = lifecycle.run_to(
        Stage.SELECTION, officer=user_in_dong, supervisor=supervisor, client=client, example=data
    )
    assessment = Assessment.objects.filter(case=case).get()
    assert assessment.functional_assessment
    (raw,) = _raw(
        "SELECT functional_assessment FROM cases_assessment WHERE id = %s", [assessment.pk]
    )
    assert raw.startswith("gAAAA") and assessment.functional_assessment[:4] not in raw


def test_an_empty_encrypted_field_reads_back_as_empty_text(user_in_dong):
    client = ClientFactory(dong=dong("능동"))
    client.refresh_from_db()
    assert client.resident_number == "" and client.health_notes == ""
    assert client.resident_number_masked == ""


# --- masked display and unmasking with a reason ---------------------------------------------------
def test_pages_show_the_number_masked_and_the_edit_form_never_shows_it(
    client, user_in_dong, registered
):
    client.force_login(user_in_dong)
    page = client.get(reverse("cases:client_detail", args=[registered.pk])).content.decode()
    assert MASKED in page and RRN not in page and "2345678" not in page
    form = client.get(reverse("cases:client_update", args=[registered.pk])).content.decode()
    assert "2345678" not in form and MASKED in form


def test_the_full_number_needs_a_reason_which_is_recorded(client, user_in_dong, registered):
    client.force_login(user_in_dong)
    url = reverse("cases:client_resident_number", args=[registered.pk])
    asked = client.get(url)
    assert asked.status_code == 200 and RRN not in asked.content.decode()
    refused = client.post(url, {"purpose": "other", "reason": ""})
    assert refused.status_code == 400 and RRN not in refused.content.decode()
    assert "다섯 글자" in refused.content.decode() or "5자" in refused.content.decode()
    shown = client.post(url, {"purpose": "visit"})
    assert RRN in shown.content.decode()
    record = AccessRecord.objects.filter(user=user_in_dong, path=url).latest("id")
    assert record.action == AccessAction.VIEW and record.client_id == registered.pk
    assert record.reason == "가정방문 또는 상담"


def test_another_dong_cannot_unmask_or_read_the_history(client, user_other_dong, registered):
    client.force_login(user_other_dong)
    for name in ("client_resident_number", "client_history"):
        url = reverse(f"cases:{name}", args=[registered.pk])
        assert client.get(url).status_code == 404
        # The history page only shows: a POST is refused before anything is loaded.
        assert client.post(url, {"purpose": "visit"}).status_code == (
            404 if name == "client_resident_number" else 405
        )


def test_a_resident_number_must_match_the_birth_date_and_sex(client, user_in_dong):
    client.force_login(user_in_dong)
    person = registered_with_consent(
        user_in_dong, name="오지은", birth_date=datetime.date(1985, 3, 4), sex="F",
        address="서울 광진구 능동로 3", livelihood_status="general",
    )  # fmt: skip
    url = reverse("cases:client_update", args=[person.pk])
    data = {
        "name": "오지은",
        "birth_date": "1985-03-04",
        "sex": "F",
        "resident_number": "850304-1234567",
        "address": "서울 광진구 능동로 3",
        "livelihood_status": "general",
        "loaded_version": str(person.version),
    }
    wrong_sex = client.post(url, data)
    assert wrong_sex.status_code == 200
    assert "성별" in str(wrong_sex.context["form"].errors["resident_number"])
    assert wrong_sex.context["form"]["name"].value() == "오지은"  # what was typed is kept
    wrong_birth = client.post(url, {**data, "resident_number": "850305-2234567"})
    assert "생년월일" in str(wrong_birth.context["form"].errors["resident_number"])
    malformed = client.post(url, {**data, "resident_number": "85-0304"})
    assert "13자리" in str(malformed.context["form"].errors["resident_number"])
    assert Client.objects.get(name="오지은").resident_number == ""
    client.post(url, {**data, "resident_number": "8503042234567"})
    assert Client.objects.get(name="오지은").resident_number == "850304-2234567"


def test_an_empty_number_on_the_edit_form_keeps_the_stored_one(client, user_in_dong, registered):
    client.force_login(user_in_dong)
    url = reverse("cases:client_update", args=[registered.pk])
    form = client.get(url).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(resident_number="", phone="010-2222-3333", birth_date="1990-01-01")
    assert client.post(url, data).status_code == 302
    registered.refresh_from_db()
    assert (registered.resident_number, registered.phone) == (RRN, "010-2222-3333")
    data.update(loaded_version=registered.version, remove_resident_number="on")
    assert client.post(url, data).status_code == 302
    registered.refresh_from_db()
    assert registered.resident_number == ""


# --- change history ----------------------------------------------------------------------------------
def test_a_client_change_keeps_who_when_and_the_old_and_new_values(
    client, user_in_dong, supervisor, registered
):
    services.update_client(
        client=registered,
        by=supervisor,
        expected_version=registered.version,
        address="서울 광진구 자양로 5",
        resident_number="900101-2999999",
    )
    client.force_login(user_in_dong)
    response = client.get(reverse("cases:client_history", args=[registered.pk]))
    page = response.content.decode()
    newest = response.context["entries"][0]
    assert newest.who == supervisor
    changes = {c.label: (c.old, c.new) for c in newest.changes}
    assert changes["주소"] == ("서울 광진구 능동로 10", "서울 광진구 자양로 5")
    assert "(변경됨 — 표시 안 함)" in changes["주민등록번호"][0]
    assert "2999999" not in page and "2345678" not in page
    assert "박팀장" in page and "등록" in page


def test_archiving_a_client_is_in_the_history(user_in_dong):
    registered = ClientFactory(dong=dong("능동"))
    services.archive_client(client=registered, by=user_in_dong)
    latest = registered.history.latest()
    assert latest.archived_at is not None and latest.history_user == user_in_dong


def test_the_case_history_shows_the_plan_consent_and_stage_changes(
    client, user_in_dong, supervisor
):
    data = lifecycle.EXAMPLES["frequent_illness"]
    person = ClientFactory(dong=dong("능동"), **data["client"])
    case = lifecycle.run_to(
        Stage.INTERVENTION, officer=user_in_dong, supervisor=supervisor, client=person, example=data
    )
    client.force_login(supervisor)
    response = client.get(reverse("cases:case_history", args=[case.pk]))
    assert response.status_code == 200
    records = {entry.record for entry in response.context["entries"]}
    assert any(r.startswith("서비스제공계획 v1") or "계획" in r for r in records)
    assert "사례" in records
    stage_changes = [c for e in response.context["entries"] for c in e.changes if c.label == "단계"]
    assert stage_changes, "the stage moves are in the history with their old and new values"
    page = response.content.decode()
    assert "개입" in page


def test_household_member_changes_are_in_the_clients_history(client, user_in_dong, registered):
    member = services.add_household_member(
        client=registered, by=user_in_dong, name="남궁철", relation="spouse"
    )
    services.update_household_member(
        member=member, by=user_in_dong, expected_version=member.version, phone="010-1234-5678"
    )
    client.force_login(user_in_dong)
    entries = client.get(reverse("cases:client_history", args=[registered.pk])).context["entries"]
    assert entries[0].record.endswith("남궁철")
    assert [(c.old, c.new) for c in entries[0].changes] == [("—", "010-1234-5678")]
    assert HouseholdMember.history.filter(id=member.pk).count() == 2


def test_permission_changes_keep_a_history(user_in_dong, sysadmin):
    supervisors = role_group(Role.SUPERVISOR)
    user_in_dong._history_user = sysadmin
    user_in_dong.groups.add(supervisors)
    snapshots = list(user_in_dong.history.order_by("history_date"))
    latest = snapshots[-1]
    assert latest.history_user == sysadmin
    assert supervisors.pk in set(latest.groups.values_list("group", flat=True))
    # The password hash never enters the history.
    assert not hasattr(latest, "password")
    assert isinstance(supervisors, Group)


def test_reviewers_see_permission_changes_with_who_and_when(
    client, gu_staff, user_in_dong, sysadmin
):
    from django.test import RequestFactory
    from simple_history.models import HistoricalRecords

    # A change made through a request (as in the admin) is credited to the request's user.
    request = RequestFactory().get("/admin/")
    request.user = sysadmin
    HistoricalRecords.context.request = request
    try:
        user_in_dong.dong = dong("구의제1동")
        user_in_dong.save()
    finally:
        del HistoricalRecords.context.request
    client.force_login(gu_staff)
    response = client.get(reverse("core:permission_history"))
    assert response.status_code == 200
    entry = next(e for e in response.context["page"].object_list if e.changes)
    assert entry.who == sysadmin and "neung.officer" in entry.record
    assert [(c.label, c.old, c.new) for c in entry.changes] == [("동", "능동", "구의제1동")]
    page = response.content.decode()
    assert "pbkdf2" not in page and "md5$" not in page  # no password hash, ever
    labels = {c.label for e in response.context["page"].object_list for c in e.changes}
    assert "비밀번호" not in labels and "마지막 로그인" not in labels


def test_officers_cannot_read_the_permission_changes(client, user_in_dong, supervisor):
    for user in (user_in_dong, supervisor):
        client.force_login(user)
        assert client.get(reverse("core:permission_history")).status_code == 403


def test_retention_below_two_years_and_a_default_salt_fail_the_checks(settings):
    from casemgmt.core.checks import access_record_retention, field_encryption_salt

    assert access_record_retention(None) == []
    settings.ACCESS_RECORD_RETENTION_YEARS = 1
    assert [e.id for e in access_record_retention(None)] == ["core.E001"]
    settings.SALT_KEY = ["dev-only-field-salt-change-me"]
    assert [e.id for e in field_encryption_salt(None)] == ["core.E002"]
    settings.SALT_KEY = ["a-long-random-salt-value-1234567890"]
    assert field_encryption_salt(None) == []


def test_rotating_the_salt_keeps_every_value_readable(settings, registered):
    from django.core.management import call_command

    from casemgmt.core.management.commands.reencrypt_fields import encrypted_columns

    def reset_keys():  # the fields cache their derived keys
        for _model, fields in encrypted_columns():
            for f in fields:
                f.__dict__.pop("keys", None)
                f.__dict__.pop("f", None)

    (old_token,) = _raw("SELECT resident_number FROM cases_client WHERE id = %s", [registered.pk])
    old_salts = list(settings.SALT_KEY)
    settings.SALT_KEY = ["a-brand-new-salt-for-2027-rotation", *old_salts]
    reset_keys()
    try:
        call_command("reencrypt_fields", stdout=open("/dev/null", "w"))  # noqa: SIM115
        (new_token,) = _raw(
            "SELECT resident_number FROM cases_client WHERE id = %s", [registered.pk]
        )
        assert new_token != old_token
        settings.SALT_KEY = ["a-brand-new-salt-for-2027-rotation"]  # the old salt is gone
        reset_keys()
        assert Client.objects.get(pk=registered.pk).resident_number == RRN
        assert registered.history.latest().resident_number == RRN
    finally:
        settings.SALT_KEY = old_salts
        reset_keys()


def test_a_refused_value_does_not_leave_the_field_returning_ciphertext(registered):
    from django.core.exceptions import ValidationError

    registered.resident_number = "9" * 30  # too long: refused by the field's own validation
    with pytest.raises(ValidationError):
        registered.full_clean()
    assert Client.objects.get(pk=registered.pk).resident_number == RRN


def test_gu_staff_see_the_number_masked_and_cannot_unmask_it(client, gu_staff, registered):
    client.force_login(gu_staff)
    page = client.get(reverse("cases:client_detail", args=[registered.pk])).content.decode()
    assert MASKED in page and "전체 보기" not in page
    url = reverse("cases:client_resident_number", args=[registered.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"purpose": "audit"}).status_code == 403


def test_the_permission_history_costs_the_same_queries_for_many_changes(
    client, gu_staff, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .factories import UserFactory

    def change_roles(count):
        for n in range(count):
            officer = UserFactory(
                username=f"officer{count}-{n}", dong=dong("능동"), role=Role.CASE_MANAGER
            )
            officer.groups.add(role_group(Role.SUPERVISOR))
            officer.phone = "02-450-0000"
            officer.save()

    client.force_login(gu_staff)
    change_roles(2)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("core:permission_history"))
    change_roles(12)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("core:permission_history"))
    changed = [e for e in response.context["page"].object_list if e.changes]
    assert any(c.label == "그룹" for e in changed for c in e.changes)  # the m2m diff is shown
    assert len(many.captured_queries) == len(few.captured_queries)
