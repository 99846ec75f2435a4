"""KPI rules applied to stored figures: achievement to date, from the figures that count (kpi.confirmation)."""
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import F

from kpi.achievement import Achievement, FigureValue
from kpi.kinds import kind_of
from kpi.confirmation import counted_figures, has_value, is_provisional, judged_months
from kpi.models import Kpi, KpiFigure
from core.fiscal import fiscal_month_index


def plan_achievements(plan, as_of: date, provisional=False) -> dict[int, Achievement]:
    """Every KPI of the plan, id → achievement to date, in two queries.

    Only counted figures (kpi.confirmation): approved ones, and submitted ones when `provisional`;
    judged over the months ended by `as_of` that have counted values (confirmation.judged_months).
    """
    return plans_achievements([plan], as_of, provisional)[plan.pk]


def plans_achievements(plans, as_of: date, provisional=False) -> dict[int, dict[int, Achievement]]:
    """The same for several plans at once (the national view), still in two queries."""
    results = plans_results(plans, as_of, provisional)
    return {pk: {kpi_id: r.achievement for kpi_id, r in by_kpi.items()} for pk, by_kpi in results.items()}


@dataclass(frozen=True)
class KpiResult:
    """A KPI's achievement to date and whether it includes 速報値 (figures submitted, not yet approved)."""

    achievement: Achievement
    provisional: bool = False
    months: int = 0  # the months (from April) it is judged over (confirmation.judged_months)


def plan_results(plan, as_of: date, provisional=False) -> dict[int, KpiResult]:
    return plans_results([plan], as_of, provisional)[plan.pk]


def plans_results(plans, as_of: date, provisional=False) -> dict[int, dict[int, KpiResult]]:
    """Every KPI of the plans, id → KpiResult, on the given basis (a bool or a confirmation.Basis), in two queries."""
    plans = {plan.pk: plan for plan in plans}
    kpis = list(Kpi.objects.filter(measure__section__plan__in=plans).annotate(plan_id=F("measure__section__plan_id")))
    figures, by_plan = defaultdict(list), defaultdict(list)
    rows = counted_figures(KpiFigure.objects.filter(kpi__in=kpis), provisional).only(
        "kpi_id", "member_body_id", "month", "value", "numerator", "denominator"
    )
    plan_of = {kpi.pk: kpi.plan_id for kpi in kpis}
    for figure in rows:
        figures[figure.kpi_id].append(figure)
        by_plan[plan_of[figure.kpi_id]].append(figure)
    months = {pk: judged_months(plan.fiscal_year, as_of, by_plan[pk]) for pk, plan in plans.items()}
    result = {pk: {} for pk in plans}
    for kpi in kpis:
        result[kpi.plan_id][kpi.pk] = kpi_result(kpi, figures[kpi.pk], months[kpi.plan_id])
    return result


def kpi_result(kpi, figures, months_elapsed: int) -> KpiResult:
    """The achievement of counted figures (see counted_figures) over the first `months_elapsed` months."""
    # (The same months for every KPI of a plan: confirmation.judged_months.)
    values = [
        FigureValue(month_index=fiscal_month_index(f.month), value=f.value, numerator=f.numerator, denominator=f.denominator)
        for f in figures
    ]
    result = kind_of(kpi).kpi_achievement(kpi, values, months_elapsed)
    marked = any(is_provisional(f) and has_value(f) and fiscal_month_index(f.month) <= months_elapsed for f in figures)
    return KpiResult(result, marked, months_elapsed)


def monthly_provisional(figures) -> list[bool]:
    """Twelve flags (April first): True where the month's counted figures include a submitted, unapproved value."""
    flags = [False] * 12
    for figure in figures:
        if is_provisional(figure) and has_value(figure):
            flags[fiscal_month_index(figure.month) - 1] = True
    return flags


def monthly_totals(kpi, figures) -> list:
    """Twelve monthly values (April first) over the reporting bodies: counts summed, the rate of the sums, None for qualitative."""
    return kpi.kind.monthly_values(figures, lambda figure: fiscal_month_index(figure.month))
