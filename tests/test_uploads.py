"""Every upload is checked by kind and size, refused with a clear message, and saves nothing: the
Excel imports (discovery list, resource registry) and the signature drawn on screen."""

import base64
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from casemgmt.core import uploads
from casemgmt.core import xlsx as xlsx_reader
from cases.models import DiscoveryEntry, SignedDocument
from resources.models import Provider, Resource

from .clock import iso
from .test_discovery import GOOD_ROWS, import_form, xlsx
from .test_pdf_signing import _planning_case, tiny_png
from .test_resources_excel import GOOD_PROVIDERS, workbook

pytestmark = pytest.mark.django_db

NOT_A_WORKBOOK = "엑셀 통합 문서(.xlsx)가 아닙니다. 엑셀에서 열어 ‘Excel 통합 문서(*.xlsx)’로 저장한 뒤 다시 올리세요."
SMALL_LIMIT = 2048  # bytes: a real workbook is larger


def good_workbook_bytes():
    return xlsx(GOOD_ROWS).read()


def wrong_kinds():
    """(name, content): each must be refused as not a workbook."""
    real = good_workbook_bytes()
    other_zip = io.BytesIO()
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return [
        ("setup.exe", b"MZ\x90\x00" + b"\x00" * 200),  # a Windows program
        ("목록.exe", real),  # a real workbook under a program's name
        ("사진.xlsx", tiny_png()),  # a PNG renamed .xlsx
        ("목록.xlsx", b"name,address\n"),  # a CSV renamed .xlsx
        ("문서.xlsx", other_zip.getvalue()),  # a zip that is not a workbook
    ]


def discovery_upload(client, name, content):
    return client.post(
        reverse("cases:discovery_import"), import_form(SimpleUploadedFile(name, content))
    )


def registry_upload(client, name, content):
    return client.post(
        reverse("resources:registry_import"), {"file": SimpleUploadedFile(name, content)}
    )


def test_an_oversize_discovery_list_is_refused_and_nothing_is_saved(client, user_in_dong, settings):
    settings.UPLOAD_MAX_BYTES = SMALL_LIMIT
    client.force_login(user_in_dong)
    response = discovery_upload(client, "list.xlsx", good_workbook_bytes())
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [uploads.too_large_message()]
    assert "2.0\xa0KB" in uploads.too_large_message()  # filesizeformat, no line break inside
    assert not DiscoveryEntry.objects.exists()


def test_a_discovery_list_of_the_wrong_kind_is_refused_and_nothing_is_saved(client, user_in_dong):
    client.force_login(user_in_dong)
    for name, content in wrong_kinds():
        response = discovery_upload(client, name, content)
        assert response.status_code == 200, name
        assert response.context["form"].errors["file"] == [NOT_A_WORKBOOK], name
    assert not DiscoveryEntry.objects.exists()
    assert discovery_upload(client, "list.xlsx", good_workbook_bytes()).status_code == 302


def test_an_oversize_registry_file_is_refused_and_nothing_is_saved(client, user_in_dong, settings):
    settings.UPLOAD_MAX_BYTES = SMALL_LIMIT
    client.force_login(user_in_dong)
    response = registry_upload(client, "자원목록.xlsx", workbook(providers=GOOD_PROVIDERS))
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [uploads.too_large_message()]
    assert not Provider.objects.exists() and not Resource.objects.exists()


def test_a_registry_file_of_the_wrong_kind_is_refused_and_nothing_is_saved(client, user_in_dong):
    client.force_login(user_in_dong)
    for name, content in wrong_kinds():
        response = registry_upload(client, name, content)
        assert response.status_code == 200, name
        assert response.context["form"].errors["file"] == [NOT_A_WORKBOOK], name
    assert not Provider.objects.exists() and not Resource.objects.exists()


def test_a_workbook_that_unpacks_to_far_more_than_the_limit_is_refused(settings):
    settings.UPLOAD_MAX_BYTES = 64 * 1024
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/sharedStrings.xml", "<sst>" + "가" * 1_000_000 + "</sst>")
    assert len(bomb.getvalue()) < settings.UPLOAD_MAX_BYTES
    with pytest.raises(uploads.ValidationError) as refused:
        uploads.validate_xlsx_upload(SimpleUploadedFile("목록.xlsx", bomb.getvalue()))
    assert refused.value.messages == [uploads.too_large_message()]


def test_the_upload_fields_offer_only_xlsx_in_the_file_picker(client, user_in_dong):
    client.force_login(user_in_dong)
    for url in (reverse("cases:discovery_import"), reverse("resources:registry_import")):
        page = client.get(url).content.decode()
        assert 'accept=".xlsx,application/vnd.openxmlformats' in page, url


def _sign(client, case, plan, png):
    url = reverse("cases:plan_sign_screen", args=[case.pk, plan.number])
    return client.post(
        url,
        {
            "signature": "data:image/png;base64," + base64.b64encode(png).decode(),
            "manager_signature": "data:image/png;base64," + base64.b64encode(png).decode(),
            "signed_on": iso(0),
            "confirmed": "on",
        },
    )


def test_an_oversize_or_fake_signature_is_refused_and_nothing_is_saved(
    client, user_in_dong, supervisor
):
    from cases.services import SIGNATURE_MAX_BYTES, SIGNATURE_NOT_PNG

    case, plan = _planning_case(user_in_dong, supervisor)
    client.force_login(user_in_dong)
    huge = tiny_png() + b"\x00" * SIGNATURE_MAX_BYTES  # a PNG with half a megabyte after it
    wide = tiny_png(width=5000, height=10)  # not what the 600 x 200 pad draws
    no_header = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64  # the PNG signature and nothing readable
    for png in (huge, wide, no_header):
        response = _sign(client, case, plan, png)
        assert response.status_code == 400
        assert str(SIGNATURE_NOT_PNG) in response.context["form"].non_field_errors()
    plan.refresh_from_db()
    assert not plan.is_signed and not SignedDocument.objects.exists()


def _workbook_with_huge_shared_string(megabytes):
    """A real workbook whose one string is `megabytes` MB: a few KB once zipped."""
    book = Workbook()
    book.active.append(["성명"])
    book.active.append(["가" * 1000])
    out = io.BytesIO()
    book.save(out)
    source, bomb = zipfile.ZipFile(out), io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in source.infolist():
            data = source.read(member)
            if member.filename.startswith(("xl/sharedStrings", "xl/worksheets/")):
                data = data.replace("가".encode() * 1000, b"A" * (megabytes * 1024 * 1024))
            archive.writestr(member, data)
    return bomb.getvalue()


def test_a_small_file_that_unpacks_to_one_huge_string_is_refused_before_it_is_read():
    # The outside test: 94 KB holding one 95 MB string cost 240 MB of memory per request.
    bomb = _workbook_with_huge_shared_string(8)
    assert len(bomb) < 64 * 1024  # far under the upload limit
    assert sum(m.file_size for m in zipfile.ZipFile(io.BytesIO(bomb)).infolist()) > 8_000_000
    with pytest.raises(uploads.ValidationError) as refused:
        uploads.validate_xlsx_upload(SimpleUploadedFile("목록.xlsx", bomb))
    assert refused.value.messages == [uploads.too_large_message()]


def test_a_real_list_of_two_thousand_rows_is_not_taken_for_a_bomb():
    rows = [
        (f"김{i}순", "1944-02-11", f"010-1111-{i:04d}", f"능동로 {i}", "단전 " * 10)
        for i in range(2000)
    ]
    uploads.validate_xlsx_upload(SimpleUploadedFile("목록.xlsx", xlsx(rows).read()))


def test_rows_with_values_only_in_unheaded_columns_count_toward_the_limit(client, user_in_dong):
    # Before: such rows did not count, so the whole sheet was read, then "nothing imported".
    book = Workbook()
    sheet = book.active
    sheet.append(["성명", "생년월일", "연락처", "주소", "위기 내용"])
    for i in range(xlsx_reader.MAX_ROWS * xlsx_reader.READ_ROWS_PER_DATA_ROW + 10):
        sheet.cell(row=i + 2, column=9, value=i)  # column I has no header
    out = io.BytesIO()
    book.save(out)
    response = discovery_upload(client_login(client, user_in_dong), "목록.xlsx", out.getvalue())
    assert response.status_code == 200
    problems = [message for _row, _col, message in response.context["report"].problems]
    assert problems == [
        f"한 시트에는 {xlsx_reader.MAX_ROWS}행까지만 넣을 수 있습니다. 파일을 나누어 올리세요."
    ]
    assert not DiscoveryEntry.objects.exists()


def test_reading_stops_at_the_limit_whatever_the_rows_hold():
    book = Workbook()
    sheet = book.active
    sheet.append(["성명"])
    for i in range(500):
        sheet.append([None, f"머리글 없는 값 {i}"])
    read = xlsx_reader.read_sheet(book.active, max_rows=100)
    assert read.truncated and read.rows == []


def client_login(client, user):
    client.force_login(user)
    return client
