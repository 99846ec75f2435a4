"""The Excel 工程表 as people use it: printed (A4 landscape, readable, nothing overlapping), sorted and
summed (numbers with number formats, one KPI per row), with the plan's whole text, the 【事業実施目標】,
sheets named after their bodies and 速報値 marked only where they were asked for."""
import io
import math
import re
import subprocess
import unicodedata
from collections import defaultdict
from datetime import date

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from exports.registry import REGISTRY
from exports.xlsx import PROVISIONAL_FILL, sheet_title
from kpi.models import FigureSubmission, Kpi, KpiFigure
from plans.goals import headline_progress
from plans.models import Measure

AS_OF = date(2026, 4, 30)
NUMBER_HEADERS = {"累計", "達成率", "目標（累計）"}
Status = FigureSubmission.Status


@pytest.fixture
def kpis(plan2025):
    placements = Kpi.objects.get(measure__section__plan=plan2025, name="ハローワークにおける紹介就職件数")
    training = Kpi.objects.get(measure__section__plan=plan2025, name__contains="求職者支援訓練")
    return placements, training


@pytest.fixture
def figures(plan2025, bureau, kpis):
    """April and May approved, June submitted (速報), July returned (never counts)."""
    placements, training = kpis
    for month, value, status in ((4, 1500, Status.APPROVED), (5, 1600, Status.APPROVED), (6, 1700, Status.SUBMITTED), (7, 9999, Status.RETURNED)):
        FigureSubmission.objects.create(plan=plan2025, member_body=bureau, month=date(2025, month, 1), status=status)
        KpiFigure.objects.create(kpi=placements, member_body=bureau, month=date(2025, month, 1), value=value)
    KpiFigure.objects.create(kpi=training, member_body=bureau, month=date(2025, 4, 1), numerator=37, denominator=50)
    return placements, training


def workbook(plan, *, provisional=False, user=None):
    file = REGISTRY["progress_xlsx"].render(plan, as_of=AS_OF, provisional=provisional, user=user)
    return load_workbook(io.BytesIO(file.content)), file.content


def header_row(ws):
    for row in ws.iter_rows(max_row=40):
        labels = [c.value for c in row]
        if "4月" in labels:
            return row[0].row, {label: index + 1 for index, label in enumerate(labels) if label}
    raise AssertionError(f"{ws.title}: no header row")


def kpi_rows(ws, name_column_label):
    """KPI name → its row's cells, below the header."""
    top, columns = header_row(ws)
    name_column = columns[name_column_label]
    return {row[name_column - 1].value: row for row in ws.iter_rows(min_row=top + 1) if isinstance(row[name_column - 1].value, str)}, columns


def test_roadmap_has_one_kpi_per_row_with_numbers_the_sheet_can_sum(plan2025, figures):
    placements, training = figures
    wb, _ = workbook(plan2025)
    assert wb.sheetnames[:2] == ["工程表", "ＫＰＩ"]
    rows, columns = kpi_rows(wb["工程表"], "ＫＰＩ（指標）")
    assert ["具体的な取組", "実施主体", "ＫＰＩ（指標）", "目標", "4月"] == list(columns)[:5]
    assert list(columns)[-3:] == ["累計", "達成率", "進捗状況"]
    placement_row = rows[placements.name]
    cell = lambda label: placement_row[columns[label] - 1]  # noqa: E731
    assert (cell("4月").value, cell("5月").value) == (1500, 1600)
    assert cell("6月").value is None and cell("7月").value is None  # submitted and returned months count not
    assert cell("累計").value == 3100 and cell("4月").number_format == "#,##0"
    assert cell("目標").value == "1,538件／月"
    # Two KPIs of one measure: two rows, the measure's text once.
    assert "ハローワークにおける紹介件数" in rows
    training_row = rows[training.name]
    rate = training_row[columns["4月"] - 1]
    assert rate.value == pytest.approx(0.74) and rate.number_format == "0.0%"
    ratio = cell("達成率")
    assert ratio.number_format == "0.0%" and isinstance(ratio.value, float) and ratio.value > 0


def test_kpi_sheet_is_a_flat_table_to_sort_and_filter(plan2025, figures):
    placements, _ = figures
    wb, _ = workbook(plan2025)
    ws = wb["ＫＰＩ"]
    assert ws.auto_filter.ref.startswith("A1:")
    assert not ws.merged_cells.ranges  # merged cells stop Excel's sort
    rows, columns = kpi_rows(ws, "指標")
    assert rows[placements.name][columns["累計"] - 1].value == 3100
    assert len(rows) == Kpi.objects.filter(measure__section__plan=plan2025, goal_component__isnull=True).count()


def test_no_value_cell_is_text_where_a_number_is_meant(plan2025, figures):
    wb, _ = workbook(plan2025, provisional=True)
    checked = 0
    for ws in wb.worksheets:
        top, columns = header_row(ws)
        numeric = [index for label, index in columns.items() if label.endswith("月") or label in NUMBER_HEADERS]
        for row in ws.iter_rows(min_row=top + 1, max_row=ws.max_row):
            for index in numeric:
                cell = row[index - 1]
                if cell.value is None:
                    continue
                assert isinstance(cell.value, (int, float)), f"{ws.title}!{cell.coordinate} = {cell.value!r}"
                assert cell.number_format in ("#,##0", "0.0%"), f"{ws.title}!{cell.coordinate}: {cell.number_format}"
                checked += 1
    assert checked > 30


def _same(text):
    return re.sub(r"\s+", "", text or "")


def test_every_measure_and_kpi_text_of_the_plan_appears(plan2025, figures):
    wb, _ = workbook(plan2025)
    text = _same("\n".join(str(c) for ws in (wb["工程表"], wb["ＫＰＩ"]) for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)))
    measures = Measure.objects.filter(section__plan=plan2025).prefetch_related("kpis")
    assert measures.count() > 20
    for measure in measures:
        assert _same(measure.description) in text, measure.code
        assert _same(measure.title) in text
        for kpi in measure.kpis.all():
            assert _same(kpi.name) in text
            assert _same(kpi.target_text) in text
    for section in plan2025.sections.all():
        assert _same(section.title) in text and _same(section.description) in text


def test_headline_goal_with_its_note_and_actual_heads_the_roadmap(plan2025, figures, bureau):
    component_kpi = plan2025.numeric_goals.get().components.order_by("order", "id").first().kpi
    KpiFigure.objects.create(kpi=component_kpi, member_body=bureau, month=date(2025, 4, 1), value=120)  # an approved month
    wb, _ = workbook(plan2025)
    ws = wb["工程表"]
    top, _ = header_row(ws)
    above = [row for row in ws.iter_rows(max_row=top - 1)]
    texts = [c.value for row in above for c in row if isinstance(c.value, str)]
    assert "【事業実施目標】" in texts
    assert any("正規雇用者1年間で3,325人増やすこと" in t for t in texts)
    goal = headline_progress(plan2025, AS_OF, provisional=False)[0]
    goal_row = next(row for row in above if isinstance(row[0].value, str) and row[0].value.startswith(goal.label))
    values = [c.value for c in goal_row]
    target = next(c for c in goal_row if c.value == 3325)
    assert target.number_format == '#,##0"人"'  # a number, printed "3,325人"
    assert "実績" in values and "達成率" in values
    assert goal.actual == 120 and 120 in values
    # Its components, each with the KPI the bureau and the prefecture report for it.
    for component in goal.components:
        assert any(row[0].value == f"うち {component.label}" and row[2].value == component.kpi.name for row in above)
    assert any(t.startswith("（※）") and "ジョブカフェぐんま" in t for t in texts)


def test_sheets_are_named_after_their_bodies(plan2025, figures):
    wb, _ = workbook(plan2025)
    assert "群馬県（産業経済部）" in wb.sheetnames and "群馬県（健康福祉部）" in wb.sheetnames
    assert "群馬労働局" in wb.sheetnames and "（一社）群馬県経営者協会" in wb.sheetnames
    assert not any(re.search(r"\d$", name) and name[:-1] in wb.sheetnames for name in wb.sheetnames)  # no 県2
    industry = wb["群馬県（産業経済部）"]
    assert "群馬県（産業経済部）の取組" in industry["A1"].value
    measure_texts = _same(" ".join(str(c.value) for row in industry.iter_rows() for c in row if isinstance(c.value, str)))
    assert _same("ジョブカフェぐんま") in measure_texts  # 2(1)イ, the prefecture's (県) measure
    assert _same("ミドルシニア専門窓口") not in measure_texts  # the bureau's own


def test_sheet_titles_are_unique_short_and_legal():
    used = {"工程表", "ＫＰＩ"}
    long = "とても長い名称の構成員団体（一般社団法人）群馬県なんとか連合会事務局"
    first, second = sheet_title(long, used), sheet_title(long, used)
    assert len(first) <= 31 and len(second) <= 31 and first != second
    assert sheet_title("A/B:C[1]*?", used) == "A・B・C・1・・・"
    assert sheet_title("工程表", used) == "工程表（2）"


def test_provisional_values_are_marked_and_only_when_asked_for_by_who_may(plan2025, figures, lead_user, observer_user):
    placements, _ = figures
    confirmed, _ = workbook(plan2025, user=lead_user)
    assert "確定値" in confirmed["工程表"]["A2"].value and "速報" not in confirmed["工程表"]["A2"].value
    rows, columns = kpi_rows(confirmed["工程表"], "ＫＰＩ（指標）")
    assert rows[placements.name][columns["6月"] - 1].value is None

    wb, _ = workbook(plan2025, provisional=True, user=lead_user)
    title = wb["工程表"]["A2"].value
    assert "速報値を含む" in title and "網掛け" in title
    rows, columns = kpi_rows(wb["工程表"], "ＫＰＩ（指標）")
    row = rows[placements.name]
    june, may = row[columns["6月"] - 1], row[columns["5月"] - 1]
    assert june.value == 1700 and june.fill.fgColor.rgb.endswith(PROVISIONAL_FILL.fgColor.rgb[-6:]) and june.font.i
    assert may.value == 1600 and not may.font.i and may.fill.fill_type is None
    assert row[columns["7月"] - 1].value is None  # returned: never
    total = row[columns["累計"] - 1]
    assert total.value == 4800 and total.font.i  # the to-date value includes the 速報 month

    observers, _ = workbook(plan2025, provisional=True, user=observer_user)
    rows, columns = kpi_rows(observers["工程表"], "ＫＰＩ（指標）")
    assert rows[placements.name][columns["6月"] - 1].value is None
    assert "速報" not in observers["工程表"]["A2"].value


def test_text_that_looks_like_a_formula_stays_text(plan2025, figures):
    placements, _ = figures
    Kpi.objects.filter(pk=placements.pk).update(name="=HYPERLINK(\"http://x\")", target_text="+1,538件")
    _, content = workbook(plan2025)
    wb = load_workbook(io.BytesIO(content))
    cells = [c for row in wb["工程表"].iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=HYPERLINK")]
    assert cells and all(c.data_type == "s" for c in cells)
    assert not any(c.data_type == "f" for ws in wb.worksheets for row in ws.iter_rows() for c in row)


def _display_pt(text, size):
    return sum(size if unicodedata.east_asian_width(c) in "WFA" else size * 0.6 for c in text)


def test_every_wrapped_row_is_tall_enough_for_its_text(plan2025, figures):
    """An estimate independent of the writer's: LibreOffice prints a column-width unit 7 pt wide
    and wraps lines 1.0 em apart (measured)."""
    wb, _ = workbook(plan2025)
    checked = 0
    for ws in wb.worksheets:
        ranges = {(r.min_row, r.min_col): r for r in ws.merged_cells.ranges}
        inside = {(row, col) for r in ws.merged_cells.ranges for row in range(r.min_row, r.max_row + 1) for col in range(r.min_col, r.max_col + 1)}
        for row in ws.iter_rows():
            for cell in row:
                if not isinstance(cell.value, str) or not cell.alignment.wrap_text:
                    continue
                r = ranges.get((cell.row, cell.column))
                if r is None and (cell.row, cell.column) in inside:
                    continue
                rows = range(r.min_row, r.max_row + 1) if r else [cell.row]
                cols = range(r.min_col, r.max_col + 1) if r else [cell.column]
                width = sum(ws.column_dimensions[get_column_letter(c)].width for c in cols) * 7 - 4
                size = cell.font.sz
                lines = sum(max(1, math.ceil(_display_pt(p, size) / width)) for p in cell.value.split("\n"))
                height = sum(ws.row_dimensions[i].height or 0 for i in rows)
                assert height >= lines * size, f"{ws.title}!{cell.coordinate}: {height} pt for {lines} lines"
                checked += 1
    assert checked > 200


def _pdf_words(pdf_path):
    out = subprocess.run(["pdftotext", "-bbox-layout", str(pdf_path), "-"], capture_output=True, text=True, check=True).stdout
    pages = out.split("<page ")[1:]
    sizes = []
    for number, page in enumerate(pages, start=1):
        width, height = (float(v) for v in re.match(r'width="([\d.]+)" height="([\d.]+)"', page).groups())
        sizes.append((width, height))
        for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', page):
            yield number, (width, height), *map(float, m.groups()[:4]), m.group(5)


def test_libreoffice_prints_it_on_a4_landscape_readable_and_without_overlapping_text(plan2025, figures, lead_user, tmp_path):
    """The file converted by LibreOffice (soffice --headless --convert-to pdf): every page A4
    landscape, no text printed smaller than 8 pt (split into pages by rows, not shrunk), and no
    line of text printed over another (rows tall enough, no merged cell cut by a page break)."""
    source = tmp_path / "report.xlsx"
    source.write_bytes(workbook(plan2025, provisional=True, user=lead_user)[1])
    result = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    words = list(_pdf_words(tmp_path / "report.pdf"))
    assert {size for _, size, *_ in words} == {(841.89, 595.276)} or all(abs(w - 841.9) < 1 and abs(h - 595.3) < 1 for _, (w, h), *_ in words)
    # pdftotext's word box is 1.3 em tall for this font (measured at 8, 9 and 10 pt).
    smallest = min(y1 - y0 for _, _, x0, y0, x1, y1, _ in words) / 1.3
    assert smallest >= 7.95, f"text printed at {smallest:.2f} pt"
    by_page = defaultdict(list)
    for page, _, x0, y0, x1, y1, text in words:
        by_page[page].append((y0, x0, x1, y1, text))
    overlaps = []
    for page, items in by_page.items():
        items.sort()
        for i, (y0, x0, x1, y1, text) in enumerate(items):
            for b_y0, b_x0, b_x1, b_y1, b_text in items[i + 1:]:
                if b_y0 >= y1:
                    break
                size = min(y1 - y0, b_y1 - b_y0) / 1.3
                # Lines of one cell are 1 em apart; text printed over other text is closer.
                if min(x1, b_x1) - max(x0, b_x0) > 1 and b_y0 - y0 < 0.85 * size:
                    overlaps.append((page, text, b_text))
    assert not overlaps, overlaps[:5]
    printed = re.sub(r"\s+", "", subprocess.run(["pdftotext", str(tmp_path / "report.pdf"), "-"], capture_output=True, text=True).stdout)
    longest = max(Measure.objects.filter(section__plan=plan2025), key=lambda m: len(m.description))
    assert _same(longest.description)[-20:] in printed  # the end of the longest text is printed, not cut off


def test_the_goal_s_actual_is_marked_when_it_holds_a_provisional_month(plan2025, figures, bureau, lead_user):
    component_kpi = plan2025.numeric_goals.get().components.order_by("order", "id").first().kpi
    KpiFigure.objects.create(kpi=component_kpi, member_body=bureau, month=date(2025, 4, 1), value=120)  # approved
    KpiFigure.objects.create(kpi=component_kpi, member_body=bureau, month=date(2025, 6, 1), value=80)  # submitted
    label = plan2025.numeric_goals.get().label

    def actual_cell(wb):
        ws = wb["工程表"]
        row = next(r for r in ws.iter_rows(max_row=header_row(ws)[0]) if isinstance(r[0].value, str) and r[0].value.startswith(label))
        return row[4]  # under 実績

    confirmed = actual_cell(workbook(plan2025, user=lead_user)[0])
    assert confirmed.value == 120 and not confirmed.font.i
    provisional = actual_cell(workbook(plan2025, provisional=True, user=lead_user)[0])
    assert provisional.value == 200 and provisional.font.i and provisional.fill.fill_type == "solid"


def test_an_empty_plan_still_gives_a_workbook_with_its_headers(gunma):
    from plans.models import BusinessPlan

    plan = BusinessPlan.objects.create(platform=gunma, fiscal_year=2031, title="空の計画")
    wb, _ = workbook(plan)
    assert wb.sheetnames == ["工程表", "ＫＰＩ"]
    assert header_row(wb["工程表"])[1]["累計"] and header_row(wb["ＫＰＩ"])[0] == 1
    assert "【事業実施目標】" not in [c.value for row in wb["工程表"].iter_rows() for c in row]
