"""A block copied from Excel pasted across a rate row (分子／分母, two inputs a month): every row
starts at the month pasted into, and a row shaped unlike the one pasted into is left alone and
named in the status line."""
from datetime import date

import pytest
from playwright.sync_api import expect

from kpi.models import Kpi, KpiFigure
from tests.browser.helpers import log_in
from tests.factories import make_user

pytestmark = pytest.mark.browser

PASTE = """(el, text) => {
    const data = new DataTransfer();
    data.setData("text/plain", text);
    el.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));
}"""


@pytest.fixture
def bureau_grid(page, gunma, plan2025):
    make_user(gunma, username="paste-staff", body_name="群馬労働局", role_code="member_staff")
    bureau = gunma.member_bodies.get(name="群馬労働局")
    kpis = list(Kpi.objects.reported_by(bureau, plan2025))
    log_in(page, "paste-staff")
    page.goto(f"/kpi/2025/entry/{bureau.pk}/")
    return bureau, kpis


def cell(page, kpi, month, part=""):
    label = f"{kpi.name} {month}" + (f" {part}" if part else "")
    return page.get_by_label(label, exact=True)


def around_the_rate_row(kpis):
    """The rate row with a one-input row above and below it."""
    i = next(i for i, k in enumerate(kpis) if k.measure_type == "rate")
    above, rate, below = kpis[i - 1], kpis[i], kpis[i + 1]
    assert above.measure_type != "rate" and below.measure_type != "rate"
    return above, rate, below


def test_a_block_of_counts_pasted_at_may_keeps_each_rows_months_and_skips_the_rate_row(page, bureau_grid):
    bureau, kpis = bureau_grid
    above, rate, below = around_the_rate_row(kpis)
    cell(page, above, "5月").evaluate(PASTE, "11\t12\t13\r\n21\t22\t23\r\n31\t32\t33\r\n")

    for month, value in (("5月", "11"), ("6月", "12"), ("7月", "13")):
        expect(cell(page, above, month)).to_have_value(value)
    for month, value in (("5月", "31"), ("6月", "32"), ("7月", "33")):
        expect(cell(page, below, month)).to_have_value(value)
    expect(cell(page, above, "4月")).to_have_value("")
    expect(cell(page, below, "4月")).to_have_value("")
    # The rate row keeps every input as it was: April's 分母 does not get May's value.
    for month in ("4月", "5月", "6月", "7月", "8月"):
        expect(cell(page, rate, month, rate.numerator_label)).to_have_value("")
        expect(cell(page, rate, month, rate.denominator_label)).to_have_value("")
    status = page.locator("#grid-status")
    expect(status).to_contain_text("6個のセルに貼り付けました（まだ保存していません）。")
    expect(status).to_contain_text("分子と分母の2欄に分けて入力するため、貼り付けていません")
    expect(status).to_contain_text(rate.name)

    page.get_by_role("button", name="保存する").click()
    expect(page.locator(".messages")).to_contain_text("6件の実績を保存しました")
    stored = {(f.kpi_id, f.month.month): f.value for f in KpiFigure.objects.filter(member_body=bureau)}
    assert stored == {
        (above.pk, 5): 11, (above.pk, 6): 12, (above.pk, 7): 13,
        (below.pk, 5): 31, (below.pk, 6): 32, (below.pk, 7): 33,
    }


def test_a_block_pasted_into_a_rate_row_fills_numerator_and_denominator_month_by_month(page, bureau_grid):
    bureau, kpis = bureau_grid
    above, rate, below = around_the_rate_row(kpis)
    # Two months of 分子／分母 from June, and a count row under it that has one input a month.
    cell(page, rate, "6月", rate.numerator_label).evaluate(PASTE, "30\t40\t35\t40\n5\t6\t7\t8\n")

    expect(cell(page, rate, "6月", rate.numerator_label)).to_have_value("30")
    expect(cell(page, rate, "6月", rate.denominator_label)).to_have_value("40")
    expect(cell(page, rate, "7月", rate.numerator_label)).to_have_value("35")
    expect(cell(page, rate, "7月", rate.denominator_label)).to_have_value("40")
    expect(cell(page, rate, "5月", rate.denominator_label)).to_have_value("")
    for month in ("6月", "7月", "8月", "9月"):
        expect(cell(page, below, month)).to_have_value("")
    status = page.locator("#grid-status")
    expect(status).to_contain_text("4個のセルに貼り付けました")
    expect(status).to_contain_text("入力欄が1つの次の行には貼り付けていません")
    expect(status).to_contain_text(below.name)

    page.get_by_role("button", name="保存する").click()
    expect(page.locator(".messages")).to_contain_text("2件の実績を保存しました")
    stored = {(f.month.month): (f.numerator, f.denominator) for f in KpiFigure.objects.filter(member_body=bureau, kpi=rate)}
    assert stored == {6: (30, 40), 7: (35, 40)}
    assert not KpiFigure.objects.filter(member_body=bureau, kpi=below).exists()
    assert KpiFigure.objects.filter(member_body=bureau, month=date(2025, 5, 1)).count() == 0
