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


APPROVALS_QUERIES = 14  # the lead's, with their second-factor device


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
