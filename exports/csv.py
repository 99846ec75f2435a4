"""CSV for Excel: UTF-8 with BOM or cp932, and no cell that a spreadsheet would run as a formula
(every field goes through the portal's one guard, core/spreadsheet.py)."""
import csv
import io

from core.spreadsheet import csv_cell

ENCODINGS = {"utf-8-sig": "UTF-8（BOM付き）", "cp932": "Shift_JIS（cp932）"}
neutralise = csv_cell  # the name callers of this module know


def render_csv(header: list[str], rows, encoding: str) -> bytes:
    if encoding not in ENCODINGS:
        raise ValueError(f"unknown encoding: {encoding}")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([csv_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([csv_cell(cell) for cell in row])
    # cp932 cannot hold every character (e.g. some variants of 髙); they become ? rather than fail.
    return buffer.getvalue().encode(encoding, errors="replace")
