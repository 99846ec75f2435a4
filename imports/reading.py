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
from openpyxl.utils import get_column_letter

from core.spreadsheet import csv_unquote

ENCODINGS = ("utf-8-sig", "cp932")
_XLSX_MAGIC = b"PK\x03\x04"
# Every import has fewer than 30 columns; a file with hundreds is not one of ours, and reading
# on would report every one of them.
MAX_COLUMNS = 100
# Python's csv module refuses longer fields; the message names the row instead.
MAX_FIELD_CHARS = csv.field_size_limit()
FORMULA_WITHOUT_VALUE = "数式ではなく値を入力してください（このセルの数式には計算結果が保存されていません）。"


class ReadError(Exception):
    """The file as a whole cannot be read; the message is for the user."""


@dataclass
class Sheet:
    dataset: tablib.Dataset
    encoding: str  # "xlsx" or the CSV encoding that read it
    stray_cells: list[tuple[int, str]]  # (row, column letter) of the first value right of the last heading
    row_numbers: list[int]  # the spreadsheet row of each dataset row
    formulas: "Formulas"


@dataclass
class Formulas:
    """xlsx formula cells, as (spreadsheet row, column heading): the cached result was used, or
    there was none (openpyxl and some tools save formulas without one), which is an error."""

    used_results: list[tuple[int, str]]
    without_value: list[tuple[int, str]]


def normalise_header(name) -> str:
    # Full-width letters and spaces typed into a header cell must still match the column.
    return unicodedata.normalize("NFKC", str(name or "")).strip()


def read_sheet(content: bytes, filename: str) -> Sheet:
    if not content.strip(b"\xef\xbb\xbf \r\n\t,"):
        raise ReadError("ファイルが空です。見出し行とデータを入力したファイルを選んでください。")
    formula_cells = {}
    if content.startswith(_XLSX_MAGIC) or filename.lower().endswith(".xlsx"):
        (rows, formula_cells), encoding = _xlsx_rows(content), "xlsx"
    else:
        text, encoding = _decode(content)
        rows = _csv_rows(text)
    # Blank lines are skipped, but every row keeps its number in the spreadsheet for the messages.
    numbered = [(n, row) for n, row in enumerate(rows, start=1) if any(_present(cell) for cell in row)]
    if not numbered:
        raise ReadError("ファイルが空です。見出し行とデータを入力したファイルを選んでください。")
    header = [normalise_header(h) for h in numbered[0][1]]
    while header and not header[-1]:
        header.pop()
    width = len(header)
    if width > MAX_COLUMNS:
        raise ReadError(f"列が多すぎます（{width:,}列）。{MAX_COLUMNS}列までのファイルにしてください。テンプレートの見出しをそのまま使ってください。")
    dataset = tablib.Dataset(headers=header)
    stray_cells, row_numbers = [], []
    for number, row in numbered[1:]:
        row_numbers.append(number)
        cells = list(row[:width]) + [""] * (width - len(row))
        stray = next((index for index, c in enumerate(row[width:], start=width) if _present(c)), None)
        if stray is not None:
            # A value right of the last heading would be silently dropped: it is reported instead.
            stray_cells.append((number, get_column_letter(stray + 1)))
        dataset.append([_cell(c) for c in cells])
    if not len(dataset):
        raise ReadError("見出し行だけでデータの行がありません。")
    formulas = Formulas([], [])
    for (number, column), cached in sorted(formula_cells.items()):
        if column < width:
            (formulas.without_value if cached is None else formulas.used_results).append((number, header[column]))
    return Sheet(dataset, encoding, stray_cells, row_numbers, formulas)


def _csv_rows(text: str) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = []
    try:
        for row in reader:
            rows.append([csv_unquote(c) for c in row])  # undo the guard of the portal's own CSV files
    except csv.Error as exc:
        # A field longer than the csv module's limit, or a NUL byte: the row it stopped at.
        raise ReadError(
            f"{reader.line_num}行目付近を読み取れません。1つのセルは{MAX_FIELD_CHARS:,}文字までです。"
            "CSV の引用符（\"）の対応が崩れていないかも確認してください。"
        ) from exc
    return rows


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


def _xlsx_rows(content: bytes) -> tuple[list[list], dict]:
    """The first sheet's values, and its formula cells {(row, column index): cached result or None}.

    A formula is never read as its text, and never as an empty cell (which would wipe a figure):
    the workbook is read a second time for the results Excel saved, only when it has formulas.
    """
    rows, formulas = [], {}
    for number, row in enumerate(_first_sheet_rows(content, data_only=False), start=1):
        values = []
        for index, cell in enumerate(row):
            if cell.data_type == "f":
                formulas[(number, index)] = None
            values.append(cell.value)
        rows.append(values)
    if formulas:
        for number, row in enumerate(_first_sheet_rows(content, data_only=True), start=1):
            for index, value in enumerate(row):
                if (number, index) in formulas:
                    formulas[(number, index)] = value
                    rows[number - 1][index] = value
    return rows, formulas


def _first_sheet_rows(content: bytes, *, data_only: bool):
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=data_only)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or mislabelled file
        raise ReadError("Excel ファイル（xlsx）として読み取れません。ファイルが壊れていないか確認してください。") from exc
    try:
        sheet = workbook.worksheets[0]
        if data_only:
            yield from sheet.iter_rows(values_only=True)
        else:
            yield from sheet.iter_rows()
    finally:
        workbook.close()
