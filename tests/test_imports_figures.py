"""Importing monthly KPI figures: good files in every encoding, bad files with every error listed."""
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from kpi.models import FigureSubmission, Kpi, KpiFigure
from tests.imports_helpers import confirm, csv_bytes, texts, upload, xlsx_bytes

HEADER = ["取組", "指標名", "入力機関", "対象月", "実績値", "分子", "分母", "記述", "はい／いいえ", "コメント"]
PLACEMENTS = ["2(1)ア①", "ハローワークにおける紹介就職件数", "群馬労働局"]


@pytest.fixture
def lead(client, lead_user):
    client.force_login(lead_user)
    return client


def figures_state():
    return sorted(KpiFigure.objects.values_list("kpi_id", "member_body_id", "month", "value", "numerator", "denominator", "version"))


def history_count():
    return KpiFigure.history.count()


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "cp932"])
def test_a_csv_in_any_office_encoding_previews_then_imports(lead, gunma, plan2025, encoding):
    content = csv_bytes([HEADER, [*PLACEMENTS, "2025-04", "１，５３８", "", "", "", "", "窓口集計"],
                         [*PLACEMENTS, "2025年5月", "1600", "", "", "", "", ""]], encoding)
    run = upload(lead, "figures", content)
    assert run.status == "previewed", texts(run)
    assert run.counts == {"new": 2}
    assert not KpiFigure.objects.filter(kpi__name=PLACEMENTS[1]).exists()  # the preview wrote nothing
    run = confirm(lead, run)
    assert run.status == "imported"
    april = KpiFigure.objects.get(kpi__name=PLACEMENTS[1], month=date(2025, 4, 1))
    assert april.value == Decimal(1538) and april.comment == "窓口集計"
    assert april.history.first().history_change_reason.startswith("取込（ＫＰＩ月次実績）")


def test_an_xlsx_file_imports_with_date_cells_for_months(lead, gunma, plan2025):
    run = upload(lead, "figures", xlsx_bytes([HEADER, [*PLACEMENTS, date(2025, 6, 1), 1200, None, None, None, None, None]]), name="実績.xlsx")
    assert run.status == "previewed", texts(run)
    confirm(lead, run)
    assert KpiFigure.objects.get(kpi__name=PLACEMENTS[1], month=date(2025, 6, 1)).value == 1200


def test_every_bad_row_is_reported_with_row_and_column_and_nothing_is_saved(lead, gunma, plan2025):
    before, history = figures_state(), history_count()
    content = csv_bytes([
        HEADER,
        [*PLACEMENTS, "2025-04", "たくさん", "", "", "", "", ""],        # 2: text in a number cell
        [*PLACEMENTS, "2025-05", "-3", "", "", "", "", ""],              # 3: negative
        [PLACEMENTS[0], PLACEMENTS[1], "架空協会", "2025-06", "1", "", "", "", "", ""],  # 4: unknown body
        ["9(9)ア①", "ない指標", "群馬労働局", "2025-07", "1", "", "", "", "", ""],      # 5: unknown KPI
        [*PLACEMENTS, "2025-08", "5", "", "", "", "", ""],               # 6
        [*PLACEMENTS, "2025-08", "6", "", "", "", "", ""],               # 7: duplicate of 6
        [*PLACEMENTS, "2026-04", "1", "", "", "", "", ""],               # 8: outside the fiscal year
        [*PLACEMENTS, "13月", "1", "", "", "", "", ""],                  # 9: not a month
    ])
    run = upload(lead, "figures", content)
    assert run.status == "invalid"
    found = texts(run)
    assert any(t.startswith("2行目の列「実績値」") and "数値" in t for t in found), found
    assert any(t.startswith("3行目の列「実績値」") and "負" in t for t in found), found
    assert "4行目の列「入力機関」：「架空協会」という機関・団体は登録されていません。" in found
    assert any(t.startswith("5行目の列「指標名」") and "登録されていません" in t for t in found), found
    assert any(t.startswith("7行目") and "6行目と同じ" in t for t in found), found
    assert any(t.startswith("8行目の列「対象月」") and "2025年度" in t for t in found), found
    assert any(t.startswith("9行目の列「対象月」") for t in found), found
    assert not any("Error" in t or "Exception" in t for t in found), found
    page = lead.get(reverse("imports:run", args=[run.pk])).content.decode()
    assert "エラー" in page and "架空協会" in page and "取り込む</button>" not in page
    assert figures_state() == before and history_count() == history


def test_missing_and_extra_columns_are_named(lead, gunma, plan2025):
    before = figures_state()
    header = [h for h in HEADER if h != "入力機関"] + ["担当者"]
    run = upload(lead, "figures", csv_bytes([header, ["2(1)ア①", PLACEMENTS[1], "2025-04", "1", "", "", "", "", "", "", "山田"]]))
    found = texts(run)
    assert "1行目の列「入力機関」：必要な列がありません。テンプレートの見出しをそのまま使ってください。" in found
    assert any(t.startswith("1行目の列「担当者」") and "使わない列" in t for t in found)
    assert figures_state() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "ファイルが空です"),
        (csv_bytes([HEADER]), "データの行がありません"),
        ("取組,指標名\n2(1)ア①,件数\n".encode("utf-16"), "文字コード"),
        (b"PK\x03\x04 broken", "Excel ファイル（xlsx）として読み取れません"),
    ],
    ids=["empty", "header-only", "utf-16", "broken-xlsx"],
)
def test_unreadable_files_get_one_clear_message(lead, gunma, plan2025, content, message):
    before = figures_state()
    run = upload(lead, "figures", content)
    assert figures_state() == before
    assert run.status == "invalid"
    assert len(run.issues) == 1 and message in run.issues[0]["message"] and run.issues[0]["row"] == 0


def test_a_value_right_of_the_last_heading_is_reported(lead, gunma, plan2025):
    run = upload(lead, "figures", csv_bytes([HEADER, [*PLACEMENTS, "2025-04", "1", "", "", "", "", "", "はみ出し"]]))
    assert "2行目の列「K列（見出しなし）」：見出しのない列に値があります。見出しを付けるか、値を削除してください。" in texts(run)


def test_a_locked_month_is_refused(lead, gunma, plan2025):
    bureau = gunma.member_bodies.get(name="群馬労働局")
    FigureSubmission.objects.create(plan=plan2025, member_body=bureau, month=date(2025, 4, 1), status=FigureSubmission.Status.APPROVED)
    run = upload(lead, "figures", csv_bytes([HEADER, [*PLACEMENTS, "2025-04", "10", "", "", "", "", ""]]))
    assert any(t.startswith("2行目の列「対象月」") and "承認済" in t for t in texts(run))


def test_a_subcount_above_its_parent_fails_the_whole_file(lead, gunma, plan2025):
    before = figures_state()
    run = upload(lead, "figures", csv_bytes([
        HEADER,
        [*PLACEMENTS, "2025-04", "100", "", "", "", "", ""],
        ["2(1)ア②", "専門窓口における紹介就職件数", "群馬労働局", "2025-04", "150", "", "", "", "", ""],
    ]))
    assert run.status == "invalid"
    assert any("専門窓口における紹介就職件数" in t and "ハローワークにおける紹介就職件数" in t for t in texts(run)), texts(run)
    assert figures_state() == before


def test_confirm_rechecks_and_saves_nothing_when_the_data_moved_since_the_preview(lead, gunma, plan2025):
    run = upload(lead, "figures", csv_bytes([
        HEADER, [*PLACEMENTS, "2025-04", "10", "", "", "", "", ""], [*PLACEMENTS, "2025-05", "11", "", "", "", "", ""],
    ]))
    assert run.status == "previewed"
    bureau = gunma.member_bodies.get(name="群馬労働局")
    FigureSubmission.objects.create(plan=plan2025, member_body=bureau, month=date(2025, 5, 1), status=FigureSubmission.Status.SUBMITTED)
    before = figures_state()
    run = confirm(lead, run)
    assert run.status == "invalid" and any(t.startswith("3行目") for t in texts(run))
    assert figures_state() == before  # April was valid, but nothing is half-saved


@pytest.mark.parametrize("file_format", ["utf-8-sig", "cp932", "xlsx"])
def test_an_exported_file_reimports_unchanged(lead, gunma, plan2025, file_format):
    upload_run = upload(lead, "figures", csv_bytes([
        HEADER, [*PLACEMENTS, "2025-04", "1538", "", "", "", "", "=SUM(A1)"],
        ["2(1)イ", "相談件数", "群馬県（産業経済部）", "2025-04", "12", "", "", "", "", "-"],
    ]))
    confirm(lead, upload_run)
    before, history = figures_state(), history_count()
    exported = lead.get(reverse("imports:data", args=["figures"]), {"format": file_format, "fiscal_year": 2025})
    assert exported.status_code == 200
    run = upload(lead, "figures", exported.content, name="export." + ("xlsx" if file_format == "xlsx" else "csv"))
    assert run.status == "previewed", texts(run)
    assert run.counts == {"skip": 2}
    confirm(lead, run)
    assert figures_state() == before and history_count() == history
    assert KpiFigure.objects.get(kpi__name=PLACEMENTS[1], month=date(2025, 4, 1)).comment == "=SUM(A1)"


def test_the_template_has_the_columns_and_no_rows(lead, gunma, plan2025):
    response = lead.get(reverse("imports:template", args=["figures"]), {"format": "utf-8-sig", "fiscal_year": 2025})
    assert response.content.decode("utf-8-sig").strip() == ",".join(HEADER)
    assert "attachment" in response["Content-Disposition"]


def test_ten_thousand_rows_import_in_bulk_with_the_audit_trail(lead, gunma, plan2025):
    measure = Kpi.objects.get(measure__section__plan=plan2025, name=PLACEMENTS[1]).measure
    bureau = gunma.member_bodies.get(name="群馬労働局")
    kpis = Kpi.objects.bulk_create([Kpi(measure=measure, name=f"試験指標{i:03}", unit="件", order=100 + i) for i in range(834)])
    for kpi in kpis:
        kpi.reporting_bodies.add(bureau)
    months = [f"{2025 + (m > 12)}-{(m - 1) % 12 + 1:02}" for m in range(4, 16)]
    rows = [HEADER] + [["2(1)ア①", k.name, "群馬労働局", month, str(i % 97), "", "", "", "", ""] for i, (k, month) in enumerate((k, m) for k in kpis for m in months)][:10_000]
    assert len(rows) == 10_001
    run = upload(lead, "figures", csv_bytes(rows, "cp932"))
    assert run.status == "previewed", texts(run)[:5]
    assert not KpiFigure.objects.filter(kpi__in=kpis).exists()
    history = history_count()
    confirm(lead, run)
    assert run.status == "imported"
    assert KpiFigure.objects.filter(kpi__in=kpis).count() == 10_000
    assert history_count() - history == 10_000
