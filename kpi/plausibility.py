"""妥当性の確認: what a month's value is compared with, and the warnings it earns (as DHIS2's min／max and outlier checks).

Beside each month the grid and the approval list show the same month last year, the previous month
and the monthly share of the target (`Benchmark`). A value far from these, a rate above 100 % or a
value outside the KPI's 下限／上限 is a warning, never an error: the enterer saves it with a short
explanation, which is stored on the figure with the warnings (`KpiFigure.warnings`,
`KpiFigure.warning_comment`) for the approver. How far is "far" is data per platform and measure
type (`PlausibilityRule`; its fields' defaults where a platform has no row).

Last year's KPI is the one rollover copied this year's from: the previous fiscal year's plan of the
same platform, the measure with the same code (2(1)ア①) and the KPI with the same name, as
plans/rollover.py's plan_diff matches them.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count

from core.numbers import format_number
from kpi.choices import MeasureType, TargetPeriod
from kpi.models import Kpi, KpiFigure, PlausibilityRule

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Benchmark:
    """What one body's value for one KPI and month is judged against; None where there is nothing."""

    previous_month: Decimal | None = None
    last_year: Decimal | None = None
    target_share: Decimal | None = None


def previous_month_of(month: date) -> date:
    return date(month.year - 1, 12, 1) if month.month == 1 else date(month.year, month.month - 1, 1)


def last_year_of(month: date) -> date:
    return date(month.year - 1, month.month, 1)


def measure_code(kpi) -> str:
    """The KPI's measure as people cite it (2(1)ア①); select `measure__section__parent__parent` along."""
    return kpi.measure.code


def full_name(kpi) -> str:
    """「2(1)ア① 新規登録者件数」: the name with its full measure code, unambiguous across the roadmap."""
    code = measure_code(kpi)
    return f"{code} {kpi.name}" if code else kpi.name


def last_year_kpis(plan, kpis) -> dict[int, Kpi]:
    """This year's KPI id → the same KPI in the previous fiscal year's plan (two queries)."""
    previous = plan.platform.plans.filter(fiscal_year=plan.fiscal_year - 1).first()
    if previous is None:
        return {}
    old = {
        (measure_code(k), k.name): k
        for k in Kpi.objects.filter(measure__section__plan=previous).select_related("measure__section__parent__parent")
    }
    return {k.pk: old[key] for k in kpis if (key := (measure_code(k), k.name)) in old}


class Benchmarks:
    """Benchmarks of many cells of one plan in a constant number of queries.

    `current` maps (kpi_id, body_id, month) to this year's values when the caller holds them (the
    grid passes what was just typed); otherwise this year's stored figures are read.
    """

    def __init__(self, plan, kpis, body_ids, current: dict | None = None):
        self.kpis = {k.pk: k for k in kpis}
        body_ids = set(body_ids)
        self.rules = {r.measure_type: r for r in PlausibilityRule.objects.filter(platform_id=plan.platform_id)}
        self.previous = last_year_kpis(plan, kpis)
        by_old = {old.pk: new_id for new_id, old in self.previous.items()}
        self.last_year: dict = {}
        for figure in KpiFigure.objects.filter(kpi_id__in=by_old, member_body_id__in=body_ids):
            kpi = self.kpis[by_old[figure.kpi_id]]
            self.last_year[(kpi.pk, figure.member_body_id, figure.month)] = kpi.kind.month_value([figure])
        if current is None:
            current = {
                (f.kpi_id, f.member_body_id, f.month): self.kpis[f.kpi_id].kind.month_value([f])
                for f in KpiFigure.objects.filter(kpi_id__in=self.kpis, member_body_id__in=body_ids)
            }
        self.current = current
        # A target is the whole KPI's: a body's own month is judged against it only when it reports alone.
        through = Kpi.reporting_bodies.through
        self.sole_reporter = {
            row["kpi_id"] for row in through.objects.filter(kpi_id__in=self.kpis).values("kpi_id").annotate(n=Count("id")) if row["n"] == 1
        }

    def rule(self, kpi) -> PlausibilityRule:
        return self.rules.get(kpi.measure_type) or PlausibilityRule.defaults(kpi.measure_type)

    def target_share(self, kpi) -> Decimal | None:
        kind = kpi.kind
        if not kind.is_numeric:
            return None
        return kind.monthly_target(kpi)

    def for_cell(self, kpi, body_id, month) -> Benchmark:
        if not kpi.kind.is_numeric:
            return Benchmark()
        before = previous_month_of(month)
        if (kpi.pk, body_id, before) in self.current or before.month != 3:
            previous = self.current.get((kpi.pk, body_id, before))
        else:  # April: last March is in last year's plan
            previous = self.last_year.get((kpi.pk, body_id, before))
        return Benchmark(previous, self.last_year.get((kpi.pk, body_id, last_year_of(month))), self.target_share(kpi))

    def warnings(self, kpi, body_id, month, value) -> list[str]:
        """Why a month's value needs an explanation before it is saved; [] when it is plausible."""
        if value is None or not kpi.kind.is_numeric:
            return []
        return plausibility_warnings(
            kpi, value, self.for_cell(kpi, body_id, month), self.rule(kpi), judge_target=kpi.pk in self.sole_reporter
        )


def plausibility_warnings(kpi, value: Decimal, benchmark: Benchmark, rule: PlausibilityRule, *, judge_target: bool = True) -> list[str]:
    kind = kpi.kind
    show = kind.format_value
    messages = []
    if kpi.measure_type == MeasureType.RATE and rule.warn_rate_over_100 and value > HUNDRED:
        messages.append(f"率が100%を超えています（{show(value)}）。")
    if kpi.min_value is not None and value < kpi.min_value:
        messages.append(f"下限（{show(kpi.min_value)}）を下回っています。")
    if kpi.max_value is not None and value > kpi.max_value:
        messages.append(f"上限（{show(kpi.max_value)}）を上回っています。")
    for label, base in (("前月", benchmark.previous_month), ("前年同月", benchmark.last_year)):
        if base is None or base <= 0 or base < rule.min_base_value:
            continue
        change = (value - base) / base
        if abs(change) > rule.max_change_ratio:
            direction = "増えて" if change > 0 else "減って"
            messages.append(f"{label}（{show(base)}）から{abs(change) * 100:.0f}%{direction}います。")
    share = benchmark.target_share
    # Only a monthly target sets a month's pace; a yearly one is met in uneven months (grants paid in batches).
    monthly = kind.adds_up and kind.target_period == TargetPeriod.MONTH
    if judge_target and monthly and share and value > share * (1 + rule.max_target_share_ratio):
        messages.append(f"月間目標相当（{show(share)}）の{format_number(1 + rule.max_target_share_ratio)}倍を超えています。")
    return messages
