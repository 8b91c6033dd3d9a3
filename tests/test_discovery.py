"""발굴: reported households wait in a queue until a visit or call closes them or takes them to intake."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from cases import services
from cases.models import Case, Client, DiscoveryEntry, DiscoveryResult

from .clock import days, iso, today
from .factories import ClientFactory, dong

pytestmark = pytest.mark.django_db


def xlsx(rows, headers=("성명", "생년월일", "연락처", "주소", "위기 내용")):
    book = Workbook()
    sheet = book.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("list.xlsx", buffer.getvalue())


def import_form(file):
    return {
        "file": file,
        "source": "blind_spot",
        "source_detail": "2026년 6차",
        "received_on": iso(0),
        "due_on": iso(14),
    }


GOOD_ROWS = [
    (
        "김말순",
        "1944-02-11",
        "010-1111-0001",
        "서울 광진구 능동로 10",
        "단전 3개월, 건강보험료 체납",
    ),
    ("박철수", datetime.date(1961, 7, 3), "", "서울 광진구 능동로 22", "통신비 체납"),
]


def test_a_good_list_fills_the_queue_with_source_and_deadline(client, user_in_dong):
    client.force_login(user_in_dong)
    response = client.post(reverse("cases:discovery_import"), import_form(xlsx(GOOD_ROWS)))
    assert response.status_code == 302
    entries = list(DiscoveryEntry.objects.order_by("name"))
    assert [(e.name, e.birth_date, e.dong.name, e.source_detail, e.due_on) for e in entries] == [
        ("김말순", datetime.date(1944, 2, 11), "능동", "2026년 6차", days(14)),
        ("박철수", datetime.date(1961, 7, 3), "능동", "2026년 6차", days(14)),
    ]
    assert all(e.result == DiscoveryResult.PENDING for e in entries)


def test_a_list_with_bad_rows_imports_nothing_and_reports_every_row(client, user_in_dong):
    client.force_login(user_in_dong)
    rows = [
        GOOD_ROWS[0],
        ("", "1950-01-01", "", "능동로 1", ""),
        ("이영희", "1950/13/45", "", "", ""),
        GOOD_ROWS[0],
    ]
    response = client.post(reverse("cases:discovery_import"), import_form(xlsx(rows)))
    assert response.status_code == 200
    problems = response.context["report"].problems
    assert (3, "성명", "“성명” 칸이 비어 있습니다.") in problems
    assert (
        4,
        "생년월일",
        "“1950/13/45”는 날짜가 아닙니다. 1956-03-02처럼 적으세요.",
    ) in problems
    assert (4, "주소", "“주소” 칸이 비어 있습니다.") in problems
    assert (5, "성명", "같은 사람이 2행에도 있습니다.") in problems
    assert "아무것도 가져오지 않았습니다" in response.content.decode()
    assert not DiscoveryEntry.objects.exists()


def test_a_file_that_is_not_a_spreadsheet_is_refused_in_korean(client, user_in_dong):
    client.force_login(user_in_dong)
    fake = SimpleUploadedFile("list.xlsx", b"name,address\n")
    response = client.post(reverse("cases:discovery_import"), import_form(fake))
    assert response.context["form"].errors["file"][0].startswith("엑셀 통합 문서(.xlsx)가 아닙니다")
    assert not DiscoveryEntry.objects.exists()


def test_a_sheet_without_the_name_column_is_refused(user_in_dong):
    report = services.import_discovery_list(
        by=user_in_dong,
        file=xlsx([("x",)], headers=("주소",)),
        source="tongjang",
        source_detail="",
        received_on=today(),
        due_on=today(),
    )
    assert not report.saved
    assert report.problems == [(1, "성명", "머리글에 “성명” 열이 없습니다.")]


def test_investigating_closes_an_entry_with_its_result(client, user_in_dong):
    entry = services.add_discovery_entry(
        by=user_in_dong,
        source="tongjang",
        name="최복자",
        address="능동로 3",
        received_on=today(),
        due_on=today(),
    )
    client.force_login(user_in_dong)
    response = client.post(
        reverse("cases:discovery_detail", args=[entry.pk]),
        {
            "loaded_version": entry.version,
            "investigated_on": iso(0),
            "investigation_method": "call",
            "result": "already_served",
            "result_note": "노인맞춤돌봄 이용 중",
        },
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.result, entry.investigation_method) == ("already_served", "call")
    assert (
        client.get(reverse("cases:discovery_list")).context["page"].paginator.count == 0
    )  # left the queue


def test_taking_a_household_to_intake_fills_the_forms_and_closes_the_entry(client, user_in_dong):
    entry = services.add_discovery_entry(
        by=user_in_dong,
        source="blind_spot",
        source_detail="6차",
        name="김말순",
        birth_date=datetime.date(1944, 2, 11),
        phone="010-1111-0001",
        address="서울 광진구 능동로 10",
        risk_summary="단전 3개월",
        received_on=today(),
        due_on=today(),
    )
    client.force_login(user_in_dong)
    form = client.get(reverse("cases:client_create") + f"?discovery={entry.pk}").context["form"]
    assert form.initial["name"] == "김말순" and form.initial["address"] == "서울 광진구 능동로 10"
    created = client.post(
        reverse("cases:client_create"),
        {
            "discovery": entry.pk,
            "name": "김말순",
            "birth_date": "1944-02-11",
            "sex": "F",
            "phone": "010-1111-0001",
            "address": "서울 광진구 능동로 10",
            "livelihood_status": "general",
        },
    )
    new_client = Client.objects.get(name="김말순")
    assert (
        created["Location"]
        == reverse("cases:intake_create", args=[new_client.pk]) + f"?discovery={entry.pk}"
    )
    intake_form = client.get(created["Location"]).context["form"]
    assert intake_form.initial["presenting_problem"] == "단전 3개월"
    assert intake_form.initial["route"] == "outreach"
    client.post(
        reverse("cases:intake_create", args=[new_client.pk]),
        {
            "discovery": entry.pk,
            "intake_date": iso(0),
            "route": "outreach",
            "presenting_problem": "단전 3개월",
            "urgency": "crisis",
            "disposition": "case",
            "investigation_method": "call",
        },
    )
    entry.refresh_from_db()
    assert entry.result == DiscoveryResult.TO_INTAKE
    assert entry.investigation_method == "call"  # the way actually used, not "home visit"
    assert Case.objects.get().intake.discovery == entry


def test_an_intake_from_the_client_page_closes_the_clients_waiting_report(client, user_in_dong):
    entry = services.add_discovery_entry(
        by=user_in_dong, source="neighbour", name="박순자", birth_date=datetime.date(1950, 3, 1),
        address="서울 광진구 능동로 12", risk_summary="끼니를 거름", received_on=today(),
        due_on=today(),
    )  # fmt: skip
    person = ClientFactory(dong=dong("능동"), name="박순자", birth_date=datetime.date(1950, 3, 1))
    client.force_login(user_in_dong)
    url = reverse("cases:intake_create", args=[person.pk])  # no ?discovery=: the client page
    form = client.get(url).context["form"]
    assert form.initial["presenting_problem"] == "끼니를 거름"
    data = {"intake_date": iso(0), "route": "walk_in", "presenting_problem": "끼니를 거름",
            "urgency": "urgent", "disposition": "case"}  # fmt: skip
    refused = client.post(url, data)  # how the household was met is asked, not assumed
    assert refused.status_code == 200 and refused.context["form"].errors["investigation_method"]
    assert refused.context["form"]["presenting_problem"].value() == "끼니를 거름"
    client.post(url, {**data, "investigation_method": "office"})
    entry.refresh_from_db()
    assert (entry.result, entry.investigation_method) == (DiscoveryResult.TO_INTAKE, "office")
    assert entry.investigated_on == today()
    assert Case.objects.get(client=person).intake.discovery == entry


def test_a_service_intake_resolves_the_report_with_the_method_its_route_implies(user_in_dong):
    entry = services.add_discovery_entry(
        by=user_in_dong, source="neighbour", name="최영수", birth_date=None,
        phone="010-2222-3333", address="서울 광진구 능동로 14", received_on=today(),
        due_on=today(),
    )  # fmt: skip
    person = ClientFactory(dong=dong("능동"), name="최영수", phone="010-2222-3333")
    other = services.add_discovery_entry(
        by=user_in_dong, source="neighbour", name="최영수", birth_date=None,
        phone="010-9999-0000", address="다른 곳", received_on=today(), due_on=today(),
    )  # fmt: skip
    services.record_intake(
        client=person, by=user_in_dong, intake_date=today(), route="walk_in",
        presenting_problem="상담", disposition="information",
    )  # fmt: skip
    entry.refresh_from_db()
    other.refresh_from_db()
    assert (entry.result, entry.investigation_method) == (DiscoveryResult.TO_INTAKE, "office")
    assert other.result == DiscoveryResult.PENDING  # another person of the same name


def test_the_queue_shows_overdue_entries_first_and_never_another_dongs(
    client, user_in_dong, user_other_dong
):
    services.add_discovery_entry(
        by=user_in_dong,
        source="neighbour",
        name="늦은집",
        address="a",
        received_on=days(-50),
        due_on=days(-36),
    )
    services.add_discovery_entry(
        by=user_in_dong,
        source="neighbour",
        name="새집",
        address="b",
        received_on=today(),
        due_on=days(30),
    )
    services.add_discovery_entry(
        by=user_other_dong,
        source="neighbour",
        name="남의집",
        address="c",
        received_on=today(),
        due_on=today(),
    )
    client.force_login(user_in_dong)
    response = client.get(reverse("cases:discovery_list"))
    assert [e.name for e in response.context["page"]] == ["늦은집", "새집"]
    assert [
        e.name
        for e in client.get(reverse("cases:discovery_list"), {"overdue": "on"}).context["page"]
    ] == ["늦은집"]


def test_household_members_are_added_and_edited_with_korean_validation(
    client, user_in_dong, client_in_dong
):
    client.force_login(user_in_dong)
    url = reverse("cases:household_member_create", args=[client_in_dong.pk])
    refused = client.post(
        url, {"name": "한아들", "relation": "child", "phone": "12", "lives_together": "on"}
    )
    assert refused.context["form"].errors["phone"] == [
        "010-1234-5678이나 02-123-4567처럼 전화번호를 입력하세요."
    ]
    client.post(
        url,
        {"name": "한아들", "relation": "child", "phone": "010-2222-3333", "lives_together": "on"},
    )
    member = client_in_dong.household.get()
    page = client.get(reverse("cases:client_detail", args=[client_in_dong.pk])).content.decode()
    assert "한아들" in page and "자녀" in page
    edit = reverse("cases:household_member_update", args=[client_in_dong.pk, member.pk])
    assert (
        client.post(
            edit,
            {"name": "한아들", "relation": "child", "phone": "010-2222-4444", "loaded_version": 1},
        ).status_code
        == 302
    )
    stale = client.post(
        edit, {"name": "한아들", "relation": "child", "phone": "010-9999-9999", "loaded_version": 1}
    )
    assert "다른 사람이 이 기록을 저장했습니다" in stale.content.decode()
    member.refresh_from_db()
    assert member.phone == "010-2222-4444"


def test_a_reported_household_is_added_by_hand_with_a_korean_check_of_the_deadline(
    client, user_in_dong
):
    client.force_login(user_in_dong)
    data = {"source": "neighbour", "source_detail": "옆집 제보", "name": "최할머니", "address": "능동로 5",
            "received_on": iso(0), "due_on": iso(-19)}  # fmt: skip
    refused = client.post(reverse("cases:discovery_create"), data)
    assert refused.context["form"].errors["due_on"] == ["조사 기한은 접수일보다 빠를 수 없습니다."]
    assert (
        client.post(reverse("cases:discovery_create"), {**data, "due_on": iso(7)}).status_code
        == 302
    )
    entry = DiscoveryEntry.objects.get()
    assert (entry.name, entry.dong.name, entry.result) == (
        "최할머니",
        "능동",
        DiscoveryResult.PENDING,
    )
