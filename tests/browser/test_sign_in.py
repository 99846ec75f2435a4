"""A new user signs in with the keyboard and finds Gunma's FY2025 roadmap (headless Chromium)."""
import re

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.browser


def test_sign_in_with_keyboard_and_open_the_roadmap(page, gunma):
    make_user(gunma, username="hw-staff", body_name="ハローワーク")
    page.goto("/")
    assert page.url.endswith("/login/?next=/")
    assert page.locator("h1").inner_text() == "ログイン"

    page.get_by_label("ユーザー名").fill("hw-staff")
    page.get_by_label("パスワード").fill(PASSWORD)
    page.keyboard.press("Enter")

    expect(page.locator("h1")).to_have_text("ぐんま中高年世代活躍応援プロジェクト協議会")
    assert "3,325" in page.content()

    page.get_by_role("link", name="工程表を見る").click()
    expect(page).to_have_url(re.compile(r"/plans/2025/roadmap/$"))
    table = page.locator("table.roadmap")
    assert "ハローワークにおける紹介就職件数" in table.inner_text()
    assert "労働局・県・機構" in table.inner_text()

    page.get_by_role("button", name="ログアウト").click()
    expect(page).to_have_url(re.compile(r"/login/$"))


def test_wrong_password_is_explained(page, gunma):
    make_user(gunma, username="hw-staff2", body_name="ハローワーク")
    page.goto("/login/")
    page.get_by_label("ユーザー名").fill("hw-staff2")
    page.get_by_label("パスワード").fill("wrong-password")
    page.get_by_role("button", name="ログイン").click()
    expect(page.get_by_role("alert")).to_have_text("ユーザー名またはパスワードが正しくありません。")
