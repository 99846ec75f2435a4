"""Submission of a month's figures and the lead secretariat's decision on it.

入力中 → 提出済 (the body submits) → 承認済 (locked) or 差戻し (back to the body, with a reason);
承認済 → 入力中 again only when the lead reopens it, with a reason. Each step is audited.
"""
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from kpi.models import FigureSubmission, Kpi, KpiFigure
from core import locking
from core.audit import bulk_create_audited
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
    Months of another plan are not found.

    Every chosen month is locked first, in pk order, as the figures import, submit and the entry grid
    lock submissions: the checkboxes come in any order, and locking in that order could deadlock
    against an import holding the same rows. The months are then decided, and reported, in the
    order they were chosen (`decide` locks each again, which it already holds).
    """
    result = Decided()
    found = (
        FigureSubmission.objects.select_for_update(of=("self",))
        .filter(plan=plan, pk__in=sorted({pk for pk, _ in choices}))
        .select_related("member_body")
        .order_by("pk")
    )
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


def lock_submissions(plan, pairs, *, user=None, reason=None) -> dict:
    """Lock the month submissions that figures are about to be written into, creating the missing
    ones as 入力中; {(body id, month): the submission as it stands under the lock}.

    Submit and approve lock the submission row, so holding the same rows makes a write of figures
    and a submission of the same month run one after the other. A month nobody has touched has no
    row to lock: it gets its 入力中 row here, whose insert waits for (or makes wait) a submission
    creating the same row. Rows are locked in pk order and created in key order, as every other
    locker does, so that no two of them can deadlock. Call it inside a transaction, before the
    figures are locked; the caller re-checks `is_locked` on what it returns.

    The entry grid's save and the figures import (imports/resources/figures.py) use it.
    """
    pairs = set(pairs)
    if not pairs:
        return {}
    scope = FigureSubmission.objects.filter(
        plan=plan, member_body_id__in={b for b, _ in pairs}, month__in={m for _, m in pairs}
    ).order_by("pk")
    for _ in range(3):
        existing = {(s.member_body_id, s.month) for s in scope.select_for_update()}
        missing = [FigureSubmission(plan=plan, member_body_id=b, month=m) for b, m in sorted(pairs - existing)]
        try:
            with transaction.atomic():
                if missing:
                    bulk_create_audited(missing, FigureSubmission, user=user, reason=reason)
            break
        except IntegrityError:
            continue  # a submission created one of them meanwhile: lock it as it now stands
    return {(s.member_body_id, s.month): s for s in scope.select_for_update(of=("self",)).select_related("decided_by")}
