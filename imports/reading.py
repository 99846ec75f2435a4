"""Reading an uploaded spreadsheet: xlsx or CSV, in the encodings Japanese offices produce.

CSV files come from Excel as UTF-8 with BOM, plain UTF-8 or cp932 (Shift_JIS as Windows writes
it). We try them in that order: a cp932 file almost never decodes as UTF-8, while a UTF-8 file of
Japanese text would decode as cp932 into mojibake, so UTF-8 must win when it fits.
"""
import csv
import io
import unicodedata
from dataclasses import dataclass

import tablib
from openpyxl import load_workbook

ENCODINGS = ("utf-8-sig", "cp932")
_XLSX_MAGIC = b"PK\x03\x04"


class ReadError(Exception):
    """The file as a whole cannot be read; the message is for the user."""


@dataclass
class Sheet:
    dataset: tablib.Dataset
    encoding: str  # "xlsx" or the CSV encoding that read it
    stray_rows: list[int]  # spreadsheet rows with a value right of the last heading
    row_numbers: list[int]  # the spreadsheet row of each dataset row


def normalise_header(name) -> str:
    # Full-width letters and spaces typed into a header cell must still match the column.
    return unicodedata.normalize("NFKC", str(name or "")).strip()


def read_sheet(content: bytes, filename: str) -> Sheet:
    if not content.strip(b"\xef\xbb\xbf \r\n\t,"):
        raise ReadError("ファイルが空です。見出し行とデータを入力したファイルを選んでください。")
    if content.startswith(_XLSX_MAGIC) or filename.lower().endswith(".xlsx"):
        rows, encoding = _xlsx_rows(content), "xlsx"
    else:
        text, encoding = _decode(content)
        rows = [[_unquote(c) for c in row] for row in csv.reader(io.StringIO(text, newline=""))]
    # Blank lines are skipped, but every row keeps its number in the spreadsheet for the messages.
    numbered = [(n, row) for n, row in enumerate(rows, start=1) if any(_present(cell) for cell in row)]
    if not numbered:
        raise ReadError("ファイルが空です。見出し行とデータを入力したファイルを選んでください。")
    header = [normalise_header(h) for h in numbered[0][1]]
    while header and not header[-1]:
        header.pop()
    width = len(header)
    dataset = tablib.Dataset(headers=header)
    stray_rows, row_numbers = [], []
    for number, row in numbered[1:]:
        row_numbers.append(number)
        cells = list(row[:width]) + [""] * (width - len(row))
        if any(_present(c) for c in row[width:]):
            # A value right of the last heading would be silently dropped: it is reported instead.
            stray_rows.append(number)
        dataset.append([_cell(c) for c in cells])
    if not len(dataset):
        raise ReadError("見出し行だけでデータの行がありません。")
    return Sheet(dataset, encoding, stray_rows, row_numbers)


def _unquote(cell: str) -> str:
    """Undo the ' the portal's CSV exports put before text that Excel would run as a formula."""
    return cell[1:] if cell[:1] == "'" and cell[1:2] in ("=", "+", "-", "@", "\t", "\r", "'") else cell


def _present(cell) -> bool:
    return cell is not None and str(cell).strip() != ""


def _cell(value):
    if isinstance(value, str):
        return value.strip()
    return "" if value is None else value


def _decode(content: bytes) -> tuple[str, str]:
    # UTF-16 (Excel's 「Unicode テキスト」) has NUL bytes, which cp932 would accept as text.
    readable = b"\x00" not in content
    for encoding in ENCODINGS if readable else ():
        try:
            return content.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise ReadError(
        "ファイルの文字コードを読み取れません。CSV は UTF-8（BOM付き可）または Shift_JIS（cp932）で保存してください。"
    )


def _xlsx_rows(content: bytes) -> list[list]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or mislabelled file
        raise ReadError("Excel ファイル（xlsx）として読み取れません。ファイルが壊れていないか確認してください。") from exc
    try:
        sheet = workbook.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
