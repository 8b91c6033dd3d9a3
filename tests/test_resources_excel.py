"""Excel in and out: the import is all or nothing with a Korean row-by-row report; what the list
exports, the import reads back."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from resources.excel import PROVIDER_COLUMNS, RESOURCE_COLUMNS
from resources.models import Provider, Resource

from .clock import today
from .factories import dong
from .pdf_helpers import REASON
from .resource_factories import ProviderFactory, ResourceFactory

pytestmark = pytest.mark.django_db

PROVIDER_HEADERS = [h for h, _f, _k in PROVIDER_COLUMNS]
RESOURCE_HEADERS = [h for h, _f, _k in RESOURCE_COLUMNS]


def workbook(providers=(), resources=(), provider_headers=PROVIDER_HEADERS):
    book = Workbook()
    sheet = book.active
    sheet.title = "제공기관"
    sheet.append(provider_headers)
    for row in providers:
        sheet.append(row)
    sheet = book.create_sheet("자원")
    sheet.append(RESOURCE_HEADERS)
    for row in resources:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, content, name="자원목록.xlsx"):
    return client.post(
        reverse("resources:registry_import"),
        {"file": SimpleUploadedFile(name, content)},
    )


GOOD_PROVIDERS = [
    [
        "새싹꿈 지역아동센터",
        "민간",
        "지역아동센터",
        "이새싹",
        "02-0000-3201",
        "능동로 95",
        "능동, 군자동",
        "아니요",
    ],
    [
        "구 보건소 방문건강관리실",
        "공공",
        "보건소",
        "오건강",
        "02-0000-2201",
        "자양로 117",
        "",
        "예",
    ],
]
# The calendar year a resource runs in the sheets below; no rule compares it with today.
YEAR = today().year

GOOD_RESOURCES = [
    # name, kind, subtype, domain, description, eligibility, provider, capacity, unit, from, until, cost, shared
    ["방과후 돌봄", "물적", "사회서비스", "교육", "평일 방과후 학습", "18세 미만", "새싹꿈 지역아동센터", 29, "명", datetime.date(YEAR, 3, 2), datetime.date(YEAR, 12, 31), "무료", "예"],
    ["방문건강관리", "물적", "사회서비스", "건강", "간호사 가정 방문", "", "구 보건소 방문건강관리실", None, None, None, None, "무료", "예"],
    ["이웃 안부 살피미", "관계", "이웃 관계망", "안전", "하루 한 번 안부", "", None, None, None, None, None, None, "아니요"],
    ["반찬 나눔", "물적", "물품", "일상생활 유지", "", "", "기존 반찬가게", "15", "가구", f"{YEAR}-01-01", f"{YEAR}. 12. 31.", "무료", ""],
]  # fmt: skip


def test_a_good_file_imports_providers_and_resources(client, user_in_dong):
    ProviderFactory(name="기존 반찬가게")
    client.force_login(user_in_dong)
    response = upload(client, workbook(GOOD_PROVIDERS, GOOD_RESOURCES))
    assert response.status_code == 302, response.context["report"].problems
    assert Provider.objects.count() == 3
    centre = Provider.objects.get(name="새싹꿈 지역아동센터")
    assert (centre.sector, centre.kind, centre.joins_case_conferences) == (
        "private",
        "children_centre",
        False,
    )
    assert {d.name for d in centre.service_dongs.all()} == {"능동", "군자동"}
    assert Provider.objects.get(name="구 보건소 방문건강관리실").joins_case_conferences
    care = Resource.objects.get(name="방과후 돌봄")
    assert (care.kind, care.subtype, care.need_domain, care.capacity, care.capacity_unit) == (
        "material",
        "social_service",
        "education",
        29,
        "persons",
    )
    assert (care.available_from, care.available_until) == (
        datetime.date(YEAR, 3, 2),
        datetime.date(YEAR, 12, 31),
    )
    assert care.provider == centre
    assert (care.registering_dong.name, care.created_by) == ("능동", user_in_dong)
    neighbours = Resource.objects.get(name="이웃 안부 살피미")
    assert (neighbours.kind, neighbours.shared_gu_wide, neighbours.provider) == (
        "relational",
        False,
        None,
    )
    side_dishes = Resource.objects.get(name="반찬 나눔")
    assert side_dishes.shared_gu_wide  # blank: shared, as on the page
    assert side_dishes.available_until == datetime.date(YEAR, 12, 31)  # Korean date text
    follow = client.get(response["Location"])
    assert "제공기관 2개와 자원 4개를 가져왔습니다." in follow.content.decode()


def test_a_file_with_bad_rows_saves_nothing_and_reports_every_bad_row(client, user_in_dong):
    client.force_login(user_in_dong)
    bad = [
        GOOD_RESOURCES[0],  # row 2: fine
        ["", "물적", "물품", "일상생활 유지"],  # row 3: no name
        ["무료 진료", "물적", "서비스", "건강", "", "", "없는 병원", 5, "명"],  # row 4
        ["겨울 난방비", "물적", "후원금", "경제", "", "", None, 0, "원/월"],  # row 5
        ["집수리", "인적", "서비스", "생활환경ㆍ주거", "", "", None, None, None, f"{YEAR}-05-01", f"{YEAR}-04-01"],  # row 6
        ["말벗", "사람", "자원봉사자", "사회적 관계"],  # row 7
        ["방과후 돌봄", "물적", "사회서비스", "교육", "", "", "새싹꿈 지역아동센터", 29, "명"],  # row 8: twice
        ["나눔", "물적", "물품", "경제", "", "", None, "많이", "개/월"],  # row 9
    ]  # fmt: skip
    response = upload(client, workbook(GOOD_PROVIDERS, bad))
    assert response.status_code == 200
    assert not Provider.objects.exists()  # the good providers sheet too: all or nothing
    assert not Resource.objects.exists()
    problems = {(p.sheet, p.row, p.column): p.message for p in response.context["report"].problems}
    assert problems == {
        ("자원", 3, "자원명"): "필수 항목입니다.",
        (
            "자원",
            4,
            "제공기관",
        ): "“없는 병원”은 등록된 제공기관이 아닙니다. 먼저 제공기관으로 등록하거나 제공기관 시트에 적으세요.",
        ("자원", 5, "정원"): "1 이상의 값을 입력해 주세요.",
        ("자원", 6, "세부 유형"): "이 세부 유형은 선택한 자원 종류에 속하지 않습니다.",
        ("자원", 6, "이용 종료일"): "이용 종료일이 시작일보다 빠를 수 없습니다.",
        ("자원", 7, "자원 종류"): "올바르게 선택해 주세요. 사람 이/가 선택가능항목에 없습니다.",
        (
            "자원",
            8,
            "자원명",
        ): "같은 제공기관의 같은 자원이 이미 등록되어 있습니다. 등록된 자원을 고쳐 쓰세요.",
        ("자원", 9, "정원"): "정수로 적으세요.",
    }
    body = response.content.decode()
    assert "가져오지 않았습니다" in body
    assert "없는 병원" in body


def test_a_file_that_is_not_a_spreadsheet_gets_a_clear_korean_message(client, user_in_dong):
    client.force_login(user_in_dong)
    for name, content in [
        ("목록.xlsx", "이름,종류\n반찬,물적\n".encode()),
        ("목록.csv", b"name,kind\n"),
        ("사진.xlsx", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),
    ]:
        response = upload(client, content, name=name)
        assert response.status_code == 200
        assert response.context["form"].errors["file"] == [
            "엑셀 통합 문서(.xlsx)가 아닙니다. 엑셀에서 열어 ‘Excel 통합 문서(*.xlsx)’로 저장한 뒤 다시 올리세요."
        ], name
    assert not Resource.objects.exists()


def test_a_sheet_without_the_name_column_is_refused_as_a_whole(client, user_in_dong):
    client.force_login(user_in_dong)
    headers = [h for h in PROVIDER_HEADERS if h != "기관명"]
    response = upload(client, workbook([["공공", "보건소"]], provider_headers=headers))
    problems = response.context["report"].problems
    assert [(p.sheet, p.row, p.column) for p in problems] == [("제공기관", 1, "기관명")]
    assert not Provider.objects.exists()


def test_the_gu_staff_import_for_the_whole_gu(client, gu_staff):
    client.force_login(gu_staff)
    response = upload(client, workbook(resources=[GOOD_RESOURCES[2]]))
    assert response.status_code == 302
    resource = Resource.objects.get()
    assert (resource.registering_dong, resource.shared_gu_wide) == (None, True)


def test_the_export_reads_back_as_the_same_resources(client, user_in_dong):
    provider = ProviderFactory(name="아차산햇살종합사회복지관")
    ResourceFactory(
        name="집수리 봉사단",
        description="전등, 수전 교체\n문짝 수리",
        kind="human",
        subtype="association",
        need_domain="housing",
        eligibility="자가 수리가 어려운 가구",
        provider=provider,
        capacity=8,
        capacity_unit="households",
        capacity_in_use=3,
        available_from=datetime.date(2026, 1, 1),
        available_until=datetime.date(2026, 12, 31),
        cost="재료비 일부 본인 부담",
    )
    ResourceFactory(
        name="이웃 안부 살피미",
        kind="relational",
        subtype="neighbour_network",
        need_domain="safety",
        shared_gu_wide=False,
    )
    ResourceFactory(name="다른 영역 자원", need_domain="economy")
    fields = [
        "name", "description", "kind", "subtype", "need_domain", "eligibility", "provider_id",
        "capacity", "capacity_unit", "available_from", "available_until", "cost",
        "shared_gu_wide", "registering_dong_id",
    ]  # fmt: skip
    client.force_login(user_in_dong)
    export = client.get(
        reverse("resources:resource_list"), {"need_domain": "", "export": "xlsx", **REASON}
    )
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in export["Content-Disposition"]
    before = sorted(Resource.objects.values_list(*fields))
    Resource.objects.all().delete()

    response = upload(client, export.content)
    assert response.status_code == 302, response.context["report"].problems
    assert sorted(Resource.objects.values_list(*fields)) == before


def test_the_export_follows_the_filters(client, user_in_dong):
    ResourceFactory(name="건강 자원", need_domain="health")
    ResourceFactory(name="경제 자원", need_domain="economy")
    client.force_login(user_in_dong)
    export = client.get(
        reverse("resources:resource_list"), {"need_domain": "health", "export": "xlsx", **REASON}
    )
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert sheet.title == "자원"
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("자원명", "자원 종류", "세부 유형")
    assert [r[0] for r in rows[1:]] == ["건강 자원"]
    assert rows[1][3] == "건강"


def test_importing_the_same_file_twice_is_refused_the_second_time(client, user_in_dong):
    client.force_login(user_in_dong)
    content = workbook(resources=[GOOD_RESOURCES[2]])
    assert upload(client, content).status_code == 302
    second = upload(client, content)
    assert second.status_code == 200
    assert [p.column for p in second.context["report"].problems] == ["자원명"]
    assert Resource.objects.count() == 1


def test_the_template_has_both_header_rows_and_imports_as_nothing(client, user_in_dong):
    client.force_login(user_in_dong)
    template = client.get(reverse("resources:registry_import"), {"download": "template"})
    book = load_workbook(io.BytesIO(template.content))
    assert book.sheetnames == ["제공기관", "자원", "작성 안내"]
    assert [c.value for c in book["제공기관"][1]] == PROVIDER_HEADERS
    assert [c.value for c in book["자원"][1]] == RESOURCE_HEADERS
    guide = [v for row in book["작성 안내"].iter_rows(values_only=True) for v in row if v]
    assert "구의제1동" in guide and "인적" in guide and "자원봉사자" in guide
    response = upload(client, template.content)
    assert response.status_code == 200
    assert "가져올 행이 없습니다." in response.content.decode()
    assert not Resource.objects.exists()


def test_the_import_page_is_for_those_who_may_register(client, sysadmin, user_in_dong):
    client.force_login(sysadmin)
    assert client.get(reverse("resources:registry_import")).status_code == 403
    assert (
        client.get(reverse("resources:registry_import"), {"download": "template"}).status_code
        == 403
    )
    client.force_login(user_in_dong)
    assert client.get(reverse("resources:registry_import")).status_code == 200


def test_an_imported_service_area_names_dongs_of_the_gu(client, user_in_dong):
    client.force_login(user_in_dong)
    row = [*GOOD_PROVIDERS[0][:6], "능동, 성수동", "아니요"]
    response = upload(client, workbook([row]))
    [problem] = response.context["report"].problems
    assert (problem.row, problem.column) == (2, "서비스 지역")
    assert "성수동" in problem.message
    assert dong("능동")  # the gu's dongs are untouched
