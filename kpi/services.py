"""KPI rules applied to stored figures: achievement to date and the sub-count (内数) check."""
from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import F, Sum

from kpi.achievement import Achievement, FigureValue, achievement, rate
from kpi.choices import MeasureType
from kpi.models import Kpi, KpiFigure
from kpi.rules import check_subcount
from core.fiscal import fiscal_month_index, months_ended


def plan_achievements(plan, as_of: date) -> dict[int, Achievement]:
    """Every KPI of the plan, id → achievement over the months ended by `as_of`, in two queries."""
    return plans_achievements([plan], as_of)[plan.pk]


def plans_achievements(plans, as_of: date) -> dict[int, dict[int, Achievement]]:
    """The same for several plans at once (the national view), still in two queries."""
    plans = {plan.pk: plan for plan in plans}
    kpis = list(Kpi.objects.filter(measure__section__plan__in=plans).annotate(plan_id=F("measure__section__plan_id")))
    figures = defaultdict(list)
    for row in KpiFigure.objects.filter(kpi__in=kpis).values("kpi_id", "month", "value", "numerator", "denominator"):
        figures[row["kpi_id"]].append(
            FigureValue(
                month_index=fiscal_month_index(row["month"]),
                value=row["value"],
                numerator=row["numerator"],
                denominator=row["denominator"],
            )
        )
    result = {pk: {} for pk in plans}
    for kpi in kpis:
        result[kpi.plan_id][kpi.pk] = achievement(
            measure_type=kpi.measure_type,
            target=kpi.target_value,
            target_period=kpi.target_period,
            comparison=kpi.comparison,
            figures=figures[kpi.pk],
            months_elapsed=months_ended(plans[kpi.plan_id].fiscal_year, as_of),
        )
    return result


def _month_total(kpi: Kpi, month: date, replacing: KpiFigure) -> Decimal | None:
    """The KPI's total over all reporting bodies for a month, with `replacing`'s value in place of the stored one."""
    stored = KpiFigure.objects.filter(kpi=kpi, month=month)
    if replacing.kpi_id == kpi.pk:
        stored = stored.exclude(member_body_id=replacing.member_body_id)
        others = stored.aggregate(total=Sum("value"))["total"]
        if replacing.value is None:
            return others
        return (others or Decimal(0)) + replacing.value
    return stored.aggregate(total=Sum("value"))["total"]


def validate_subcounts(figure: KpiFigure) -> None:
    """A sub-count's month total may not exceed its parent's, whichever of the two is being changed."""
    kpi = figure.kpi
    pairs = []
    if kpi.parent_id:
        pairs.append((kpi, kpi.parent))
    pairs.extend((child, kpi) for child in kpi.subcounts.all())
    for child, parent in pairs:
        check_subcount(
            child_name=child.name,
            child_value=_month_total(child, figure.month, figure),
            parent_name=parent.name,
            parent_value=_month_total(parent, figure.month, figure),
            month=figure.month,
        )


def monthly_totals(kpi, figures) -> list:
    """Twelve monthly values (April first) summed over the reporting bodies: counts, or the rate of the sums."""
    months = [[] for _ in range(12)]
    for figure in figures:
        months[fiscal_month_index(figure.month) - 1].append(figure)
    if kpi.measure_type == MeasureType.COUNT:
        return [sum((f.value for f in m if f.value is not None), Decimal(0)) if any(f.value is not None for f in m) else None for m in months]
    if kpi.measure_type == MeasureType.RATE:
        return [
            rate([f.numerator for f in m if f.denominator is not None and f.numerator is not None],
                 [f.denominator for f in m if f.denominator is not None and f.numerator is not None])
            for m in months
        ]
    return [None] * 12
