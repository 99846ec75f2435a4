"""What the progress report exports hold, gathered once for every format (Excel, CSV, the PDF packet).

Built from the same functions as the screens (roadmap tree, achievement, latest statuses), so a
file shows what the roadmap and home pages show: no draft report of any body, for instance.
"""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from kpi.models import Kpi, KpiFigure
from kpi.services import monthly_totals, plan_achievements
from plans.progress import latest_statuses, measure_bodies
from plans.roadmap import roadmap_tree
from core.fiscal import fiscal_months


@dataclass
class KpiRow:
    kpi: Kpi
    measure_code: str
    monthly: list  # 12 values: a count, a rate in %, or None
    achievement: object


@dataclass
class ProgressData:
    plan: object
    as_of: date
    tree: list
    kpi_rows: list[KpiRow]
    body_measures: dict = field(default_factory=dict)  # body → [measure]

    @property
    def months(self):
        return fiscal_months(self.plan.fiscal_year)

    def measures(self):
        for node in self.sections():
            yield from node.measures

    def sections(self):
        """Every section node in printed order (each carries its depth and measures)."""
        for root in self.tree:
            yield from root.walk()


def gather(plan, as_of: date) -> ProgressData:
    tree = roadmap_tree(plan)
    achievements = plan_achievements(plan, as_of)
    statuses = latest_statuses(plan)
    figures = defaultdict(list)
    for figure in KpiFigure.objects.filter(kpi__measure__section__plan=plan).only("kpi_id", "month", "value", "numerator", "denominator"):
        figures[figure.kpi_id].append(figure)
    sections = {}
    for root in tree:
        for node in root.walk():
            sections[node.section.pk] = node.section
    for section in sections.values():
        section.parent = sections.get(section.parent_id)
    kpi_rows, measures = [], []
    for root in tree:
        for node in root.walk():
            for measure in node.measures:
                measure.section = sections[measure.section_id]
                measure.status = statuses.get(measure.pk)
                measures.append(measure)
                measure.kpi_lines = []
                for kpi in measure.kpis.all():
                    row = KpiRow(kpi, measure.code, monthly_totals(kpi, figures[kpi.pk]), achievements[kpi.pk])
                    measure.kpi_lines.append(row)
                    kpi_rows.append(row)
    by_body = defaultdict(list)
    responsible = measure_bodies(plan, measures)
    for measure in measures:
        for body in responsible[measure.pk]:
            by_body[body].append(measure)
    ordered = dict(sorted(by_body.items(), key=lambda item: (item[0].order, item[0].name)))
    return ProgressData(plan=plan, as_of=as_of, tree=tree, kpi_rows=kpi_rows, body_measures=ordered)
