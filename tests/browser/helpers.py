import re

from playwright.sync_api import expect

from tests.factories import PASSWORD


def log_in(page, username):
    """Through the sign-in form and the keyboard, landing on the home page with the main menu."""
    page.goto("/login/")
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("navigation", name="メインメニュー")).to_be_visible()


def log_out(page):
    page.get_by_role("button", name="ログアウト").click()
    expect(page).to_have_url(re.compile(r"/login/$"))


def menu(page, name):
    page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name=name).click()
