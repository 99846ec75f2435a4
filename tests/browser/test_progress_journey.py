"""A member body reports progress on its tasks; the prefecture reviews the roadmap and returns the report."""
import re

import pytest
from playwright.sync_api import expect

from plans.models import ProgressReport
from tests.browser.helpers import log_in, log_out, menu
from tests.factories import make_user

pytestmark = pytest.mark.browser


def test_report_review_and_return(page, gunma, plan2025):
    make_user(gunma, username="hw-staff", body_name="ハローワーク", role_code="member_staff")
    make_user(gunma, username="pref-staff", body_name="群馬県（産業経済部）", role_code="deputy_secretariat")
    period = plan2025.reporting_periods.order_by("starts_on").first()

    log_in(page, "hw-staff")
    menu(page, "担当の取組")
    expect(page.locator("h1")).to_contain_text("担当の取組")
    task = page.get_by_role("article").filter(has_text="2(1)ア①")
    expect(task).to_contain_text("ハローワークにおける紹介就職件数")
    task.get_by_role("link", name=re.compile(f"^報告を作成.*{re.escape(period.name)}")).click()
    page.get_by_label("進捗状況").select_option(label="概ね順調")
    page.get_by_label("実施内容").fill("ミドルシニア層の求職者へ担当者制で職業紹介を実施。")
    page.get_by_label("成果").fill("上半期の紹介就職 8,900件。")
    page.get_by_role("button", name="提出する").click()
    expect(page.locator(".messages")).to_contain_text("報告を提出しました")
    log_out(page)

    log_in(page, "pref-staff")
    menu(page, "工程表")
    page.get_by_label("機関・団体").select_option(label="ハローワーク")
    page.get_by_role("button", name="絞り込む").click()
    expect(page.locator("table.roadmap")).to_contain_text("ハローワークにおける紹介就職件数")
    expect(page.locator("table.roadmap")).not_to_contain_text("相談件数：")  # 2(1)イ is the prefecture's alone
    page.locator("table.roadmap").get_by_role("link", name="報告").first.click()
    expect(page.locator("h1")).to_contain_text("進捗報告")
    page.get_by_label("コメント（差し戻す場合は理由が必須）").fill("成果の件数の出典を追記してください。")
    page.get_by_role("button", name="差し戻す").click()
    expect(page.locator(".messages")).to_contain_text("報告を差し戻しました")
    assert ProgressReport.objects.get().review_status == "returned"
    log_out(page)

    log_in(page, "hw-staff")
    menu(page, "担当の取組")
    task = page.get_by_role("article").filter(has_text="2(1)ア①")
    expect(task).to_contain_text("差戻し")
    task.get_by_role("link", name=re.compile(f"^報告を編集.*{re.escape(period.name)}")).click()
    expect(page.get_by_role("alert")).to_contain_text("成果の件数の出典を追記してください。")
