"""Reading .xlsx uploads the same way everywhere: cells as text, a clear refusal for anything
that is not a workbook, bounded size. Imports build their row-by-row reports on top of this."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from .exceptions import ApplicationError
from .uploads import NOT_A_SPREADSHEET, check_xlsx_content

MAX_ROWS = 2000


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


def read_sheets(file, *, max_rows=MAX_ROWS):
    """Every sheet of the upload: its header row and its non-blank rows, as text.

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
            values = worksheet.iter_rows(values_only=True)
            headers = [cell_text(v) for v in next(values, ())]
            sheet = Sheet(worksheet.title.strip(), [h for h in headers if h])
            for number, row in enumerate(values, start=2):
                cells = {h: cell_text(v) for h, v in zip(headers, row, strict=False) if h}
                if any(cells.values()):
                    sheet.rows.append((number, cells))
                if len(sheet.rows) > max_rows:
                    sheet.truncated = True
                    break
            sheets.append(sheet)
    except Exception as exc:  # a damaged sheet inside a zip that opened
        raise NotASpreadsheet(NOT_A_SPREADSHEET) from exc
    finally:
        book.close()
    return sheets
