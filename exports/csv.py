"""CSV for Excel: UTF-8 with BOM or cp932, and no cell that a spreadsheet would run as a formula."""
import csv
import io
from decimal import Decimal

ENCODINGS = {"utf-8-sig": "UTF-8（BOM付き）", "cp932": "Shift_JIS（cp932）"}
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    """A cell that begins like a formula is prefixed with ' so that Excel shows it as text.

    Text that itself begins with ' gets one too, so that the portal's import can strip exactly one
    (imports/reading.py) and read back what was written.
    """
    if isinstance(value, (int, float, Decimal)):
        return str(value)
    text = "" if value is None else str(value)
    return "'" + text if text.startswith((*_FORMULA_STARTS, "'")) else text


def render_csv(header: list[str], rows, encoding: str) -> bytes:
    if encoding not in ENCODINGS:
        raise ValueError(f"unknown encoding: {encoding}")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    # cp932 cannot hold every character (e.g. some variants of 髙); they become ? rather than fail.
    return buffer.getvalue().encode(encoding, errors="replace")
