"""The statistics as an Excel file: the page's sections, one block of rows each.

The figures carry nobody's data, but in a small dong a count of one or two people could point at
them: the file writes a count of 1 or 2 people — and a median resting on fewer than 3 cases — as
"<3" (0 stays 0). Totals are left out of the file, so that a hidden cell cannot be worked out as
the total less the others. The page shows exact numbers to officers who may read those cases.
Every text goes through ``xlsx_row`` (a provider's name is never run as a formula).
"""

import io

from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from casemgmt.core.spreadsheets import xlsx_row

from .statistics import MEDIAN

SMALL_CELL = 3
SMALL_CELL_TEXT = "<3"


def export_value(figure, column):
    """What the export writes: a count of 1 or 2 people, or a median resting on fewer than 3
    cases, is "<3" (a count of 0 stays 0); no median is an empty cell."""
    if column.kind == MEDIAN:
        if figure.value is None:
            return None
        return SMALL_CELL_TEXT if figure.base < SMALL_CELL else figure.value
    if column.about_people and 0 < (figure.value or 0) < SMALL_CELL:
        return SMALL_CELL_TEXT
    return figure.value


def workbook(sections, *, period, scope_label):
    """The sections as an .xlsx (bytes): one sheet, a block of rows per section."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(gettext("Statistics")[:31])
    bold = Font(bold=True)

    def heading(text):
        cell = WriteOnlyCell(sheet, value=str(text))
        cell.font = bold
        return cell

    sheet.append([heading(gettext("Statistics")), *xlsx_row(sheet, [scope_label])])
    sheet.append(xlsx_row(sheet, [gettext("Reporting period"), period.label()]))
    sheet.append([gettext("Counts of 1 or 2 people are shown as <3.")])
    for section in sections:
        sheet.append([])
        sheet.append([heading(section.title)])
        sheet.append([str(section.label_title), *(str(c.title) for c in section.columns)])
        for row in section.rows:
            values = [export_value(f, c) for f, c in zip(row.figures, section.columns, strict=True)]
            sheet.append(xlsx_row(sheet, [str(row.label), *values]))
        if section.note:
            sheet.append(xlsx_row(sheet, [str(section.note)]))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
