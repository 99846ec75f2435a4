"""The national view (全国ビュー): every platform side by side, for the national read-only role."""
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from kpi.choices import Outlook
from kpi.confirmation import confirmed_through_matrix, cutoff_label
from kpi.reporting import reporting_matrices
from kpi.services import plans_achievements
from core.models import Platform
from core.tenancy import working_plan
from plans.goals import plans_headline_progress
from plans.models import BusinessPlan


@dataclass
class PlatformLine:
    platform: Platform
    plan: BusinessPlan | None
    outlooks: Counter
    reporting_rate: float | None
    confirmed_through: date | None = None  # the 確定 cut-off: achievement counts approved figures only
    goals: list = field(default_factory=list)  # the plan's numeric goals with their actuals (plans.goals)

    @property
    def cutoff_label(self) -> str:
        return cutoff_label(self.confirmed_through) if self.plan else "－"

    @property
    def name(self):
        return self.platform.name_for_fiscal_year(self.plan.fiscal_year if self.plan else None)

    @property
    def counted(self) -> int:
        return sum(self.outlooks[o] for o in (Outlook.ON_TRACK, Outlook.AT_RISK, Outlook.OFF_TRACK))

    @property
    def on_track_share(self) -> float | None:
        return self.outlooks[Outlook.ON_TRACK] / self.counted if self.counted else None


def national_overview(as_of: date) -> list[PlatformLine]:
    """One line per active platform, in a constant number of queries whatever the number of platforms.

    A read-only view: confirmed (approved) figures only, with each platform's cut-off.
    """
    platforms = list(Platform.objects.filter(is_active=True))
    plans_by_platform = {}
    for plan in BusinessPlan.objects.filter(platform__in=platforms):
        plans_by_platform.setdefault(plan.platform_id, []).append(plan)
    chosen = {p.pk: working_plan(p, as_of, plans=plans_by_platform.get(p.pk, [])) for p in platforms}
    plans = [plan for plan in chosen.values() if plan is not None]
    matrices = reporting_matrices(plans, as_of)
    # Confirmed values only; each plan's cut-off comes from its matrix (no query).
    cutoffs = {plan.pk: confirmed_through_matrix(matrices[plan.pk]) for plan in plans}
    achievements = plans_achievements(plans, as_of)
    goals = plans_headline_progress(plans, as_of)
    lines = []
    for platform in platforms:
        plan = chosen[platform.pk]
        # As on the home page, a goal component's KPI counts with its goal, not among the KPIs.
        shown_with_goals = {c.component.kpi_id for g in goals[plan.pk] for c in g.components} if plan else set()
        outlooks = Counter(a.outlook for pk, a in achievements[plan.pk].items() if pk not in shown_with_goals) if plan else Counter()
        rate = matrices[plan.pk].overall_rate if plan else None
        confirmed = cutoffs[plan.pk] if plan else None
        lines.append(PlatformLine(platform, plan, outlooks, rate, confirmed, goals=goals[plan.pk] if plan else []))
    return lines
