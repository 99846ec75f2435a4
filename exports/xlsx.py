"""The progress report (工程表・進捗状況) as an Excel workbook people can print, sort and sum.

Sheets: the 工程表 (one KPI per row, the twelve months, 累計, 達成率 and the measure's progress,
sections as heading rows, the 【事業実施目標】 with its actual on top), the ＫＰＩ sheet (one row per
KPI, nothing merged, with an auto-filter, for sorting and summing), and one sheet per member body
named after it (群馬県（産業経済部）) with the measures it is responsible for.

Values are numbers with number formats ("#,##0", "0.0%"), never text. 速報 values (submitted, not
yet approved) are shaded and italic, and the title rows say what the figures are and the 確定 cut-off.

Printing: A4 landscape, fitted to the page width and split into pages by rows (never shrunk
below a readable size: the columns add up to about the printable width, so the fit scale stays
near 100 % and the 9 pt text prints at 8 pt or more). openpyxl cannot autofit, so every row's
height is computed here from its text and column widths, so that wrapped text never overlaps the
next row (LibreOffice and Excel both take an explicit row height as given).
"""
import io
import math
import unicodedata
from copy import copy

from openpyxl import Workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.properties import PageSetupProperties

from core.spreadsheet import guard_cell
from core.wareki import wareki_date, wareki_fiscal_year
from kpi.choices import Outlook
from kpi.kinds import achievement_excel_value, kind_of
from plans.goals import headline_progress

FONT_NAME = "IPAexゴシック"
FONT_SIZE = 9
TITLE_SIZE = 12
# One column-width unit as LibreOffice prints it (measured: a width of 20 prints 140 pt wide). Excel
# derives the unit from the Normal style's font, which is set to the same font below so that both
# agree closely; heights are computed with a margin for the remaining difference.
PT_PER_UNIT = 7.0
WIDTH_SAFETY = 0.95
CELL_PADDING_PT = 3.0
LINE_PT = 1.2  # × font size: about Excel's line pitch for this font (LibreOffice's is 1.0, so rows never come out short)
ROW_PADDING_PT = 3.0
MIN_ROW_PT = 13.0
DEFAULT_ROW_PT = 15.0
MAX_ROW_PT = 409.0  # Excel's limit for one row
# The rows one printed page holds (A4 landscape 595 pt less the margins below, with room to spare).
PAGE_ROWS_PT = 470.0

THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="D9E1F2")
SECTION_FILLS = [PatternFill("solid", fgColor="C9D5EA"), PatternFill("solid", fgColor="E4EAF4"), PatternFill("solid", fgColor="F2F5FA")]
PROVISIONAL_FILL = PatternFill("solid", fgColor="FCE4D6")
GOAL_FILL = PatternFill("solid", fgColor="FFF2CC")
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
NUMBER = Alignment(horizontal="right", vertical="top")
COUNT_FORMAT = "#,##0"
RATE_FORMAT = "0.0%"
PROVISIONAL_NOTE = "網掛け・斜体の値は速報値（提出済・未承認の月を含む）で、承認により変わることがあります。"
_BAD_TITLE = str.maketrans({c: "・" for c in "[]:*?/\\"})
MONTH_WIDTH = 4.6

# The 工程表 and the body sheets: about 116 units, the printable width of A4 landscape with these margins.
ROADMAP_COLUMNS = [("具体的な取組", 20), ("実施主体", 6), ("ＫＰＩ（指標）", 11), ("目標", 8)]
ROADMAP_TAIL = [("累計", 5.4), ("達成率", 5.2), ("進捗状況", 5.6)]
KPI_COLUMNS = [("番号", 6), ("指標", 16), ("目標", 9)]
KPI_TAIL = [("累計", 5.4), ("目標（累計）", 5.6), ("達成率", 5.2), ("状況", 4.6), ("種類", 7)]


def _font(bold=False, size=FONT_SIZE, italic=False):
    return Font(name=FONT_NAME, size=size, bold=bold, italic=italic)


# --- text measurement (openpyxl has no autofit) ------------------------------------------------

def _char_pt(char: str, size: float) -> float:
    if unicodedata.east_asian_width(char) in "WFA":
        return size
    return size * 0.65  # proportional Latin: digits are 0.625 em in IPAex, a few capitals wider


def text_lines(text: str, width_units: float, size: float = FONT_SIZE) -> int:
    """How many lines a wrapped cell of `width_units` needs for `text` (explicit newlines kept)."""
    usable = max(width_units * PT_PER_UNIT * WIDTH_SAFETY - CELL_PADDING_PT, size)
    lines = 0
    for paragraph in str(text).split("\n"):
        width = sum(_char_pt(c, size) for c in paragraph)
        lines += max(1, math.ceil(width / usable))
    return lines


def text_height(text, width_units: float, size: float = FONT_SIZE) -> float:
    return text_lines(text, width_units, size) * size * LINE_PT + ROW_PADDING_PT


def fit_row_heights(ws, widths: dict[int, float]):
    """Set every row's height from its wrapped text; a cell merged over several rows shares the
    rows' missing height out among them."""
    merged = {}
    for rng in ws.merged_cells.ranges:
        merged[(rng.min_row, rng.min_col)] = rng
    covered = {(r, c) for rng in ws.merged_cells.ranges for r in range(rng.min_row, rng.max_row + 1) for c in range(rng.min_col, rng.max_col + 1)}
    heights: dict[int, float] = {}
    tall = []
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is None or not isinstance(cell.value, str) or not cell.alignment.wrap_text:
                continue  # numbers and unwrapped notes take one line
            key = (cell.row, cell.column)
            size = cell.font.sz or FONT_SIZE
            rng = merged.get(key)
            if rng is None and key in covered:
                continue
            first_col, last_col = (rng.min_col, rng.max_col) if rng else (cell.column, cell.column)
            width = sum(widths.get(c, 8.43) for c in range(first_col, last_col + 1))
            need = max(text_height(cell.value, width, size), MIN_ROW_PT)
            if rng is not None and rng.max_row > rng.min_row:
                tall.append((rng.min_row, rng.max_row, need))
            else:
                heights[cell.row] = max(heights.get(cell.row, MIN_ROW_PT), need)
    for first, last, need in tall:
        have = sum(heights.get(r, MIN_ROW_PT) for r in range(first, last + 1))
        if have < need:
            # Shared out, so that the KPIs of one measure sit in rows of one height.
            extra = (need - have) / (last - first + 1)
            for r in range(first, last + 1):
                heights[r] = heights.get(r, MIN_ROW_PT) + extra
    for row, height in heights.items():
        ws.row_dimensions[row].height = round(min(height, MAX_ROW_PT), 1)


# --- cells ----------------------------------------------------------------------------------------

class SheetWriter:
    def __init__(self, ws, columns: list[tuple[str, float]], styles: dict):
        self.ws = ws
        self.styles = styles  # shared by the workbook's sheets: style ids are the workbook's
        self.columns = columns
        self.widths = {i: width for i, (_, width) in enumerate(columns, start=1)}
        self.blocks: list[tuple[int, int, bool]] = []  # rows printed on one page: (first, last, is a heading)
        for index, width in self.widths.items():
            ws.column_dimensions[get_column_letter(index)].width = width

    @property
    def last_column(self) -> int:
        return len(self.columns)

    def _style(self, *, bold=False, italic=False, size=FONT_SIZE, fill=None, border=True, alignment=WRAP, number_format=None):
        """The cell style as openpyxl stores it, built once per workbook and copied onto each cell:
        assigning fonts and borders cell by cell hashes them every time (seconds for this workbook)."""
        key = (bold, italic, size, id(fill), border, id(alignment), number_format)
        styles = self.styles
        if key not in styles:
            prototype = Cell(self.ws)
            prototype.font, prototype.alignment = _font(bold, size, italic), alignment
            if border:
                prototype.border = BORDER
            if fill:
                prototype.fill = fill
            if number_format:
                prototype.number_format = number_format
            styles[key] = prototype._style
        return copy(styles[key])

    def text(self, row, column, value, *, bold=False, fill=None, border=True, size=FONT_SIZE, alignment=WRAP):
        cell = self.ws.cell(row=row, column=column)
        cell.value = value
        cell._style = self._style(bold=bold, size=size, fill=fill, border=border, alignment=alignment)
        return guard_cell(cell)  # imported text may begin with "=": it is text, never a formula

    def number(self, row, column, value, number_format, *, provisional=False):
        cell = self.ws.cell(row=row, column=column, value=_plain_number(value))
        marked = provisional and value is not None
        cell._style = self._style(italic=provisional, fill=PROVISIONAL_FILL if marked else None, alignment=NUMBER, number_format=number_format)
        return guard_cell(cell)  # a text KPI's value arrives here too

    def header(self, row):
        for column, (label, _) in enumerate(self.columns, start=1):
            self.text(row, column, label, bold=True, fill=HEAD_FILL, alignment=CENTER)

    def band(self, row, value, *, first=1, last=None, bold=False, fill=None, size=FONT_SIZE, border=True, alignment=WRAP):
        """Text across several columns (a heading or a title line)."""
        last = last or self.last_column
        self.text(row, first, value, bold=bold, fill=fill, size=size, border=border, alignment=alignment)
        self.merge(row, first, row, last, border=border)

    def merge(self, first_row, first_column, last_row, last_column, *, border=True):
        """Merge a range whose top-left cell is written. openpyxl's merge_cells re-adds the border
        to every edge cell one by one (most of this workbook's time); the covered cells get it here
        from the cached style instead."""
        if (first_row, first_column) == (last_row, last_column):
            return
        rng = MergedCellRange(self.ws, f"{get_column_letter(first_column)}{first_row}:{get_column_letter(last_column)}{last_row}")
        self.ws.merged_cells.add(rng)
        style = self._style(border=border) if border else None
        for row in range(first_row, last_row + 1):
            for column in range(first_column, last_column + 1):
                if (row, column) == (first_row, first_column):
                    continue
                cell = MergedCell(self.ws, row=row, column=column)
                if style is not None:
                    cell._style = copy(style)
                self.ws._cells[(row, column)] = cell

    def merge_down(self, first_row, last_row, column):
        self.merge(first_row, column, last_row, column)

    def finish(self, title_rows: str, header_left: str = ""):
        ws = self.ws
        ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.page_margins.left = ws.page_margins.right = 0.25
        ws.page_margins.top = ws.page_margins.bottom = 0.55
        ws.page_margins.header = ws.page_margins.footer = 0.25
        ws.print_title_rows = title_rows
        ws.print_options.horizontalCentered = True
        ws.oddFooter.center.text = "&P / &N"
        ws.oddHeader.right.text = "秘密の保持"
        if header_left:
            ws.oddHeader.left.text = header_left
        fit_row_heights(ws, self.widths)
        self._break_pages()

    def _row_pt(self, row) -> float:
        return self.ws.row_dimensions[row].height or DEFAULT_ROW_PT

    def _break_pages(self):
        """Page breaks between measures, never inside one (a merged cell cut by a page break prints
        its text over the next page's header) and never right after a heading."""
        if not self.blocks:
            return
        first_table_row = self.blocks[0][0]
        title_rows = self.ws.print_title_rows or ""
        repeated = 0.0
        if title_rows:
            start, end = (int(part.strip("$")) for part in title_rows.split(":"))
            repeated = sum(self._row_pt(r) for r in range(start, end + 1))
        groups, pending = [], None
        for first, last, heading in self.blocks:
            start = pending if pending is not None else first
            if heading:
                pending = start
                continue
            groups.append((start, last))
            pending = None
        if pending is not None:
            groups.append((pending, self.blocks[-1][1]))
        used = sum(self._row_pt(r) for r in range(1, first_table_row))
        for first, last in groups:
            height = sum(self._row_pt(r) for r in range(first, last + 1))
            if used + height > PAGE_ROWS_PT and used > repeated:
                self.ws.row_breaks.append(Break(id=first - 1))
                used = repeated
            used += height


def _plain_number(value):
    """openpyxl writes Decimal as a number; floats keep files small and read back the same."""
    if value is None or isinstance(value, (int, float)):
        return value
    return float(value) if value != int(value) else int(value)


# --- what the cells say ---------------------------------------------------------------------------

def _status_text(measure) -> str:
    status = getattr(measure, "status", None)
    if status is None:
        return "未報告"
    if status.summary:
        return f"{status.summary.get_progress_display()}（{status.period}）"
    return "\n".join(f"{r.member_body.display_name}：{r.get_progress_display()}" for r in status.reports) or "未報告"


def measure_text(measure) -> str:
    head = " ".join(part for part in (measure.number, measure.title) if part)
    return f"{head}\n{measure.description}".strip() if measure.title else f"{head} {measure.description}".strip()


def section_text(section) -> str:
    text = f"{section.number} {section.title}".strip()
    return f"{text}\n{section.description.strip()}" if section.description.strip() else text


def _write_figures(sheet, row, line, months_at: int, total_at: int) -> bool:
    """A KPI row's twelve months and its 累計, as numbers in the kind's format; whether 累計 includes 速報."""
    kind = kind_of(line.kpi)
    fmt = kind.excel_number_format
    flags = _provisional_flags(line)
    for offset, value in enumerate(line.monthly):
        sheet.number(row, months_at + offset, _excel(kind, value) if kind.is_numeric else None, fmt, provisional=flags[offset])
    to_date = _to_date_provisional(line)
    sheet.number(row, total_at, _excel(kind, line.achievement.actual) if kind.is_numeric else None, fmt, provisional=to_date)
    return to_date


def _provisional_flags(line) -> list[bool]:
    return list(getattr(line, "monthly_provisional", None) or [False] * 12)


def _to_date_provisional(line) -> bool:
    """Whether the to-date value (累計, 達成率) includes 速報値."""
    flag = getattr(line, "provisional", None)
    return any(_provisional_flags(line)) if flag is None else bool(flag)


def _excel(kind, value):
    if value is None:
        return None
    return kind.excel_value(value)


def _data_title(data) -> str:
    """What the figures are: 確定値 up to the cut-off, or with 速報値 (and how they are marked)."""
    if getattr(data, "provisional", False):
        return f"速報値を含む（{data.cutoff_label}）。{PROVISIONAL_NOTE}"
    return f"確定値（{data.cutoff_label}）"


def _tree_rows(tree, keep: set | None = None):
    """('section', node) and ('measure', measure) in printed order; with `keep`, only those measures
    and the sections above them."""

    def visit(node):
        measures = [m for m in node.measures if keep is None or m.pk in keep]
        below = [row for child in node.children for row in visit(child)]
        if keep is not None and not measures and not below:
            return []
        return [("section", node)] + [("measure", m) for m in measures] + below

    return [row for root in tree for row in visit(root)]


# --- sheets ---------------------------------------------------------------------------------------

def _roadmap_columns(data):
    return ROADMAP_COLUMNS + [(f"{m.month}月", MONTH_WIDTH) for m in data.months] + ROADMAP_TAIL


def _write_roadmap_table(sheet: SheetWriter, data, row: int, keep=None) -> int:
    """The 工程表 from `row` on (header first); returns the next free row."""
    header_row = row
    sheet.header(row)
    row += 1
    months_at = len(ROADMAP_COLUMNS) + 1
    total_at = months_at + 12
    for kind_of_row, item in _tree_rows(data.tree, keep):
        if kind_of_row == "section":
            depth = item.depth
            sheet.band(row, section_text(item.section), bold=depth < 2, fill=SECTION_FILLS[min(depth, 2)])
            sheet.blocks.append((row, row, True))
            row += 1
            continue
        measure = item
        lines = measure.kpi_lines or [None]
        first = row
        for line in lines:
            if line is None:
                sheet.text(row, 3, "－")
                sheet.text(row, 4, "")
                for column in range(months_at, total_at + 2):
                    sheet.number(row, column, None, COUNT_FORMAT)
            else:
                kpi = line.kpi
                sheet.text(row, 3, kpi.name)
                sheet.text(row, 4, kpi.written_target)
                to_date = _write_figures(sheet, row, line, months_at, total_at)
                sheet.number(row, total_at + 1, achievement_excel_value(line.achievement.ratio, kpi.comparison), RATE_FORMAT, provisional=to_date)
            row += 1
        sheet.text(first, 1, measure_text(measure))
        sheet.text(first, 2, measure.responsible_label or "")
        sheet.text(first, total_at + 2, _status_text(measure))
        for column in (1, 2, total_at + 2):
            sheet.merge_down(first, row - 1, column)
        sheet.blocks.append((first, row - 1, False))
    sheet.ws.freeze_panes = f"B{header_row + 1}"
    return row


def _goal_rows(sheet: SheetWriter, data, row: int) -> int:
    """【事業実施目標】: the support categories' goals, then each numeric goal with its target, actual
    and 達成率 and a row per component (whose KPI the roadmap prints here, not under its measure)."""
    plan = data.plan
    categories = list(plan.categories.select_related("category").order_by("category__number"))
    provisional = getattr(data, "provisional", False)
    goals = headline_progress(plan, data.as_of, provisional=provisional)
    if not categories and not goals:
        return row
    sheet.band(row, "【事業実施目標】", bold=True, border=False)
    row += 1
    for entry in categories:
        number = entry.category.number
        mark = "①②③④⑤⑥⑦⑧⑨"[number - 1] if 1 <= number <= 9 else f"{number}."
        sheet.band(row, f"{mark} {entry.title}への支援目標：{entry.goal}", border=False)
        row += 1
    for goal in goals:
        unit_format = f'#,##0"{_format_unit(goal.unit)}"' if goal.unit else COUNT_FORMAT
        marked = provisional and goal.actual is not None and _beyond_cutoff(data, goal.months_elapsed)
        sheet.text(row, 1, f"{goal.label}（※）" if goal.note else goal.label, bold=True, fill=GOAL_FILL)
        sheet.text(row, 2, "年間目標", fill=GOAL_FILL, alignment=CENTER)
        sheet.number(row, 3, goal.target, unit_format)
        sheet.text(row, 4, "実績", fill=GOAL_FILL, alignment=CENTER)
        _wide_number(sheet, row, 5, 6, goal.actual, unit_format, provisional=marked)
        sheet.band(row, "達成率", first=7, last=8, fill=GOAL_FILL, alignment=CENTER)
        _wide_number(sheet, row, 9, 10, achievement_excel_value(goal.ratio), RATE_FORMAT, provisional=marked)
        sheet.band(row, f"{Outlook(goal.outlook).label}（累計目標に対して）", first=11, last=14)
        row += 1
        for component in goal.components:
            component_format = f'#,##0"{_format_unit(component.unit)}"' if component.unit else COUNT_FORMAT
            sheet.text(row, 1, f"うち {component.label}")
            sheet.text(row, 2, component.body)
            sheet.text(row, 3, component.kpi.name)
            sheet.text(row, 4, "実績", alignment=CENTER)
            _wide_number(sheet, row, 5, 6, component.actual, component_format, provisional=marked and component.actual is not None)
            if component.target is None:
                sheet.band(row, "内訳の目標値なし", first=7, last=10)
            row += 1
        if goal.note:
            sheet.band(row, f"（※）{goal.note}", border=False)
            row += 1
    return row


def _beyond_cutoff(data, months_elapsed: int) -> bool:
    """Whether a to-date value over `months_elapsed` months may hold 速報値: some month after the 確定 cut-off."""
    if months_elapsed <= 0:
        return False
    through = getattr(data, "confirmed_through", None)
    return through is None or data.months[months_elapsed - 1] > through


def _wide_number(sheet, row, first, last, value, number_format, *, provisional=False):
    """A number over two narrow columns, or "－" where there is none."""
    if value is None:
        sheet.band(row, "－", first=first, last=last, alignment=CENTER)
        return
    sheet.number(row, first, value, number_format, provisional=provisional)
    sheet.merge(row, first, row, last)


def _format_unit(unit: str) -> str:
    """A unit inside a number format: quotes and backslashes would end or escape it."""
    return (unit or "").replace('"', "").replace("\\", "")


def _title_rows(sheet: SheetWriter, data, title: str) -> int:
    sheet.band(1, title, bold=True, size=TITLE_SIZE, border=False)
    sheet.band(2, _data_title(data), border=False)
    return 3


def _roadmap_sheet(wb, data, title, styles):
    ws = wb.active
    ws.title = "工程表"
    sheet = SheetWriter(ws, _roadmap_columns(data), styles)
    row = _title_rows(sheet, data, title)
    row = _goal_rows(sheet, data, row)
    header_row = row
    row = _write_roadmap_table(sheet, data, header_row)
    _footnote(sheet, data, row + 1)
    sheet.finish(f"{header_row}:{header_row}", header_left=title)


def _footnote(sheet, data, row):
    notes = ["達成率は累計÷目標（累計）。率の指標は期間の分子の合計÷分母の合計。"]
    if getattr(data, "provisional", False):
        notes.append(PROVISIONAL_NOTE)
    sheet.band(row, "\n".join(notes), border=False)


def _kpi_sheet(wb, data, title, styles):
    ws = wb.create_sheet("ＫＰＩ")
    columns = KPI_COLUMNS + [(f"{m.month}月", MONTH_WIDTH) for m in data.months] + KPI_TAIL
    sheet = SheetWriter(ws, columns, styles)
    sheet.header(1)
    months_at = len(KPI_COLUMNS) + 1
    tail = months_at + 12
    row = 1
    for row, line in enumerate(data.kpi_rows, start=2):
        kpi, a = line.kpi, line.achievement
        kind = kind_of(kpi)
        sheet.text(row, 1, line.measure_code)
        sheet.text(row, 2, kpi.name)
        sheet.text(row, 3, kpi.written_target)
        any_provisional = _write_figures(sheet, row, line, months_at, tail)
        sheet.number(row, tail + 1, _excel(kind, a.target_to_date) if kind.is_numeric else None, kind.excel_number_format)
        sheet.number(row, tail + 2, achievement_excel_value(a.ratio, kpi.comparison), RATE_FORMAT, provisional=any_provisional)
        sheet.text(row, tail + 3, Outlook(a.outlook).label)
        sheet.text(row, tail + 4, kind.label)
    last = max(row, 1)
    ws.auto_filter.ref = f"A1:{get_column_letter(sheet.last_column)}{last}"
    ws.freeze_panes = "D2"
    # One cell, not merged, below the filtered range: merged cells would stop Excel's sort.
    sheet.text(last + 2, 1, _data_title(data), border=False, alignment=Alignment(vertical="top"))
    sheet.finish("1:1", header_left=title)


def sheet_title(name: str, used: set) -> str:
    """A sheet name from a body's full name: no []:*?/\\, at most 31 characters, unique."""
    base = name.translate(_BAD_TITLE).strip("'") or "構成員"
    title, n = base[:31], 2
    while title in used:
        suffix = f"（{n}）"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(title)
    return title


def _body_sheets(wb, data, title, styles):
    used = {"工程表", "ＫＰＩ"}
    for body, measures in data.body_measures.items():
        ws = wb.create_sheet(sheet_title(body.name, used))
        sheet = SheetWriter(ws, _roadmap_columns(data), styles)
        label = f"（工程表での実施主体：{body.short_label}）" if body.short_label and body.short_label != body.name else ""
        sheet.band(1, f"{body.name}の取組{label}", bold=True, size=TITLE_SIZE, border=False)
        sheet.band(2, f"{title}　{_data_title(data)}　ＫＰＩの実績は全報告機関の合計", border=False)
        row = _write_roadmap_table(sheet, data, 3, keep={m.pk for m in measures})
        _footnote(sheet, data, row + 1)
        sheet.finish("3:3", header_left=body.name)


def render_progress_workbook(data, platform_name: str) -> bytes:
    wb = Workbook()
    # Column widths are in units of the Normal font's digit width: the same font as the cells.
    normal = Font(name=FONT_NAME, size=11)
    wb._fonts[0] = normal
    wb._named_styles["Normal"].font = normal
    title = f"{platform_name} {wareki_fiscal_year(data.plan.fiscal_year, with_western=True)} 工程表・進捗状況（{wareki_date(data.as_of)}現在）"
    styles = {}
    _roadmap_sheet(wb, data, title, styles)
    _kpi_sheet(wb, data, title, styles)
    _body_sheets(wb, data, title, styles)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
