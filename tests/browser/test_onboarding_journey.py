"""A second platform opened and run through the screens only, as its people would.

The system administrator opens 鳥取県's platform; its first user sets a password from the
invitation e-mail; the secretariat imports the member list, roles, users and roadmap of
docs/onboarding_example/, sets its confidentiality clause and support-target categories on the
settings screens, and the setup checklist on its home page empties; an invited member sets a
password, enters a figure and submits a progress report for a reporting period; the lead downloads
a meeting packet whose 名簿, 役割分担, categories and confidentiality clause are Tottori's own.
Pages of the journey are checked by axe-core (WCAG 2.1 A/AA) at 1366 and 390 px.
"""
import os
import re
import subprocess
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from kpi.models import KpiFigure
from members.models import AccessRole, User
from plans.models import ProgressReport
from tests.browser.helpers import log_out, menu, second_factor
from tests.browser.test_exports_pages import VIEWPORTS, axe_violations, sideways_overflow
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

EXAMPLE = Path(settings.BASE_DIR) / "docs" / "onboarding_example"
CLAUSE = "鳥取県プラットフォームの構成員は、協議会で知り得た個人情報と未公表の情報を外部に漏らしてはならない。"


def sign_in(page, username, password):
    page.goto("/login/")
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill(password)
    page.keyboard.press("Enter")
    second_factor(page)
    if "/account/two-factor/" in page.url:  # enrolled before: the code their authenticator app shows now
        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        while totp.t() <= device.last_t:  # a code is accepted once: wait for the next one
            time.sleep(1)
        page.get_by_label("確認コード").fill(f"{totp.token():06d}")
        page.get_by_role("button", name="確認する").click()
        page.wait_for_url(lambda url: "/account/two-factor/" not in url)


def invitation_link(to: str) -> str:
    message = next(m for m in reversed(mail.outbox) if to in m.to)
    assert "事務局ポータルの利用者に登録されました" in message.subject
    return re.search(r"https?://\S+(/password-reset/\S+/)", message.body).group(1)


def set_password(page, link, password):
    page.goto(link)
    expect(page.locator("h1")).to_have_text("パスワードの設定")
    page.get_by_label("新しいパスワード", exact=True).fill(password)
    page.get_by_label("新しいパスワード(確認用)").fill(password)
    page.get_by_role("button", name="パスワードを設定する").click()
    expect(page.locator("h1")).to_have_text("パスワードを設定しました")


def user_menu(page, name):
    page.get_by_role("navigation", name="利用者メニュー").get_by_role("link", name=name).click()


def import_file(page, kind_name, file_name, fiscal_year=None):
    user_menu(page, "データの取込")
    section = page.get_by_role("region", name=kind_name)
    section.get_by_label("ファイル").set_input_files(str(EXAMPLE / file_name))
    if fiscal_year:
        section.get_by_label("年度").fill(str(fiscal_year))
    section.get_by_role("button", name="アップロードして確認").click()
    expect(page.locator("#run-status")).to_have_text("確認待ち")
    page.get_by_role("button", name="取り込む").click()
    expect(page.locator("#run-status")).to_have_text("取込済")


def check_page(page, label, tmp_path, problems):
    """Screenshots at both widths (kept for a person to look at), axe and sideways scrolling."""
    shots = Path(os.environ.get("SCREENSHOT_DIR", tmp_path))
    for name, size in VIEWPORTS.items():
        page.set_viewport_size(size)
        page.screenshot(path=shots / f"onboarding-{label}-{name}.png", full_page=True)
        problems += [f"{label} {name}: {v}" for v in axe_violations(page)]
        if (overflow := sideways_overflow(page)) > 0:
            problems.append(f"{label} {name}: scrolls sideways by {overflow}px")
    page.set_viewport_size(VIEWPORTS["desktop"])


def test_a_second_platform_is_opened_and_run_through_the_screens_only(page, gunma, tmp_path):
    problems = []
    admin = User.objects.create_user("sysadmin", password=PASSWORD, display_name="県域 管理者")
    admin.access_roles.add(AccessRole.objects.get(platform__isnull=True, code="system_admin"))

    # The system administrator opens the platform from their menu.
    sign_in(page, "sysadmin", PASSWORD)
    user_menu(page, "プラットフォームの開設")
    page.get_by_label("都道府県").select_option(label="鳥取県")
    page.get_by_label("識別子").fill("tottori")
    page.get_by_label("正式名称").fill("とっとり中高年世代活躍応援プラットフォーム")
    page.get_by_label("名称の適用開始年度").fill("2026")
    page.get_by_label("事務局の機関名").fill("鳥取労働局")
    page.get_by_label("事務局の最初の利用者：ユーザー名").fill("tottori-lead")
    page.get_by_label("氏名").fill("因幡 一郎")
    page.get_by_label("メールアドレス").fill("lead@example.jp")
    page.get_by_role("button", name="開設する").click()
    expect(page.locator(".messages")).to_contain_text("とっとり中高年世代活躍応援プラットフォーム を開設しました")
    log_out(page)

    # Its first user sets a password from the invitation and signs in (with a second factor).
    link = invitation_link("lead@example.jp")
    page.goto(link)
    check_page(page, "set-password", tmp_path, problems)
    set_password(page, link, "Inaba-ichiro-2026")
    sign_in(page, "tottori-lead", "Inaba-ichiro-2026")
    checklist = page.get_by_role("region", name=re.compile("開設の準備"))
    expect(checklist).to_contain_text("構成員名簿")
    check_page(page, "home-checklist", tmp_path, problems)

    # The secretariat brings its lists in through the import screens.
    import_file(page, "構成員名簿", "members.csv")
    import_file(page, "役割分担", "roles.csv")
    import_file(page, "利用者", "users.csv")
    import_file(page, "工程表（取組・ＫＰＩ・目標）", "roadmap_2026.csv", fiscal_year=2026)
    assert {m.to[0] for m in mail.outbox} >= {"inaba@example.jp", "hoki@example.jp", "izumo@example.jp"}

    # Its confidentiality clause and support-target categories on the settings screens.
    user_menu(page, "プラットフォームの設定")
    page.get_by_label("秘密の保持").fill(CLAUSE)
    page.get_by_role("button", name="保存する").first.click()
    expect(page.locator(".messages")).to_be_visible()
    user_menu(page, "計画の設定")
    page.get_by_role("link", name="類型を編集する").click()
    page.get_by_label("1行目 番号").fill("1")
    page.get_by_label("1行目 名称（当該年度）").fill("長期無業の方")
    page.get_by_label("1行目 支援目標").fill("就職と定着")
    page.get_by_role("button", name="保存する").click()
    expect(page.locator(".messages")).to_be_visible()
    page.goto("/")
    expect(page.get_by_role("region", name=re.compile("開設の準備"))).to_have_count(0)
    log_out(page)

    # An invited member sets a password, enters a figure and reports progress for a period.
    set_password(page, invitation_link("izumo@example.jp"), "Izumo-jiro-2026")
    sign_in(page, "tottori-keieisha", "Izumo-jiro-2026")
    menu(page, "実績入力")
    page.get_by_label("説明会の開催 4月", exact=True).fill("１")
    page.get_by_role("button", name="保存する").click()
    expect(page.locator(".messages")).to_contain_text("実績を保存しました")
    assert KpiFigure.objects.get(kpi__name="説明会の開催", member_body__name="鳥取県経営者協会").value == 1
    menu(page, "担当の取組")
    task = page.get_by_role("article").filter(has_text="説明会の開催")
    task.get_by_role("link", name=re.compile("^報告を作成.*上半期")).click()
    page.get_by_label("進捗状況").select_option(label="順調")
    page.get_by_label("実施内容").fill("会員企業向けに中高年の採用の説明会を開いた。")
    page.get_by_label("成果").fill("参加企業 24社。")
    page.get_by_role("button", name="提出する").click()
    expect(page.locator(".messages")).to_contain_text("報告を提出しました")
    report = ProgressReport.objects.get(member_body__name="鳥取県経営者協会")
    assert report.period.name.startswith("上半期") and report.review_status == "submitted"
    log_out(page)

    # The lead's meeting packet is Tottori's own.
    sign_in(page, "tottori-lead", "Inaba-ichiro-2026")
    menu(page, "資料の出力")
    section = page.locator("section", has=page.locator("#export-meeting_packet"))
    with page.expect_download(timeout=120_000) as download:
        section.get_by_role("button", name=re.compile("^ダウンロード")).click()
    pdf = tmp_path / "packet.pdf"
    download.value.save_as(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = re.sub(r"\s+", "", text)
    assert "とっとり中高年世代活躍応援プラットフォーム" in flat
    for body in ("鳥取労働局", "鳥取県経営者協会", "連合鳥取", "とっとり若者サポートステーション"):  # 名簿, observers included
        assert body in flat, body
    assert "市町村プラットフォームとの連絡調整" in flat and "主担当" in flat  # 役割分担
    assert "長期無業の方" in flat  # the categories
    assert re.sub(r"\s+", "", CLAUSE) in flat  # the platform's own clause
    assert "群馬" not in flat and "ぐんま" not in flat
    assert problems == []
