"""Submission of a month's figures and the lead secretariat's decision on it.

入力中 → 提出済 (the body submits) → 承認済 (locked) or 差戻し (back to the body, with a reason);
承認済 → 入力中 again only when the lead reopens it, with a reason. Each step is audited.
"""
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kpi.models import FigureSubmission, Kpi, KpiFigure
from core import locking
from core.fiscal import fiscal_months, months_ended
from core.states import by_name

Status = FigureSubmission.Status


def _filled(kpi, figure) -> bool:
    return kpi.kind.is_filled(figure)


def missing_kpis(plan, body, month: date) -> list[str]:
    """Names of the body's KPIs with no figure for the month (a submitted month is complete)."""
    kpis = list(Kpi.objects.reported_by(body, plan))
    figures = {f.kpi_id: f for f in KpiFigure.objects.filter(kpi__in=kpis, member_body=body, month=month)}
    return [kpi.name for kpi in kpis if not _filled(kpi, figures.get(kpi.pk))]


@transaction.atomic
def submit(plan, body, month: date, *, user, today: date) -> FigureSubmission:
    label = f"{month.month}月"
    if month not in fiscal_months(plan.fiscal_year):
        raise ValidationError(f"{label}は{plan.fiscal_year}年度の月ではありません。")
    if fiscal_months(plan.fiscal_year).index(month) >= months_ended(plan.fiscal_year, today):
        raise ValidationError(f"{label}はまだ終わっていないため提出できません。")
    submission, _ = FigureSubmission.objects.select_for_update().get_or_create(plan=plan, member_body=body, month=month)
    if submission.is_locked:
        raise ValidationError(f"{label}は既に{submission.get_status_display()}です。")
    if missing := missing_kpis(plan, body, month):
        raise ValidationError(f"{label}の次の指標が未入力のため提出できません：{'、'.join(missing)}")
    submission.status = Status.SUBMITTED
    locking.next_version(submission)
    submission.submitted_by, submission.submitted_at = user, timezone.now()
    submission.reason = ""
    submission._change_reason = "提出"
    submission.save()
    return submission


@transaction.atomic
def decide(submission: FigureSubmission, action: str, *, user, reason: str = "", seen_version=None) -> FigureSubmission:
    """approve / return (a submitted month) or reopen (an approved month); return and reopen need a reason.

    The moves are FigureSubmission.DECISIONS; the approvals page shows the same ones as buttons.
    `seen_version` is the version the approver's page showed: a month returned and submitted again
    since then is refused, so that nobody approves figures they have not seen.
    """
    submission = locking.lock(submission) if seen_version is None else locking.lock_unchanged(submission, seen_version)
    reason = reason.strip()
    label = f"{submission.member_body}の{submission.month.month}月"
    decision = by_name(FigureSubmission.DECISIONS, action)
    if decision is None:
        raise ValidationError("操作を選んでください。")
    if not decision.starts_from(submission.status):
        raise ValidationError(f"{label}は{submission.get_status_display()}のため、この操作はできません。")
    if decision.needs_reason and not reason:
        raise ValidationError(f"{decision.word}の理由を入力してください。")
    submission.status = decision.target
    locking.next_version(submission)
    submission.reason = reason
    submission.decided_by, submission.decided_at = user, timezone.now()
    submission._change_reason = f"{decision.word}：{reason}" if decision.needs_reason else decision.word
    submission.save()
    return submission


@dataclass
class Decided:
    """What a decision on several months did: the months it moved and, for each refused one, why."""

    done: list[FigureSubmission] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def parse_choices(values) -> list[tuple[int, str]]:
    """Checkbox values "<submission id>:<version seen>" → pairs; anything else is dropped."""
    pairs = []
    for value in values:
        pk, _, version = str(value).partition(":")
        if pk.isdigit() and version.isdigit():
            pairs.append((int(pk), version))
    return pairs


@transaction.atomic
def decide_many(plan, choices: list[tuple[int, str]], action: str, *, user, reason: str = "") -> Decided:
    """The same decision on several months (まとめて承認), each through `decide` with its own lock and
    version check: a month changed since the page was shown is refused with the reason, the others go on.
    Months of another plan are not found."""
    result = Decided()
    found = FigureSubmission.objects.filter(plan=plan, pk__in=[pk for pk, _ in choices]).select_related("member_body")
    submissions = {s.pk: s for s in found}
    for pk, version in choices:
        submission = submissions.get(pk)
        if submission is None:
            result.refused.append("選んだ月が見つかりません。ページを読み込み直してください。")
            continue
        try:
            with transaction.atomic():  # a refused month leaves nothing half-done
                result.done.append(decide(submission, action, user=user, reason=reason, seen_version=version))
        except ValidationError as exc:
            result.refused.append(f"{submission.member_body}の{submission.month.month}月：{' '.join(exc.messages)}")
    return result
