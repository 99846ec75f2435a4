"""The lead creates a meeting, takes attendance from the member list, has its packet made in the background and downloads it."""
import io
import subprocess

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from exports.models import ExportJob
from tests.browser.helpers import log_in, menu
from tests.factories import make_user

pytestmark = pytest.mark.browser


def test_meeting_packet_in_the_background(page, gunma, plan2025, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    make_user(gunma, username="lead-staff", body_name="群馬労働局", role_code="lead_secretariat")
    log_in(page, "lead-staff")
    menu(page, "協議会")
    page.get_by_role("link", name="協議会を登録する").click()
    page.get_by_label("回").fill("3")
    page.get_by_label("開催日").fill("2026-02-12")
    page.get_by_label("会場").fill("群馬県庁 29階 会議室")
    page.get_by_role("button", name="保存する").click()
    expect(page.locator("h1")).to_have_text("第3回 協議会")

    page.get_by_role("link", name="次第を編集").click()
    page.get_by_label("1行目 議題", exact=True).fill("下半期の取組状況について")
    page.get_by_label("1行目 関連する取組", exact=True).select_option(index=2)
    page.get_by_role("button", name="保存する").click()
    expect(page.locator(".agenda")).to_contain_text("下半期の取組状況について")

    page.get_by_role("link", name="出席者を編集").click()
    page.get_by_role("button", name="構成員名簿から出席者を作成").click()
    expect(page.locator(".messages")).to_contain_text("構成員名簿から13機関を出席者に加えました")
    page.get_by_label("4行目 出欠", exact=True).select_option(label="欠席")
    page.get_by_role("button", name="保存する").click()
    expect(page.locator("main table").first).to_contain_text("欠席")

    page.get_by_role("button", name="資料（次第版・開催前）を作成").click()
    expect(page.locator(".job-status")).to_have_text("待機中")
    call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO(), stderr=io.StringIO())
    assert ExportJob.objects.get().status == "done"
    link = page.get_by_role("link", name="gunma_2025_meeting_packet_3_agenda.pdf をダウンロード")
    expect(link).to_be_visible(timeout=10_000)  # the page refreshes itself until the file is ready
    with page.expect_download() as download:
        link.click()
    pdf = download.value.path().read_bytes()
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "第3回 協議会" in text and "下半期の取組状況について" in text and "出席者名簿" in text
