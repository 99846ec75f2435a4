"""The lead secretariat imports a figures file: upload, a preview with every error, a fixed file, confirm."""
from datetime import date

import pytest
from playwright.sync_api import expect

from kpi.models import KpiFigure
from tests.browser.helpers import log_in
from tests.factories import make_user
from tests.imports_helpers import csv_bytes

pytestmark = pytest.mark.browser

HEADER = ["取組", "指標名", "入力機関", "対象月", "実績値", "分子", "分母", "記述", "はい／いいえ", "コメント"]
ROW = ["2(1)ア①", "ハローワークにおける紹介就職件数", "群馬労働局"]


def test_upload_preview_and_confirm_an_import(page, gunma, plan2025, tmp_path):
    make_user(gunma, username="lead-importer", body_name="群馬労働局", role_code="lead_secretariat")
    bad = tmp_path / "実績_誤り.csv"
    bad.write_bytes(csv_bytes([HEADER, [*ROW, "2025-04", "たくさん", "", "", "", "", ""], [*ROW, "2025-05", "-5", "", "", "", "", ""]], "cp932"))
    good = tmp_path / "実績.csv"
    good.write_bytes(csv_bytes([HEADER, [*ROW, "2025-04", "１，５３８", "", "", "", "", ""], [*ROW, "2025-05", "1600", "", "", "", "", ""]], "cp932"))

    log_in(page, "lead-importer")
    page.get_by_role("link", name="データの取込", exact=True).click()
    section = page.get_by_role("region", name="ＫＰＩ月次実績")
    section.get_by_label("ファイル").set_input_files(str(bad))
    section.get_by_role("button", name="アップロードして確認").click()
    errors = page.get_by_role("alert")
    expect(errors).to_contain_text("エラー 2件（何も保存していません）")
    expect(errors).to_contain_text("2行目")
    expect(errors).to_contain_text("3行目")
    expect(page.get_by_role("button", name="取り込む")).to_have_count(0)

    page.get_by_role("link", name="データの取込に戻る").click()
    section = page.get_by_role("region", name="ＫＰＩ月次実績")
    section.get_by_label("ファイル").set_input_files(str(good))
    section.get_by_role("button", name="アップロードして確認").click()
    expect(page.locator("#run-counts")).to_contain_text("新規 2行")
    assert not KpiFigure.objects.filter(kpi__name=ROW[1]).exists()
    page.get_by_role("button", name="取り込む").click()
    expect(page.locator("#run-status")).to_have_text("取込済")
    assert KpiFigure.objects.get(kpi__name=ROW[1], month=date(2025, 4, 1)).value == 1538
