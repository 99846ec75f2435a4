"""Progress management (進捗管理): reports by the responsible bodies, review, and consolidation.

A body drafts and submits a report per measure and period; the deputy secretariat comments on it,
accepts it or returns it; the lead secretariat consolidates a measure's reports into one status.
"""
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import locking
from core.access import may
from core.states import by_name
from members.services import party_bodies
from plans.models import ProgressComment, ProgressReport, ProgressSummary

Review = ProgressReport.Review

NOT_REPORTED = "not_reported"
NOT_REPORTED_LABEL = "未報告"
REPORT_FIELDS = ("progress", "activities", "results", "issues", "next_steps")


def can_view(user, report: ProgressReport) -> bool:
    """The reporting body always; the secretariat once it has been submitted (a draft is the body's own).

    A report carries the secretariat's return comments and its history names staff, so readers (chair,
    observers, other bodies, municipal staff) see only the latest status on the roadmap, as in files.
    """
    if report.is_owned_by(user):
        return True
    reviewer = may(user, "review_progress", report) or may(user, "consolidate_progress", report)
    return reviewer and report.review_status != Review.DRAFT


STALE = "他の利用者が先にこの報告を更新しました。入力内容は残しています。最新の内容を確かめてから、もう一度保存してください。"


@transaction.atomic
def save_report(report: ProgressReport, values: dict, *, submit: bool, user, posted_version: str) -> ProgressReport:
    """Save the body's draft, or submit it; refuses a stale version and a report under review."""
    if report.pk:
        current = locking.lock_unchanged(report, posted_version, message=STALE)
        if not current.is_editable:
            raise ValidationError(f"この報告は{current.get_review_status_display()}のため編集できません。")
        report = current
    elif ProgressReport.objects.select_for_update().filter(
        measure=report.measure, period=report.period, member_body=report.member_body
    ).exists():
        raise ValidationError("他の利用者が先にこの報告を作成しました。入力内容は残しています。画面を読み込み直して確かめてください。", code="conflict")
    for name in REPORT_FIELDS:
        setattr(report, name, values[name])
    if submit:
        if not report.activities.strip():
            raise ValidationError({"activities": "提出するには「実施内容」を入力してください。"})
        report.review_status = Review.SUBMITTED
        report.submitted_at = timezone.now()
        report._change_reason = "提出"
    report.full_clean()
    locking.next_version(report)
    report.updated_by = user
    report.save()
    return report


ACTIONS = {"comment": ProgressComment.Action.COMMENT, "accept": ProgressComment.Action.ACCEPT, "return": ProgressComment.Action.RETURN}


@transaction.atomic
def review(report: ProgressReport, action: str, comment: str, *, user) -> ProgressComment:
    """コメント, 確認 (accept) or 差戻し (return, comment required) on a submitted report (ProgressReport.ACTIONS)."""
    report = locking.lock(report)
    comment = comment.strip()
    if action not in ACTIONS:
        raise ValidationError("操作を選んでください。")
    step = by_name(ProgressReport.ACTIONS, action)
    if action == "comment" and not comment:
        raise ValidationError("コメントを入力してください。")
    if step.target:
        if not step.starts_from(report.review_status):
            raise ValidationError(f"この報告は{report.get_review_status_display()}のため、確認・差戻しはできません。")
        if step.needs_reason and not comment:
            raise ValidationError("差し戻す理由をコメントに入力してください。")
        report.review_status = step.target
        report.review_comment = comment
        report._change_reason = f"{step.word}：{comment}" if step.needs_reason else step.word
        locking.next_version(report)
        report.save()
    return ProgressComment.objects.create(report=report, action=ACTIONS[action], body=comment, author=user)


@dataclass
class MeasureStatus:
    """The latest progress of a measure: the lead's summary if any, else the bodies' reports."""

    period: object = None
    summary: ProgressSummary | None = None
    reports: list = field(default_factory=list)

    @property
    def progress_values(self) -> set[str]:
        if self.summary:
            return {self.summary.progress}
        return {r.progress for r in self.reports} or {NOT_REPORTED}


def latest_statuses(plan) -> dict[int, MeasureStatus]:
    """measure id → its latest status, in three queries (periods, summaries, reports)."""
    periods = {p.pk: p for p in plan.reporting_periods.all()}
    order = {pk: p.starts_on for pk, p in periods.items()}
    statuses: dict[int, MeasureStatus] = defaultdict(MeasureStatus)
    for summary in ProgressSummary.objects.filter(period__plan=plan):
        status = statuses[summary.measure_id]
        if status.summary is None or order[summary.period_id] > order[status.summary.period_id]:
            status.summary, status.period = summary, periods[summary.period_id]
    reports = list(
        ProgressReport.objects.filter(period__plan=plan).exclude(review_status=Review.DRAFT).select_related("member_body")
    )
    latest_report_period = {}
    for report in reports:
        latest_report_period[report.measure_id] = max(order[report.period_id], latest_report_period.get(report.measure_id, order[report.period_id]))
    for report in reports:
        status = statuses[report.measure_id]
        if status.summary is None and order[report.period_id] == latest_report_period[report.measure_id]:
            status.period = periods[report.period_id]
            status.reports.append(report)
    return statuses


def measure_bodies(plan, measures) -> dict[int, list]:
    """measure id → the bodies responsible for it, resolving each of the plan's parties once."""
    resolved = {}
    result = {}
    for measure in measures:
        bodies = {}
        for party in measure.responsible_parties.all():
            if party.pk not in resolved:
                resolved[party.pk] = list(party_bodies(party, plan).order_by("order", "name"))
            bodies.update({b.pk: b for b in resolved[party.pk]})
        result[measure.pk] = sorted(bodies.values(), key=lambda b: (b.order, b.name))
    return result


def default_summary_text(reports) -> str:
    """The bodies' reports joined, for the lead to edit into one summary."""
    parts = []
    for report in reports:
        lines = [f"【{report.member_body}】{report.get_progress_display()}"]
        for label, text in (("実施内容", report.activities), ("成果", report.results), ("課題", report.issues), ("今後の取組", report.next_steps)):
            if text.strip():
                lines.append(f"{label}：{text.strip()}")
        parts.append("\n".join(lines))
    return "\n\n".join(parts)
