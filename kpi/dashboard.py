"""What the home page shows for a plan: the reporting-rate view (報告状況) and every KPI's achievement to date.

Gathered in a constant number of queries, whatever the number of KPIs, bodies or figures, so that
the home page stays fast as a platform's data grows through the year.
"""
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from kpi.achievement import Achievement
from kpi.confirmation import CONFIRMED, Basis, basis_caption, confirmed_through_matrix, cutoff_label, month_name
from kpi.choices import Outlook
from kpi.models import FigureSubmission, Kpi
from kpi.reporting import ReportingMatrix, reporting_matrix
from kpi.services import plan_results
from core import freshness

# The marks counted in the summary line; 対象外 is left out as it is not a judgement.
SUMMARY_OUTLOOKS = (Outlook.ON_TRACK, Outlook.AT_RISK, Outlook.OFF_TRACK, Outlook.NO_DATA)


@dataclass
class KpiLine:
    kpi: Kpi
    achievement: Achievement
    provisional: bool = False  # the figures to date include 速報値 (submitted, not yet approved)
    months: int = 0  # the months (from April) achievement is judged over

    @property
    def outlook_label(self) -> str:
        return Outlook(self.achievement.outlook).label



@dataclass
class KpiGroup:
    """The KPIs under one top-level roadmap item (項目 1–4)."""

    heading: str
    lines: list[KpiLine] = field(default_factory=list)


@dataclass
class Dashboard:
    matrix: ReportingMatrix
    kpi_lines: list[KpiLine]
    awaiting_approval: int  # body-months submitted and not yet approved or returned
    basis: Basis = CONFIRMED

    @property
    def confirmed_through(self) -> date | None:
        return confirmed_through_matrix(self.matrix)

    @property
    def cutoff_label(self) -> str:
        return cutoff_label(self.confirmed_through)

    @property
    def basis_caption(self) -> str:
        """What the page says it shows: "確定値（令和8年1月分まで）" …"""
        return basis_caption(self.basis, self.confirmed_through)

    @property
    def judged_label(self) -> str:
        """The months achievement is judged over, for the heading: "令和7年12月分まで・9か月"."""
        months = max((line.months for line in self.kpi_lines), default=self.matrix.months_due)
        if not months:
            return "集計できる月なし"
        return f"{month_name(self.matrix.months[months - 1])}分まで・{months}か月"

    @property
    def has_provisional(self) -> bool:
        return any(line.provisional for line in self.kpi_lines)

    @property
    def kpi_groups(self) -> list[KpiGroup]:
        groups: list[KpiGroup] = []
        for line in self.kpi_lines:
            heading = str(_root_section(line.kpi.measure.section))
            if not groups or groups[-1].heading != heading:
                groups.append(KpiGroup(heading))
            groups[-1].lines.append(line)
        return groups

    @property
    def outlook_counts(self) -> list[tuple[str, str, int]]:
        counts = Counter(line.achievement.outlook for line in self.kpi_lines)
        return [(o.value, o.label, counts[o.value]) for o in SUMMARY_OUTLOOKS]

    @property
    def outstanding_by_month(self) -> list[tuple[date, list]]:
        """Each ended month that some body still owes, with those bodies: what a reminder can target."""
        matrix = self.matrix
        result = []
        for index, month in enumerate(matrix.months[: matrix.months_due]):
            bodies = [row.body for row in matrix.rows if row.cells[index].is_outstanding]
            if bodies:
                result.append((month, bodies))
        return result

    @property
    def due_months_with_outstanding(self) -> list[date]:
        return [month for month, _ in self.outstanding_by_month]

    @property
    def bodies_with_outstanding(self) -> list[tuple[object, list[date]]]:
        """Each body that owes some ended month, with those months, in member order (the reminder form's choices)."""
        owed: dict[int, tuple[object, list[date]]] = {}
        for month, bodies in self.outstanding_by_month:
            for body in bodies:
                owed.setdefault(body.pk, (body, []))[1].append(month)
        order = {row.body.pk: i for i, row in enumerate(self.matrix.rows)}
        return sorted(owed.values(), key=lambda item: order[item[0].pk])

    @property
    def has_overdue(self) -> bool:
        return any(cell.is_overdue for row in self.matrix.rows for cell in row.cells)

    def outstanding_for(self, body_id) -> list:
        """The cells a body still owes (ended months not submitted or returned)."""
        return [cell for row in self.matrix.rows if row.body.pk == body_id for cell in row.cells if cell.is_outstanding]


def _root_section(section):
    while section.parent_id:
        section = section.parent
    return section


def _roadmap_position(kpi: Kpi) -> tuple:
    """Sort key that follows the printed roadmap: each ancestor section's order from the top, then the measure's."""
    path, section = [], kpi.measure.section
    while section is not None:
        path.append((section.order, section.pk))
        section = section.parent
    return (*reversed(path), (kpi.measure.order, kpi.measure.pk), (kpi.order, kpi.pk))


def kpi_lines(plan, as_of: date, basis: Basis = CONFIRMED) -> list[KpiLine]:
    """Every KPI of the plan with its achievement to date in roadmap order, from the figures that
    count on `basis` (kpi.confirmation)."""
    results = plan_results(plan, as_of, basis)
    # Sections nest at most three deep (項目 → (1) → ア), so two parents reach the top.
    # A numeric goal's part (plans.GoalComponent, by its reverse relation: kpi sits below plans) is
    # shown with its goal (plans/_headline_goal.html), not again among the KPIs.
    kpis = Kpi.objects.filter(goal_component__isnull=True, pk__in=list(results)).select_related("measure__section__parent__parent")
    return [
        KpiLine(kpi, results[kpi.pk].achievement, results[kpi.pk].provisional, results[kpi.pk].months)
        for kpi in sorted(kpis, key=_roadmap_position)
    ]


def awaiting_approval(plan) -> int:
    return FigureSubmission.objects.filter(plan=plan, status=FigureSubmission.Status.SUBMITTED).count()


def cached_dashboard(plan, as_of: date, basis: Basis = CONFIRMED) -> Dashboard:
    """The dashboard as last computed, until any of the portal's data changes (core.freshness).
    Kept per basis: a confirmed-only page never comes from a computation that counted 速報値."""
    return freshness.cached("dashboard", (plan.pk, as_of.isoformat(), basis.key), lambda: build_dashboard(plan, as_of, basis))


def build_dashboard(plan, as_of: date, basis: Basis = CONFIRMED) -> Dashboard:
    return Dashboard(
        matrix=reporting_matrix(plan, as_of, with_due=True),
        kpi_lines=kpi_lines(plan, as_of, basis),
        awaiting_approval=awaiting_approval(plan),
        basis=basis,
    )
