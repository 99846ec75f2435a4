"""A member body submits a policy proposal; the lead secretariat answers it and marks it for the agenda."""
import re

import pytest
from playwright.sync_api import expect

from plans.models import Measure
from proposals import services
from tests.browser.helpers import second_factor
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.browser

KEIEISHA = "（一社）群馬県経営者協会"
TITLE = "中高年世代の正社員転換に関する説明会の開催"


def log_in(page, username):
    # Through the sign-in form, landing on the proposals list: the home page does not carry the
    # main navigation yet (see the report), every proposals page does.
    page.goto("/login/?next=/proposals/")
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    second_factor(page)
    expect(page.get_by_role("navigation", name="メインメニュー")).to_be_visible()


def test_member_submits_and_lead_answers(page, gunma, plan2025):
    make_user(gunma, username="keieisha-staff", body_name=KEIEISHA, role_code="member_staff")
    make_user(gunma, username="lead-staff", body_name="群馬労働局", role_code="lead_secretariat")
    measure = Measure.objects.get(section__plan=plan2025, section__number="(3)", section__parent__number="2", number="②")
    _, sections = services.plan_measures(plan2025)
    measure_label = services.measure_label(measure, sections)

    # The member body submits.
    log_in(page, "keieisha-staff")
    expect(page.locator("h1")).to_have_text("政策提案")
    page.get_by_role("link", name="政策提案を提出する").click()
    page.get_by_role("button", name="提出する").click()
    expect(page.get_by_role("alert")).to_contain_text("「件名」を入力してください。")

    page.get_by_label("件名").fill(TITLE)
    page.get_by_label("提案内容").fill("会員企業向けにキャリアアップ助成金の説明会を開いてほしい。")
    page.get_by_label("背景・理由").fill("制度が複雑で申請をためらう企業が多いため。")
    page.get_by_label("関連する取組").select_option(label=measure_label)
    page.get_by_role("button", name="提出する").click()
    expect(page.locator("h1")).to_have_text(TITLE)
    expect(page.locator(".messages")).to_contain_text("提出しました")
    expect(page.locator(".proposal-facts")).to_contain_text("2(3)②")

    page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="政策提案").click()
    expect(page).to_have_url(re.compile(r"/proposals/$"))
    row = page.get_by_role("row").filter(has_text=TITLE)
    expect(row).to_contain_text(KEIEISHA)
    expect(row).to_contain_text("受付")
    expect(row).to_contain_text("令和")
    page.get_by_role("button", name="ログアウト").click()
    expect(page).to_have_url(re.compile(r"/login/$"))

    # The lead secretariat answers and marks it as a candidate for the agenda.
    log_in(page, "lead-staff")
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="対応状況を記録する").click()
    page.get_by_label("対応状況").select_option(label="回答済")
    page.get_by_role("button", name="保存する").click()
    expect(page.get_by_role("alert")).to_contain_text("「回答」を入力してください。")

    page.get_by_label("事務局の対応経過").fill("経営者協会と日程を調整した。")
    page.get_by_label("回答", exact=True).fill("11月の会員企業向けセミナーに講師を派遣します。")
    page.get_by_label("協議会の議題候補にする").check()
    page.get_by_role("button", name="保存する").click()
    expect(page.locator(".messages")).to_contain_text("回答済")
    expect(page.locator("main")).to_contain_text("11月の会員企業向けセミナーに講師を派遣します。")
    expect(page.locator("table.history")).to_contain_text("対応状況：受付 → 回答済")

    page.get_by_role("link", name="政策提案の一覧へ戻る").click()
    page.get_by_label("議題候補").select_option(label="議題候補のみ")
    page.get_by_role("button", name="絞り込む").click()
    row = page.get_by_role("row").filter(has_text=TITLE)
    expect(row).to_contain_text("回答済")
    expect(row).to_contain_text("議題候補")
