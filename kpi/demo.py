"""Synthetic monthly figures for the demo. They are not real statistics."""
import random
from datetime import date, datetime, time
from decimal import Decimal

from django.utils import timezone

from kpi.choices import MeasureType, TargetPeriod
from kpi.models import Kpi, KpiFigure
from core.audit import audit_scope, bulk_create_audited
from core.fiscal import fiscal_months


def generate_demo_figures(plan, *, months: int = 12, seed: int | None = None) -> int:
    """Fill `months` months of the plan's year for every KPI and reporting body; returns the count.

    Values scatter around the pro-rated target so that the dashboard shows every outlook;
    a sub-count is kept below its parent, as the rule requires.
    """
    rng = random.Random(seed if seed is not None else plan.fiscal_year)
    kpis = Kpi.objects.filter(measure__section__plan=plan).prefetch_related("reporting_bodies").order_by("parent_id", "id")
    goal_shares = _goal_shares(kpis)
    figures = []
    parent_values = {}
    for kpi in sorted(kpis, key=lambda k: k.parent_id is not None):
        bodies = list(kpi.reporting_bodies.all())
        for month in fiscal_months(plan.fiscal_year)[:months]:
            for body in bodies:
                figure = KpiFigure(kpi=kpi, member_body=body, month=month)
                if kpi.measure_type == MeasureType.QUALITATIVE:
                    figure.text_value = f"{month.month}月：市町村ＰＦから好事例・課題の報告を受け、協議会内で共有した。"
                elif kpi.measure_type == MeasureType.RATE:
                    capacity = rng.randint(40, 120)
                    level = float(kpi.target_value or 70) / 100 * rng.uniform(0.85, 1.2)
                    figure.denominator = Decimal(capacity)
                    figure.numerator = Decimal(min(capacity, round(capacity * level)))
                else:
                    yearly_share = goal_shares.get(kpi.pk) if kpi.target_value is None else None
                    per_month = (kpi.target_value or yearly_share or Decimal(1)) / (12 if kpi.target_period == TargetPeriod.YEAR else 1)
                    per_body = float(per_month) / len(bodies)
                    expected = per_body * rng.uniform(0.75, 1.2)
                    # Rare events (面接会 1件／年) happen in whole numbers: draw them, don't round them away.
                    value = int(expected) + (1 if rng.random() < expected - int(expected) else 0)
                    if kpi.parent_id:
                        value = min(value, parent_values.get((kpi.parent_id, body.pk, month), value))
                    parent_values[(kpi.pk, body.pk, month)] = value
                    figure.value = Decimal(value)
                figures.append(figure)
    KpiFigure.objects.filter(kpi__in=kpis).delete()
    with audit_scope():
        bulk_create_audited(figures, KpiFigure)
    return len(figures)


def _goal_shares(kpis) -> dict:
    """KPI id → a yearly figure to aim at for the parts of a numeric goal (plans.GoalComponent, reached
    through its reverse relation: kpi sits below plans). Such parts often have no target of their own
    (Gunma's plan gives only the sum), so the demo shares the goal's target, the first part the most."""
    rows = kpis.filter(goal_component__isnull=False).values(
        "pk", "goal_component__goal_id", "goal_component__goal__target", "goal_component__order", "goal_component__id"
    )
    by_goal = {}
    for row in sorted(rows, key=lambda r: (r["goal_component__order"], r["goal_component__id"])):
        by_goal.setdefault(row["goal_component__goal_id"], []).append(row)
    shares = {}
    for parts in by_goal.values():
        weights = [Decimal(1) / (i + 1) ** 3 for i in range(len(parts))]
        for row, weight in zip(parts, weights):
            shares[row["pk"]] = row["goal_component__goal__target"] * weight / sum(weights)
    return shares


def generate_demo_submissions(plan) -> int:
    """Submission states for the demo: early months approved, then one submitted, one returned, the rest open."""
    from kpi.models import FigureSubmission
    from kpi.reporting import reporting_bodies

    months = fiscal_months(plan.fiscal_year)

    def sent(month):
        # Handed in on the 5th of the month after, as a body keeping to its due date would: the
        # approvals page says when each month came in.
        following = date(month.year + 1, 1, 5) if month.month == 12 else date(month.year, month.month + 1, 5)
        return timezone.make_aware(datetime.combine(following, time(17, 30)))

    submissions = []
    for index, body in enumerate(reporting_bodies(plan)):
        for month in months[:9]:
            submissions.append(FigureSubmission(plan=plan, member_body=body, month=month, status=FigureSubmission.Status.APPROVED, submitted_at=sent(month)))
        if index == 0:
            submissions.append(FigureSubmission(plan=plan, member_body=body, month=months[9], status=FigureSubmission.Status.SUBMITTED, submitted_at=sent(months[9])))
        elif index == 1:
            submissions.append(
                FigureSubmission(
                    plan=plan, member_body=body, month=months[9], status=FigureSubmission.Status.RETURNED, submitted_at=sent(months[9]),
                    reason="1月の件数が前月から大きく減っています。集計を確認してください。",
                )
            )
    FigureSubmission.objects.filter(plan=plan).delete()
    with audit_scope():
        bulk_create_audited(submissions, FigureSubmission)
    return len(submissions)
