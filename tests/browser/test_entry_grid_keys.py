"""The entry grid as a spreadsheet in a real browser: arrow keys, a block pasted from Excel, clearing a
value with a confirmation, and a month entered, saved and submitted with the keyboard alone."""
from datetime import date

import pytest
from playwright.sync_api import expect

from kpi.models import FigureSubmission, Kpi, KpiFigure
from tests.browser.helpers import log_in
from tests.factories import make_user

pytestmark = pytest.mark.browser

APRIL = date(2025, 4, 1)


@pytest.fixture
def bureau_grid(page, gunma, plan2025):
    make_user(gunma, username="grid-staff", body_name="群馬労働局", role_code="member_staff")
    bureau = gunma.member_bodies.get(name="群馬労働局")
    kpis = list(Kpi.objects.reported_by(bureau, plan2025))
    log_in(page, "grid-staff")
    page.goto(f"/kpi/2025/entry/{bureau.pk}/")
    return bureau, kpis


def cell(page, kpi, month="4月", part=""):
    label = f"{kpi.name} {month}" + (f" {part}" if part else "")
    return page.get_by_label(label, exact=True)


def test_arrow_keys_move_between_cells_and_a_pasted_excel_block_fills_them(page, bureau_grid):
    bureau, kpis = bureau_grid
    first, second = kpis[0], kpis[1]
    cell(page, first).focus()
    page.keyboard.press("ArrowRight")
    expect(cell(page, first, "5月")).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(cell(page, second, "5月")).to_be_focused()
    page.keyboard.press("ArrowLeft")
    expect(cell(page, second)).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(cell(page, first)).to_be_focused()

    # Two rows of three months copied from Excel: tab-separated, full-width digits and commas.
    cell(page, first).evaluate(
        """(el, text) => {
            const data = new DataTransfer();
            data.setData("text/plain", text);
            el.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));
        }""",
        "１，２００\t1,300\t１４００\r\n5,000\t5100\t５２００\r\n",
    )
    expect(cell(page, first, "6月")).to_have_value("１４００")
    expect(cell(page, second, "5月")).to_have_value("5100")
    expect(page.locator("#grid-status")).to_contain_text("6個のセルに貼り付けました")
    page.get_by_role("button", name="保存する").click()
    expect(page.locator(".messages")).to_contain_text("6件の実績を保存しました")
    values = {
        (f.kpi_id, f.month.month): f.value for f in KpiFigure.objects.filter(member_body=bureau, kpi__in=[first, second])
    }
    assert values == {(first.pk, 4): 1200, (first.pk, 5): 1300, (first.pk, 6): 1400, (second.pk, 4): 5000, (second.pk, 5): 5100, (second.pk, 6): 5200}

    # Clearing a saved value asks first; accepting deletes it, and the history says so.
    page.on("dialog", lambda dialog: dialog.accept())
    cell(page, first, "6月").fill("")
    page.get_by_role("button", name="保存する").click()
    expect(page.locator(".messages")).to_contain_text("1件の値を削除しました")
    assert not KpiFigure.objects.filter(kpi=first, member_body=bureau, month=date(2025, 6, 1)).exists()


def test_a_month_is_entered_saved_and_submitted_with_the_keyboard_alone(page, bureau_grid):
    bureau, kpis = bureau_grid
    history_links = page.locator("a.cell-history")
    expect(history_links.first).to_have_attribute("tabindex", "-1")  # Tab skips the 履歴 links
    # Tab from the top of the page to the first April cell.
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == f"c{kpis[0].pk}_202504_value":
            break
    expect(cell(page, kpis[0])).to_be_focused()
    # Down the April column: one key per row, ArrowRight from a numerator to its denominator.
    for kpi in kpis:
        if kpi.measure_type == "rate":
            expect(cell(page, kpi, part=kpi.numerator_label)).to_be_focused()
            page.keyboard.type("３７")
            page.keyboard.press("ArrowRight")
            expect(cell(page, kpi, part=kpi.denominator_label)).to_be_focused()
            page.keyboard.type("５０")
            page.keyboard.press("ArrowLeft")
            page.keyboard.press("ArrowLeft")
            page.keyboard.press("ArrowLeft")  # back to the numerator, whose column the next row follows
        else:
            expect(cell(page, kpi)).to_be_focused()
            page.keyboard.type("２０" if kpi.parent_id else "１，５３８")
        page.keyboard.press("Enter")
    # To the save button with Tab, and press it.
    for _ in range(400):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "保存する":
            break
    page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text(f"{len(kpis)}件の実績を保存しました")
    for _ in range(400):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "4月分を提出":
            break
    page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text("4月の実績を提出しました")
    assert FigureSubmission.objects.get(member_body=bureau, month=APRIL).status == "submitted"
    assert KpiFigure.objects.filter(member_body=bureau, month=APRIL).count() == len(kpis)
