"""Submit → approve or return; approved months lock; the lead reopens with a reason; all audited."""
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kpi import workflow
from kpi.models import FigureSubmission, Kpi, KpiFigure
from core.audit import history_entries

APRIL = date(2025, 4, 1)
TODAY = date(2026, 11, 24)


def fill(plan, body, month=APRIL):
    for kpi in Kpi.objects.reported_by(body, plan):
        figure = KpiFigure(kpi=kpi, member_body=body, month=month)
        if kpi.measure_type == "rate":
            figure.numerator, figure.denominator = 30, 40
        elif kpi.measure_type == "count":
            figure.value = 1 if kpi.parent_id else 5
        else:
            figure.text_value = "共有した"
        figure.save()


def test_submitting_needs_every_kpi_of_the_month(plan2025, bureau, bureau_staff):
    with pytest.raises(ValidationError, match="4月の次の指標が未入力のため提出できません：ハローワークにおける紹介就職件数"):
        workflow.submit(plan2025, bureau, APRIL, user=bureau_staff, today=TODAY)


def test_a_month_not_yet_over_cannot_be_submitted(plan2025, bureau, bureau_staff):
    fill(plan2025, bureau)
    with pytest.raises(ValidationError, match="まだ終わっていない"):
        workflow.submit(plan2025, bureau, APRIL, user=bureau_staff, today=date(2025, 4, 20))


def test_submit_approve_locks_and_reopen_unlocks_with_reasons(client, plan2025, bureau, bureau_staff, lead_user):
    fill(plan2025, bureau)
    client.force_login(bureau_staff)
    response = client.post(reverse("kpi:submit_month", args=[2025, bureau.pk, 2025, 4]), follow=True)
    assert "4月の実績を提出しました" in response.content.decode()
    submission = FigureSubmission.objects.get(member_body=bureau, month=APRIL)
    assert submission.status == "submitted" and submission.submitted_by == bureau_staff
    assert "提出済で承認待ちのため編集できません" in client.get(reverse("kpi:entry", args=[2025])).content.decode()

    client.force_login(lead_user)
    approvals = client.get(reverse("kpi:approvals", args=[2025])).content.decode()
    assert "群馬労働局　4月分" in approvals
    client.post(reverse("kpi:decide", args=[submission.pk]), {"action": "approve"})
    submission.refresh_from_db()
    assert submission.status == "approved" and submission.decided_by == lead_user

    response = client.post(reverse("kpi:decide", args=[submission.pk]), {"action": "reopen", "reason": ""}, follow=True)
    assert "再開の理由を入力してください" in response.content.decode()
    client.post(reverse("kpi:decide", args=[submission.pk]), {"action": "reopen", "reason": "4月の件数に誤り"})
    submission.refresh_from_db()
    assert submission.status == "draft" and submission.reason == "4月の件数に誤り"
    reasons = [e.reason for e in history_entries(submission.history.all())]
    assert reasons[:3] == ["再開：4月の件数に誤り", "承認", "提出"]


def test_return_needs_a_reason_and_the_body_can_resubmit(plan2025, bureau, bureau_staff, lead_user):
    fill(plan2025, bureau)
    submission = workflow.submit(plan2025, bureau, APRIL, user=bureau_staff, today=TODAY)
    with pytest.raises(ValidationError, match="差戻しの理由を入力してください"):
        workflow.decide(submission, "return", user=lead_user)
    workflow.decide(submission, "return", user=lead_user, reason="紹介件数を確認してください")
    submission.refresh_from_db()
    assert submission.status == "returned" and not submission.is_locked
    workflow.submit(plan2025, bureau, APRIL, user=bureau_staff, today=TODAY)
    submission.refresh_from_db()
    assert submission.status == "submitted" and submission.reason == ""


def test_illegal_transitions_are_refused(plan2025, bureau, bureau_staff, lead_user):
    fill(plan2025, bureau)
    submission = workflow.submit(plan2025, bureau, APRIL, user=bureau_staff, today=TODAY)
    with pytest.raises(ValidationError, match="提出済のため"):
        workflow.decide(submission, "reopen", user=lead_user, reason="x")
    with pytest.raises(ValidationError, match="既に提出済"):
        workflow.submit(plan2025, bureau, APRIL, user=bureau_staff, today=TODAY)


def test_only_the_lead_decides(client, plan2025, bureau, bureau_staff, deputy_user):
    fill(plan2025, bureau)
    submission = workflow.submit(plan2025, bureau, APRIL, user=bureau_staff, today=TODAY)
    for user in (bureau_staff, deputy_user):
        client.force_login(user)
        assert client.post(reverse("kpi:decide", args=[submission.pk]), {"action": "approve"}).status_code == 403
    submission.refresh_from_db()
    assert submission.status == "submitted"


APPROVALS_QUERIES = 20  # the lead's, with their second-factor device; the figures with their benchmarks in five


def test_approvals_query_count_is_constant_with_tenfold_submissions(client, gunma, plan2025, lead_user, django_assert_num_queries):
    bodies = list(gunma.member_bodies.all()[:2])
    months = [date(2025 + (m < 4), m, 1) for m in (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)]
    FigureSubmission.objects.create(plan=plan2025, member_body=bodies[0], month=months[0], status="submitted")
    client.force_login(lead_user)
    with django_assert_num_queries(APPROVALS_QUERIES):
        client.get(reverse("kpi:approvals", args=[2025]))
    for body in bodies:
        for month in months[1:]:
            FigureSubmission.objects.create(plan=plan2025, member_body=body, month=month, status="submitted")
    with django_assert_num_queries(APPROVALS_QUERIES):
        html = client.get(reverse("kpi:approvals", args=[2025])).content.decode()
    assert html.count('name="action" value="approve"') == 23


def test_an_approval_from_a_page_shown_before_a_return_and_resubmission_is_refused(client, plan2025, bureau, bureau_staff, lead_user):
    """Approving means having seen the figures: a month returned and submitted again since the page was shown is not approved."""
    fill(plan2025, bureau)
    submission = workflow.submit(plan2025, bureau, APRIL, user=bureau_staff, today=TODAY)
    client.force_login(lead_user)
    page = client.get(reverse("kpi:approvals", args=[2025])).content.decode()
    shown = submission.version
    assert f'name="version" value="{shown}"' in page
    # Meanwhile: returned, corrected and submitted again (by another approver and the body).
    workflow.decide(submission, "return", user=lead_user, reason="4月の件数を確認してください")
    workflow.submit(plan2025, bureau, APRIL, user=bureau_staff, today=TODAY)
    response = client.post(reverse("kpi:decide", args=[submission.pk]), {"action": "approve", "version": shown}, follow=True)
    assert "表示した後に差戻し・再提出などで変わりました" in response.content.decode()
    submission.refresh_from_db()
    assert submission.status == FigureSubmission.Status.SUBMITTED
    # From a fresh page it goes through.
    client.post(reverse("kpi:decide", args=[submission.pk]), {"action": "approve", "version": submission.version})
    submission.refresh_from_db()
    assert submission.status == FigureSubmission.Status.APPROVED


# --- what the approver judges by, bulk approval and the compact reopen list (issue 14.4) ---

from decimal import Decimal  # noqa: E402

from django.utils import timezone  # noqa: E402

from plans.rollover import copy_plan  # noqa: E402

MAY = date(2025, 5, 1)


def referral_kpi(plan):
    return Kpi.objects.get(measure__section__plan=plan, name="ハローワークにおける紹介就職件数")


def test_the_approver_sees_previous_month_last_year_target_share_and_comment(client, plan2025, bureau, bureau_staff, lead_user):
    last_year = copy_plan(plan2025, 2024)
    KpiFigure.objects.create(kpi=referral_kpi(last_year), member_body=bureau, month=date(2024, 5, 1), value=1180)
    fill(plan2025, bureau, APRIL)
    fill(plan2025, bureau, MAY)
    KpiFigure.objects.filter(kpi=referral_kpi(plan2025), member_body=bureau, month=APRIL).update(value=1020)
    KpiFigure.objects.filter(kpi=referral_kpi(plan2025), member_body=bureau, month=MAY).update(
        value=1284, warnings="前月（1,020件）から26%増えています。", warning_comment="面接会の効果で増加"
    )
    workflow.submit(plan2025, bureau, MAY, user=bureau_staff, today=TODAY)
    client.force_login(lead_user)
    html = client.get(reverse("kpi:approvals", args=[2025])).content.decode()
    row = html[html.index("ハローワークにおける紹介就職件数"):]
    row = row[: row.index("</tr>")]
    kpi = referral_kpi(plan2025)
    share = kpi.kind.format_value(kpi.kind.monthly_target(kpi))
    # May's value, April's, May a year ago (the previous plan's same KPI), the monthly target, the warning and its explanation.
    for text in ("1,284件", "1,020件", "1,180件", share, "前月（1,020件）から26%増えています。", "説明：面接会の効果で増加"):
        assert text in row, text
    submitted = timezone.localtime(FigureSubmission.objects.get(member_body=bureau, month=MAY).submitted_at)
    assert f"（令和{submitted.year - 2018}年{submitted.month}月{submitted.day}日 {bureau_staff}が提出）" in html
    # A rate reads as a rate with its own numbers, never a bare 30／40.
    assert "75.0%（30／40）" in html


def test_no_empty_submitter_brackets_when_nobody_is_recorded(client, plan2025, bureau, lead_user):
    FigureSubmission.objects.create(plan=plan2025, member_body=bureau, month=APRIL, status="submitted")
    client.force_login(lead_user)
    html = client.get(reverse("kpi:approvals", args=[2025])).content.decode()
    assert "が提出）" not in html and "（）" not in html and "（ " not in html


def bulk(client, *submissions, confirmed=True, versions=None):
    chosen = [f"{s.pk}:{versions.get(s.pk, s.version) if versions else s.version}" for s in submissions]
    data = {"chosen": chosen, **({"confirmed": "1"} if confirmed else {})}
    return client.post(reverse("kpi:approve_many", args=[2025]), data, follow=True)


def test_bulk_approval_asks_once_then_approves_every_chosen_month(client, plan2025, bureau, industry, bureau_staff, lead_user):
    months = [APRIL, MAY]
    submissions = [FigureSubmission.objects.create(plan=plan2025, member_body=b, month=m, status="submitted") for b in (bureau, industry) for m in months]
    client.force_login(lead_user)
    page = client.get(reverse("kpi:approvals", args=[2025])).content.decode()
    assert page.count('form="approve-many" name="chosen"') == 4
    confirm = bulk(client, *submissions[:3], confirmed=False).content.decode()
    assert "次の3件の月の実績を承認します" in confirm and "群馬県（産業経済部） 4月分" in confirm
    assert FigureSubmission.objects.filter(status="approved").count() == 0  # nothing before the confirmation
    done = bulk(client, *submissions[:3]).content.decode()
    assert "3件の月の実績を承認しました" in done
    assert [s.status for s in FigureSubmission.objects.filter(pk__in=[s.pk for s in submissions]).order_by("member_body__order", "month")] == [
        "approved", "approved", "approved", "submitted"
    ] or FigureSubmission.objects.filter(status="approved").count() == 3
    assert FigureSubmission.objects.get(pk=submissions[3].pk).status == "submitted"
    history = [e.reason for e in history_entries(FigureSubmission.objects.get(pk=submissions[0].pk).history.all())]
    assert history[0] == "承認"


def test_bulk_approval_refuses_a_month_changed_since_the_page_and_approves_the_rest(client, plan2025, bureau, industry, bureau_staff, lead_user):
    fill(plan2025, bureau)
    stale = workflow.submit(plan2025, bureau, APRIL, user=bureau_staff, today=TODAY)
    other = FigureSubmission.objects.create(plan=plan2025, member_body=industry, month=APRIL, status="submitted")
    seen = stale.version
    workflow.decide(stale, "return", user=lead_user, reason="確認してください")
    workflow.submit(plan2025, bureau, APRIL, user=bureau_staff, today=TODAY)
    client.force_login(lead_user)
    html = bulk(client, stale, other, versions={stale.pk: seen}).content.decode()
    assert "1件の月の実績を承認しました" in html
    assert "承認しませんでした。群馬労働局の4月：" in html and "表示した後に差戻し・再提出などで変わりました" in html
    stale.refresh_from_db()
    other.refresh_from_db()
    assert (stale.status, other.status) == ("submitted", "approved")


def test_bulk_approval_needs_a_choice_and_the_lead(client, plan2025, bureau, deputy_user, lead_user):
    submission = FigureSubmission.objects.create(plan=plan2025, member_body=bureau, month=APRIL, status="submitted")
    client.force_login(lead_user)
    assert "承認する月を選んでください" in client.post(reverse("kpi:approve_many", args=[2025]), {"confirmed": "1"}, follow=True).content.decode()
    client.force_login(deputy_user)
    assert bulk(client, submission).status_code == 403
    submission.refresh_from_db()
    assert submission.status == "submitted"


def test_reopening_is_one_compact_form_with_a_reason(client, plan2025, gunma, lead_user):
    bodies = list(gunma.member_bodies.filter(reported_kpis__isnull=False).distinct()[:3])
    months = [date(2025, m, 1) for m in range(4, 13)]
    for body in bodies:
        for month in months:
            FigureSubmission.objects.create(plan=plan2025, member_body=body, month=month, status="approved")
    client.force_login(lead_user)
    html = client.get(reverse("kpi:approvals", args=[2025])).content.decode()
    approved = html[html.index('id="approved-heading"'):]
    assert approved.count('name="reason"') == 1 and approved.count("<tr>") == len(bodies) + 1
    assert "4月・5月・6月・7月・8月・9月・10月・11月・12月" in approved
    target = FigureSubmission.objects.get(member_body=bodies[1], month=date(2025, 6, 1))
    url = reverse("kpi:reopen", args=[2025])
    refused = client.post(url, {"submission": f"{target.pk}:{target.version}", "reason": " "}, follow=True).content.decode()
    assert "再開の理由を入力してください" in refused
    done = client.post(url, {"submission": f"{target.pk}:{target.version}", "reason": "6月の件数に誤り"}, follow=True).content.decode()
    assert f"{bodies[1]} 令和7年6月分の実績を再開しました" in done
    target.refresh_from_db()
    assert target.status == "draft" and target.reason == "6月の件数に誤り"
    assert FigureSubmission.objects.filter(status="approved").count() == len(bodies) * len(months) - 1


def test_approvals_query_count_stays_constant_with_last_years_plan_and_figures(client, plan2025, gunma, lead_user, django_assert_num_queries):
    last_year = copy_plan(plan2025, 2024)
    bodies = list(gunma.member_bodies.filter(reported_kpis__measure__section__plan=plan2025).distinct()[:3])
    FigureSubmission.objects.create(plan=plan2025, member_body=bodies[0], month=APRIL, status="submitted")
    client.force_login(lead_user)
    with django_assert_num_queries(APPROVALS_QUERIES + 2):  # and last year's KPIs and figures
        client.get(reverse("kpi:approvals", args=[2025]))
    for plan, year in ((plan2025, 2025), (last_year, 2024)):
        for body in bodies:
            for m in range(4, 10):
                for kpi in Kpi.objects.reported_by(body, plan):
                    KpiFigure.objects.create(kpi=kpi, member_body=body, month=date(year, m, 1), value=5 if kpi.measure_type == "count" else None)
    for body in bodies:
        for m in range(5, 10):
            FigureSubmission.objects.create(plan=plan2025, member_body=body, month=date(2025, m, 1), status="submitted")
    with django_assert_num_queries(APPROVALS_QUERIES + 2):
        html = client.get(reverse("kpi:approvals", args=[2025])).content.decode()
    assert html.count('name="chosen"') == 1 + 5 * len(bodies)
