"""Roadmap review, my tasks, progress reports, review by the deputy, consolidation by the lead."""
from datetime import date

import pytest
from django.urls import reverse

from kpi.models import Kpi, KpiFigure
from plans.models import Measure, ProgressComment, ProgressReport, ProgressSummary
from core.audit import history_entries
from tests.factories import approve


def measure(plan, *path, number):
    section = None
    for part in path:
        section = plan.sections.get(parent=section, number=part)
    return section.measures.get(number=number)


@pytest.fixture
def hw_measure(plan2025):
    return measure(plan2025, "2", "(1)", "ア", number="①")


@pytest.fixture
def publicity(plan2025):
    return measure(plan2025, "1", "(1)", number="①")


@pytest.fixture
def first_period(plan2025):
    return plan2025.reporting_periods.order_by("starts_on").first()


def edit_url(m, period):
    return reverse("plans:report_edit", args=[2025, m.pk, period.pk])


REPORT = {"progress": "on_track", "activities": "窓口で職業紹介を実施", "results": "紹介就職 9,000件", "issues": "", "next_steps": "継続", "version": "0"}


def submit(client, m, period, **extra):
    return client.post(edit_url(m, period), {**REPORT, "submit": "1", **extra})


def test_my_tasks_include_measures_through_groups(client, hw_user, rengo_user, hw_measure, publicity):
    client.force_login(hw_user)
    html = client.get(reverse("plans:my_tasks", args=[2025])).content.decode()
    assert "2(1)ア①" in html.replace("</h2>", "") or "ア①" in html
    assert hw_measure.description[:20] in html or (hw_measure.title and hw_measure.title in html)
    assert "1(1)①" in html
    client.force_login(rengo_user)
    html = client.get(reverse("plans:my_tasks", args=[2025])).content.decode()
    assert "1(1)①" in html and "ア①" not in html


def test_a_body_submits_a_report_and_drafts_stay_private(client, hw_user, rengo_user, hw_measure, publicity, first_period):
    client.force_login(hw_user)
    client.post(edit_url(hw_measure, first_period), {**REPORT, "draft": "1"})
    report = ProgressReport.objects.get(measure=hw_measure, period=first_period)
    assert report.review_status == "draft" and report.version == 1
    client.force_login(rengo_user)
    assert client.get(reverse("plans:report_detail", args=[report.pk])).status_code == 404
    client.force_login(hw_user)
    response = submit(client, hw_measure, first_period, version="1")
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.review_status == "submitted" and report.submitted_at
    # Submitted, it goes to the secretariat, not to other bodies (its return comments and history name staff).
    client.force_login(rengo_user)
    assert client.get(reverse("plans:report_detail", args=[report.pk])).status_code == 404
    assert client.get(edit_url(hw_measure, first_period)).status_code == 403  # not responsible


def test_submitting_requires_what_was_done(client, hw_user, hw_measure, first_period):
    client.force_login(hw_user)
    response = submit(client, hw_measure, first_period, activities="")
    assert "提出するには「実施内容」を入力してください。" in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_a_stale_save_is_a_conflict_that_keeps_the_text(client, hw_user, hw_measure, first_period):
    client.force_login(hw_user)
    client.post(edit_url(hw_measure, first_period), {**REPORT, "draft": "1"})
    client.post(edit_url(hw_measure, first_period), {**REPORT, "activities": "一人目の更新", "draft": "1", "version": "1"})
    response = client.post(edit_url(hw_measure, first_period), {**REPORT, "activities": "二人目の入力", "draft": "1", "version": "1"})
    html = response.content.decode()
    assert "他の利用者が先にこの報告を更新しました" in html and "二人目の入力" in html
    assert ProgressReport.objects.get().activities == "一人目の更新"


def test_deputy_returns_with_a_reason_and_the_body_resubmits(client, hw_user, deputy_user, hw_measure, first_period):
    client.force_login(hw_user)
    submit(client, hw_measure, first_period)
    report = ProgressReport.objects.get()
    client.force_login(deputy_user)
    review = reverse("plans:report_review", args=[report.pk])
    response = client.post(review, {"action": "return", "body": ""}, follow=True)
    assert "差し戻す理由をコメントに入力してください" in response.content.decode()
    client.post(review, {"action": "return", "body": "成果の数値の根拠を追記してください"})
    report.refresh_from_db()
    assert report.review_status == "returned"
    client.force_login(hw_user)
    page = client.get(edit_url(hw_measure, first_period)).content.decode()
    assert "差し戻されました" in page and "成果の数値の根拠を追記してください" in page
    submit(client, hw_measure, first_period, version=str(report.version), results="紹介就職 9,000件（業務統計）")
    report.refresh_from_db()
    assert report.review_status == "submitted"
    client.force_login(deputy_user)
    client.post(review, {"action": "accept", "body": ""})
    report.refresh_from_db()
    assert report.review_status == "accepted"
    assert [c.action for c in ProgressComment.objects.filter(report=report)] == ["return", "accept"]
    reasons = [e.reason for e in history_entries(report.history.all())]
    assert "確認" in reasons and "差戻し：成果の数値の根拠を追記してください" in reasons


def test_members_and_read_only_roles_cannot_review(client, hw_user, observer_user, hw_measure, first_period):
    client.force_login(hw_user)
    submit(client, hw_measure, first_period)
    report = ProgressReport.objects.get()
    for user in (hw_user, observer_user):
        client.force_login(user)
        assert client.post(reverse("plans:report_review", args=[report.pk]), {"action": "accept"}).status_code == 403
    report.refresh_from_db()
    assert report.review_status == "submitted"


def test_consolidation_lists_missing_reports_and_the_lead_summarises(client, hw_user, lead_user, deputy_user, hw_measure, first_period):
    client.force_login(hw_user)
    submit(client, hw_measure, first_period)
    client.force_login(deputy_user)
    html = client.get(reverse("plans:consolidation_period", args=[2025, first_period.pk])).content.decode()
    assert "ハローワーク</a>：順調" in html
    assert "とりまとめる" not in html  # the deputy reviews; the lead consolidates
    client.force_login(lead_user)
    url = reverse("plans:summary_edit", args=[2025, first_period.pk, hw_measure.pk])
    assert "【ハローワーク】順調" in client.get(url).content.decode()  # prefilled from the reports
    client.post(url, {"progress": "on_track", "summary": "ハローワークで着実に実施"})
    assert ProgressSummary.objects.get(measure=hw_measure).summary == "ハローワークで着実に実施"
    # A second page opened before that first save (no summary yet) does not overwrite it.
    stale = client.post(url, {"progress": "delayed", "summary": "別の担当者のとりまとめ", "version": ""})
    assert "他の利用者が先にこの取組の進捗をとりまとめました" in stale.content.decode() and "別の担当者のとりまとめ" in stale.content.decode()
    summary = ProgressSummary.objects.get(measure=hw_measure)
    assert summary.summary == "ハローワークで着実に実施"
    client.post(url, {"progress": "delayed", "summary": "見直したとりまとめ", "version": summary.version})
    assert ProgressSummary.objects.get(measure=hw_measure).summary == "見直したとりまとめ"
    client.force_login(deputy_user)
    assert client.post(url, {"progress": "delayed", "summary": "x"}).status_code == 403


def test_roadmap_shows_achievement_and_latest_status_and_filters(client, deputy_user, hw_user, plan2025, hw_measure, publicity, first_period):
    kpi = Kpi.objects.get(measure=hw_measure, name="ハローワークにおける紹介就職件数")
    KpiFigure.objects.create(kpi=kpi, member_body=kpi.reporting_bodies.first(), month=date(2025, 4, 1), value=20000)
    approve(plan2025, kpi.reporting_bodies.first(), date(2025, 4, 1))  # the roadmap shows confirmed figures
    client.force_login(hw_user)
    submit(client, hw_measure, first_period, progress="delayed")
    client.force_login(deputy_user)
    url = reverse("plans:roadmap", args=[2025])
    html = client.get(url).content.decode()
    assert "実績 20,000件" in html and "順調" in html
    assert '<span class="badge progress-delayed">遅れ</span> ハローワーク' in html
    by_status = client.get(url, {"status": "delayed"}).content.decode()
    assert kpi.name in by_status and "公的職業訓練定員充足率" not in by_status
    rengo = plan2025.platform.member_bodies.get(name="日本労働組合総連合会群馬県連合会")
    by_body = client.get(url, {"body": rengo.pk}).content.decode()
    assert publicity.description[:20] in by_body and kpi.name not in by_body
    category = plan2025.platform.support_categories.get(number=3)
    by_category = client.get(url, {"category": category.pk}).content.decode()
    assert "市町村PF" in by_category and kpi.name not in by_category


MY_TASKS_QUERIES = 20  # + whether the body reports a KPI (the menu's 実績入力)
CONSOLIDATION_QUERIES = 23  # the lead's, with their second-factor device and the menu's 実績入力 check


def test_progress_pages_keep_their_query_counts_with_tenfold_reports(
    client, gunma, plan2025, hw_user, lead_user, hw_measure, first_period, django_assert_num_queries
):
    from tests.test_pages import ROADMAP_QUERIES

    pages = [
        (hw_user, reverse("plans:my_tasks", args=[2025]), MY_TASKS_QUERIES),
        (lead_user, reverse("plans:consolidation_period", args=[2025, first_period.pk]), CONSOLIDATION_QUERIES),
        (lead_user, reverse("plans:roadmap", args=[2025]), ROADMAP_QUERIES),
    ]
    for user, url, count in pages:
        client.force_login(user)
        with django_assert_num_queries(count):
            client.get(url)
    section = hw_measure.section
    bodies = list(gunma.member_bodies.filter(membership="member"))
    party = gunma.responsible_parties.get(label="全機関・団体")
    for i in range(10):
        m = Measure.objects.create(section=section, number=f"追{i}", description=f"追加の取組{i}")
        m.responsible_parties.add(party)
        ProgressReport.objects.bulk_create(
            ProgressReport(measure=m, period=first_period, member_body=b, activities="実施", review_status="submitted") for b in bodies
        )
        ProgressSummary.objects.create(measure=m, period=first_period, progress="on_track", summary="順調")
    for user, url, count in pages:
        client.force_login(user)
        with django_assert_num_queries(count):
            assert "追加の取組9" in client.get(url).content.decode()
