"""A labour bureau user enters and submits a month; the lead approves it and the month locks."""
import pytest
from playwright.sync_api import expect

from kpi.models import FigureSubmission, Kpi, KpiFigure
from tests.browser.helpers import log_in, log_out, menu
from tests.factories import make_user

pytestmark = pytest.mark.browser


def test_enter_submit_approve_and_lock(page, gunma, plan2025):
    make_user(gunma, username="bureau-staff", body_name="群馬労働局", role_code="member_staff")
    make_user(gunma, username="lead-staff", body_name="群馬労働局", role_code="lead_secretariat")
    bureau = gunma.member_bodies.get(name="群馬労働局")
    kpis = list(Kpi.objects.reported_by(bureau, plan2025))

    log_in(page, "bureau-staff")
    menu(page, "実績入力")
    expect(page.locator("h1")).to_contain_text("月次実績の入力")
    # Type April for every KPI of the body, as people do: full-width digits and commas.
    for kpi in kpis:
        if kpi.measure_type == "rate":
            page.get_by_label(f"{kpi.name} 4月 {kpi.numerator_label}").fill("３７")
            page.get_by_label(f"{kpi.name} 4月 {kpi.denominator_label}").fill("５０")
        elif kpi.parent_id:
            page.get_by_label(f"{kpi.name} 4月", exact=True).fill("２０")
        else:
            page.get_by_label(f"{kpi.name} 4月", exact=True).fill("１，５３８")
    # Enter moves down to the next KPI's April cell instead of submitting the form.
    first = page.get_by_label(f"{kpis[0].name} 4月", exact=True)
    first.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_label(f"{kpis[1].name} 4月", exact=True)).to_be_focused()

    page.get_by_role("button", name="保存する").click()
    expect(page.locator(".messages")).to_contain_text(f"{len(kpis)}件の実績を保存しました")
    assert KpiFigure.objects.filter(member_body=bureau, value=1538).exists()

    page.get_by_role("button", name="4月分を提出").click()
    expect(page.locator(".messages")).to_contain_text("4月の実績を提出しました")
    expect(page.locator(".month-status")).to_contain_text("提出済で承認待ちのため編集できません")
    log_out(page)

    log_in(page, "lead-staff")
    menu(page, "実績の承認")
    submission = page.get_by_role("article").filter(has_text="群馬労働局　4月分")
    expect(submission).to_contain_text("1,538件")
    submission.get_by_role("button", name="承認する").click()
    expect(page.locator(".messages")).to_contain_text("群馬労働局の4月の実績を承認しました")
    assert FigureSubmission.objects.get(member_body=bureau).status == "approved"
    log_out(page)

    log_in(page, "bureau-staff")
    menu(page, "実績入力")
    expect(page.locator(".month-status")).to_contain_text("4月は承認済")
    expect(page.get_by_label(f"{kpis[0].name} 4月", exact=True)).to_have_count(0)  # no input: locked
    expect(page.get_by_label(f"{kpis[0].name} 5月", exact=True)).to_be_editable()
