"""What the project writes into a spreadsheet is text, never a formula.

Excel and LibreOffice run a cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return as a formula ("CSV injection"): a user name typed at the login page or a resource's name
could otherwise call out to the internet from a reviewer's computer. Every CSV and .xlsx export
passes its rows through ``csv_row`` or ``xlsx_row``; ``tests/test_spreadsheet_safety.py`` holds
one test per export.
"""

from openpyxl.cell import WriteOnlyCell

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_row(values) -> list:
    """A CSV row: a text that would start a formula gets an apostrophe in front (OWASP's advice);
    Excel shows it as typed."""
    return ["'" + v if is_formula_like(v) else v for v in values]


def xlsx_row(sheet, values) -> list:
    """A row for ``sheet.append``: a text that would start a formula becomes a text cell with
    Excel's quote prefix, so it shows as typed and stays text when it is edited."""
    row = []
    for value in values:
        if is_formula_like(value):
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            cell.quotePrefix = True
            row.append(cell)
        else:
            row.append(value)
    return row
