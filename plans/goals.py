"""The plan's numeric goals (数値目標) and how far their year has come.

A goal's actual is the sum of its components' KPI figures (a body's month counts once it is
approved, or also once submitted when provisional figures are asked for), judged as a count with a
yearly target pro-rated over the months judged (ended, and none past the last month its figures
count for: kpi.confirmation.judged_months), like any KPI on the home page.
Computed for many plans at once in a constant number of queries (the national view).
"""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch

from core.fiscal import fiscal_month_index, fiscal_months
from kpi.achievement import Achievement, FigureValue
from kpi.choices import MeasureType, Outlook, TargetPeriod
from kpi.kinds import format_achievement, kind_for
from kpi.confirmation import as_basis, counted_figures, is_provisional, judged_months, month_name
from kpi.models import Kpi, KpiFigure
from plans.models import GoalComponent, NumericGoal


@dataclass(frozen=True)
class ComponentProgress:
    """One body's part of a goal (群馬労働局, ジョブカフェぐんま …)."""

    component: GoalComponent
    label: str
    body: str  # the bodies that report it, as one label
    target: Decimal | None  # its KPI's yearly target; None where the plan gives only the goal's sum
    actual: Decimal | None  # None when no counted month has a figure
    unit: str
    has_provisional: bool = False  # the actual counts a submitted, not yet approved month (速報)

    @property
    def kpi(self) -> Kpi:
        return self.component.kpi

    @property
    def actual_text(self) -> str:
        return _count(self.actual, self.unit)

    @property
    def target_text(self) -> str:
        return _count(self.target, self.unit)


@dataclass(frozen=True)
class GoalProgress:
    """A numeric goal with its actual to date: what the home page, the national view, the packet and the Excel print."""

    goal: NumericGoal
    label: str
    target: Decimal
    unit: str
    note: str
    actual: Decimal | None  # sum of the components' counted figures over the months ended
    target_to_date: Decimal | None  # the yearly target pro-rated to the months ended
    ratio: Decimal | None  # actual ÷ target_to_date, like every KPI's 達成率 (1 = 100 %)
    outlook: str  # an Outlook value (順調・注意・遅れ・未入力)
    months_elapsed: int  # the months judged: ended, and no later than the last one the figures count for
    through: date | None  # the last of them
    provisional: bool  # whether submitted, not yet approved months are counted (速報値)
    components: list[ComponentProgress] = field(default_factory=list)

    @property
    def share_of_year(self) -> Decimal | None:
        """How much of the whole year's target the actual already is (実績 ÷ 年間目標)."""
        if self.actual is None or not self.target:
            return None
        return self.actual / self.target

    @property
    def outlook_label(self) -> str:
        return Outlook(self.outlook).label

    @property
    def through_label(self) -> str:
        """"令和7年12月分まで" (or "集計できる月はありません")."""
        return f"{month_name(self.through)}分まで" if self.through else "集計できる月はありません"

    @property
    def has_provisional(self) -> bool:
        """Whether the actual counts a submitted, not yet approved month (to be marked 速報)."""
        return any(c.has_provisional for c in self.components)

    @property
    def has_untargeted_components(self) -> bool:
        return any(c.target is None for c in self.components)

    @property
    def target_text(self) -> str:
        return _count(self.target, self.unit)

    @property
    def actual_text(self) -> str:
        return _count(self.actual, self.unit)

    @property
    def target_to_date_text(self) -> str:
        return _count(self.target_to_date, self.unit)

    @property
    def ratio_text(self) -> str:
        return format_achievement(self.ratio)

    @property
    def share_of_year_text(self) -> str:
        return format_achievement(self.share_of_year)


def _count(value, unit: str) -> str:
    return kind_for(MeasureType.COUNT, unit=unit).format_value(value) if value is not None else "－"


def headline_progress(plan, as_of: date, provisional=False) -> list[GoalProgress]:
    """The plan's numeric goals in order, each with its actual over the months ended by `as_of`.

    `provisional`: True (or a kpi.confirmation.Basis) counts submitted, not yet approved months too.
    """
    return plans_headline_progress([plan], as_of, provisional=provisional)[plan.pk]


def plans_headline_progress(plans, as_of: date, provisional=False) -> dict[int, list[GoalProgress]]:
    """The same for several plans at once: plan id → goals, in three queries whatever their number
    (goals, components with their KPIs and reporting bodies, counted figures); none without goals."""
    plans = {plan.pk: plan for plan in plans}
    goals = list(
        NumericGoal.objects.filter(plan__in=plans)
        .order_by("plan", "order", "id")
        .prefetch_related(
            Prefetch(
                "components",
                queryset=GoalComponent.objects.select_related("kpi").prefetch_related("kpi__reporting_bodies"),
            )
        )
    )
    kpi_ids = [c.kpi_id for goal in goals for c in goal.components.all()]
    figures = _counted_figures(kpi_ids, provisional)
    result = {pk: [] for pk in plans}
    for goal in goals:
        plan = plans[goal.plan_id]
        own = [f for c in goal.components.all() for f in figures.get(c.kpi_id, [])]
        # As for every KPI: the months ended, but none past the last month the goal's figures count for.
        months = judged_months(plan.fiscal_year, as_of, own)
        result[plan.pk].append(_progress(goal, plan, figures, months, as_basis(provisional).includes_provisional))
    return result


def _counted_figures(kpi_ids, provisional) -> dict[int, list[KpiFigure]]:
    """KPI id → its figures of the months that count (kpi.confirmation: approved; submitted too if provisional)."""
    if not kpi_ids:
        return {}
    by_kpi = defaultdict(list)
    for figure in counted_figures(KpiFigure.objects.filter(kpi_id__in=kpi_ids), provisional).only("kpi_id", "month", "value"):
        by_kpi[figure.kpi_id].append(figure)
    return by_kpi


def _progress(goal: NumericGoal, plan, figures, months_elapsed: int, provisional: bool) -> GoalProgress:
    kind = kind_for(MeasureType.COUNT, target_period=TargetPeriod.YEAR, unit=goal.unit)
    components, all_figures = [], []
    for component in goal.components.all():
        counted = [f for f in figures.get(component.kpi_id, []) if fiscal_month_index(f.month) <= months_elapsed]
        own = [FigureValue(month_index=fiscal_month_index(f.month), value=f.value) for f in counted]
        all_figures.extend(own)
        components.append(
            ComponentProgress(
                component=component,
                label=component.label,
                body="・".join(b.name for b in component.kpi.reporting_bodies.all()),
                target=component.kpi.target_value,
                actual=kind.to_date_value(own),
                # Printed in the goal's unit: the parts add up to the goal (正社員就職件数 count 人 here).
                unit=goal.unit,
                has_provisional=any(is_provisional(f) and f.value is not None for f in counted),
            )
        )
    result: Achievement = kind.achievement(goal.target, all_figures, months_elapsed)
    return GoalProgress(
        goal=goal,
        label=goal.label,
        target=goal.target,
        unit=goal.unit,
        note=goal.note,
        actual=result.actual,
        target_to_date=result.target_to_date,
        ratio=result.ratio,
        outlook=result.outlook,
        months_elapsed=months_elapsed,
        through=fiscal_months(plan.fiscal_year)[months_elapsed - 1] if months_elapsed else None,
        provisional=provisional,
        components=components,
    )


def copy_goals(plan, copy, kpis: dict) -> None:
    """The plan's goals and components onto its copy (年度の切替); `kpis` maps old KPI ids to the copied KPIs."""
    for goal in plan.numeric_goals.prefetch_related("components"):
        new_goal = NumericGoal.objects.create(
            plan=copy, label=goal.label, target=goal.target, unit=goal.unit, note=goal.note, order=goal.order
        )
        for component in goal.components.all():
            GoalComponent.objects.create(goal=new_goal, kpi=kpis[component.kpi_id], label=component.label, order=component.order)
