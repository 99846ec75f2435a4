import re

from playwright.sync_api import expect

from tests.factories import PASSWORD


def log_in(page, username):
    """Through the sign-in form and the keyboard, landing on the home page with the main menu."""
    page.goto("/login/")
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.keyboard.press("Enter")
    second_factor(page)
    expect(page.get_by_role("navigation", name="メインメニュー")).to_be_visible()


def second_factor(page):
    """The secretariat's second step: enrol with the key the page shows, as a person would with an app."""
    page.wait_for_url(lambda url: "/login/" not in url)
    if "/account/two-factor/setup/" in page.url:
        secret = page.locator("#totp-secret").inner_text()
        page.get_by_label("確認コード").fill(totp_code(secret))
        page.get_by_role("button", name="設定する").click()
        page.wait_for_load_state()


def totp_code(base32_secret: str) -> str:
    import base64

    from django_otp.oath import TOTP

    return f"{TOTP(base64.b32decode(base32_secret)).token():06d}"


def log_out(page):
    page.get_by_role("button", name="ログアウト").click()
    expect(page).to_have_url(re.compile(r"/login/$"))


def menu(page, name):
    page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name=name).click()
