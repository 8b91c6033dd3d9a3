"""Reading .xlsx uploads the same way everywhere: cells as text, a clear refusal for anything
that is not a workbook, bounded size. Imports build their row-by-row reports on top of this."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from .exceptions import ApplicationError
from .uploads import NOT_A_SPREADSHEET, check_xlsx_content

MAX_ROWS = 2000
# Rows read, blank or not, before a sheet counts as too long: some blank rows between the data are
# fine, a million of them (or of values in unheaded columns) is not read to the end.
READ_ROWS_PER_DATA_ROW = 2


class NotASpreadsheet(ApplicationError):
    pass


@dataclass
class Sheet:
    title: str
    headers: list
    rows: list = field(default_factory=list)  # [(row number, {header: text})], blank rows left out
    truncated: bool = False


def cell_text(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "예" if value else "아니요"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_sheet(worksheet, *, max_rows=MAX_ROWS):
    """One worksheet: its header row and its non-blank rows, as text, only the headed columns.

    Stops (``truncated``) after ``max_rows`` rows with values, or after twice that many rows read
    whatever they hold: every row read counts, so no file keeps the server reading.
    """
    values = worksheet.iter_rows(values_only=True)
    headers = [cell_text(v) for v in next(values, ())]
    while headers and not headers[-1]:
        headers.pop()
    sheet = Sheet(worksheet.title.strip(), [h for h in headers if h])
    if not headers:
        return sheet
    values = worksheet.iter_rows(min_row=2, max_col=len(headers), values_only=True)
    read_limit = max_rows * READ_ROWS_PER_DATA_ROW
    for number, row in enumerate(values, start=2):
        cells = {h: cell_text(v) for h, v in zip(headers, row, strict=False) if h}
        if any(cells.values()):
            sheet.rows.append((number, cells))
        if len(sheet.rows) > max_rows or number - 1 >= read_limit:
            sheet.truncated = True
            break
    return sheet


def read_sheets(file, *, max_rows=MAX_ROWS, wanted=None):
    """Every sheet of the upload (or those ``wanted(worksheet)`` accepts), read by ``read_sheet``.

    NotASpreadsheet for anything openpyxl cannot open, or a file over settings.UPLOAD_MAX_BYTES.
    """
    try:
        check_xlsx_content(file)
    except ValidationError as error:
        raise NotASpreadsheet(error.messages[0]) from error
    try:
        book = load_workbook(file, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of error on a file that is not a workbook
        raise NotASpreadsheet(NOT_A_SPREADSHEET) from exc
    sheets = []
    try:
        for worksheet in book.worksheets:
            if wanted is None or wanted(worksheet):
                sheets.append(read_sheet(worksheet, max_rows=max_rows))
    except Exception as exc:  # a damaged sheet inside a zip that opened
        raise NotASpreadsheet(NOT_A_SPREADSHEET) from exc
    finally:
        book.close()
    return sheets
