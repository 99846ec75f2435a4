"""What the home page shows for a plan: the reporting-rate view and every KPI's achievement to date."""
from collections import Counter
from dataclasses import dataclass
from datetime import date

from kpi.choices import Outlook
from kpi.models import FigureSubmission, Kpi
from kpi.reporting import reporting_matrix
from kpi.services import plan_achievements


@dataclass
class KpiLine:
    kpi: Kpi
    achievement: object

    @property
    def outlook_label(self) -> str:
        return Outlook(self.achievement.outlook).label

    @property
    def percent(self):
        ratio = self.achievement.ratio
        return None if ratio is None else ratio * 100


@dataclass
class Dashboard:
    matrix: object
    kpi_lines: list[KpiLine]
    awaiting_approval: int

    @property
    def outlook_counts(self) -> list[tuple[str, str, int]]:
        counts = Counter(line.achievement.outlook for line in self.kpi_lines)
        return [(o.value, o.label, counts[o.value]) for o in (Outlook.ON_TRACK, Outlook.AT_RISK, Outlook.OFF_TRACK, Outlook.NO_DATA)]

    @property
    def due_months_with_outstanding(self) -> list[date]:
        return [m for i, m in enumerate(self.matrix.months[: self.matrix.months_due]) if any(row.cells[i].is_outstanding for row in self.matrix.rows)]


def build_dashboard(plan, as_of: date) -> Dashboard:
    achievements = plan_achievements(plan, as_of)
    kpis = (
        Kpi.objects.filter(pk__in=achievements)
        .select_related("measure__section__parent__parent")
        .order_by("measure__section__order", "measure__order", "order", "id")
    )
    return Dashboard(
        matrix=reporting_matrix(plan, as_of),
        kpi_lines=[KpiLine(kpi, achievements[kpi.pk]) for kpi in kpis],
        awaiting_approval=FigureSubmission.objects.filter(plan=plan, status=FigureSubmission.Status.SUBMITTED).count(),
    )
