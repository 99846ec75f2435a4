"""The progress report (進捗状況報告) as an Excel workbook laid out as the secretariat prints it.

Sheets: the 工程表 with merged hierarchy cells, the KPI sheet with the twelve months, and one sheet
per responsible body. A4 landscape, fitted to the page width, header rows repeated on every page,
page numbers in the footer.
"""
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from kpi.choices import MeasureType, Outlook
from core.wareki import wareki_date, wareki_fiscal_year

THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="D9E1F2")
SECTION_FILL = PatternFill("solid", fgColor="EEF2F8")
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
FONT = "IPAexゴシック"
_BAD_TITLE = str.maketrans({c: "・" for c in "[]:*?/\\"})


def _setup_print(ws, title_rows: str, widths: list[float]):
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = title_rows
    ws.oddFooter.center.text = "&P / &N"
    ws.oddHeader.right.text = "秘密の保持"
    ws.print_options.horizontalCentered = True
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width


def _header(ws, row: int, labels: list[str]):
    for column, label in enumerate(labels, start=1):
        cell = ws.cell(row=row, column=column, value=label)
        cell.font, cell.fill, cell.border, cell.alignment = Font(name=FONT, bold=True), HEAD_FILL, BORDER, CENTER


def _cell(ws, row, column, value, *, fill=None, number_format=None, bold=False):
    cell = ws.cell(row=row, column=column, value=value)
    cell.border, cell.alignment, cell.font = BORDER, WRAP, Font(name=FONT, bold=bold)
    if fill:
        cell.fill = fill
    if number_format:
        cell.number_format = number_format
    return cell


def _status_text(measure) -> str:
    status = getattr(measure, "status", None)
    if status is None:
        return "未報告"
    if status.summary:
        return f"{status.summary.get_progress_display()}（{status.period}・とりまとめ）"
    return "\n".join(f"{r.member_body.short_label or r.member_body}：{r.get_progress_display()}" for r in status.reports) or "未報告"


def _kpi_text(measure) -> tuple[str, str, str, str]:
    names, targets, actuals, ratios = [], [], [], []
    for line in measure.kpi_lines:
        kpi, a = line.kpi, line.achievement
        names.append(kpi.name)
        targets.append(kpi.target_text or "")
        unit = "%" if kpi.measure_type == MeasureType.RATE else kpi.unit
        actuals.append("" if a.actual is None else f"{a.actual:,}{unit}")
        ratios.append("" if a.ratio is None else f"{a.ratio * 100:.1f}%（{Outlook(a.outlook).label}）")
    return tuple("\n".join(parts) for parts in (names, targets, actuals, ratios))


def _roadmap_sheet(wb, data, title):
    ws = wb.active
    ws.title = "工程表"
    ws.cell(row=1, column=1, value=title).font = Font(name=FONT, bold=True, size=14)
    # One column per level of the tree, so that merged cells of two levels never overlap.
    depth_columns = 1 + max((node.depth for root in data.tree for node in root.walk()), default=0)
    levels = (["項目", "小項目", "細目"] + ["下位項目"] * depth_columns)[:depth_columns]
    labels = [*levels, "具体的な取組", "ＫＰＩ", "目標", "実績（累計）", "達成率", "実施主体", "進捗状況"]
    _header(ws, 2, labels)
    row = 3

    def emit(node, depth):
        nonlocal row
        start = row
        for measure in node.measures:
            names, targets, actuals, ratios = _kpi_text(measure)
            text = f"{measure.number} {measure.title}\n{measure.description}".strip() if measure.title else f"{measure.number} {measure.description}".strip()
            values = [text, names or "－", targets, actuals, ratios, measure.responsible_label, _status_text(measure)]
            for offset, value in enumerate(values):
                _cell(ws, row, depth_columns + 1 + offset, value)
            for column in range(1, depth_columns + 1):
                _cell(ws, row, column, None)
            row += 1
        for child in node.children:
            emit(child, depth + 1)
        if row == start:  # a section with nothing under it still shows
            for column in range(1, len(labels) + 1):
                _cell(ws, row, column, None)
            row += 1
        column = depth + 1
        ws.cell(row=start, column=column, value=f"{node.section.number} {node.section.title}")
        ws.cell(row=start, column=column).fill = SECTION_FILL
        if row - 1 > start:
            ws.merge_cells(start_row=start, start_column=column, end_row=row - 1, end_column=column)

    for root in data.tree:
        emit(root, 0)
    ws.freeze_panes = ws.cell(row=3, column=depth_columns + 1)
    _setup_print(ws, "1:2", [14] * depth_columns + [48, 26, 18, 14, 16, 12, 20])


def _kpi_sheet(wb, data):
    ws = wb.create_sheet("ＫＰＩ")
    months = [f"{m.month}月" for m in data.months]
    _header(ws, 1, ["取組", "指標", "目標", *months, "累計", "目標（累計）", "達成率", "状況"])
    for row, line in enumerate(data.kpi_rows, start=2):
        kpi, a = line.kpi, line.achievement
        percent = kpi.measure_type == MeasureType.RATE
        fmt = "0.0" if percent else "#,##0"
        _cell(ws, row, 1, line.measure_code)
        _cell(ws, row, 2, kpi.name)
        _cell(ws, row, 3, kpi.target_text)
        for offset, value in enumerate(line.monthly):
            _cell(ws, row, 4 + offset, value, number_format=fmt)
        _cell(ws, row, 16, a.actual, number_format=fmt)
        _cell(ws, row, 17, a.target_to_date, number_format=fmt)
        _cell(ws, row, 18, None if a.ratio is None else a.ratio, number_format="0.0%")
        _cell(ws, row, 19, Outlook(a.outlook).label)
    ws.freeze_panes = "D2"
    _setup_print(ws, "1:1", [9, 30, 18, *([8] * 12), 10, 10, 9, 8])


def _body_sheets(wb, data):
    used = set()
    for body, measures in data.body_measures.items():
        name = (body.short_label or body.name).translate(_BAD_TITLE)[:28]
        title, n = name, 2
        while title in used or title in ("工程表", "ＫＰＩ"):
            title, n = f"{name[:26]}{n}", n + 1
        used.add(title)
        ws = wb.create_sheet(title)
        ws.cell(row=1, column=1, value=str(body)).font = Font(name=FONT, bold=True, size=12)
        _header(ws, 2, ["取組", "内容", "ＫＰＩ", "実績（累計）", "達成率", "進捗状況"])
        for row, measure in enumerate(measures, start=3):
            names, _, actuals, ratios = _kpi_text(measure)
            for column, value in enumerate([measure.code, measure.title or measure.description, names or "－", actuals, ratios, _status_text(measure)], start=1):
                _cell(ws, row, column, value)
        _setup_print(ws, "1:2", [10, 60, 28, 14, 16, 22])


def render_progress_workbook(data, platform_name: str) -> bytes:
    wb = Workbook()
    title = f"{platform_name} {wareki_fiscal_year(data.plan.fiscal_year, with_western=True)} 工程表・進捗状況（{wareki_date(data.as_of)}現在）"
    _roadmap_sheet(wb, data, title)
    _kpi_sheet(wb, data)
    _body_sheets(wb, data)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
