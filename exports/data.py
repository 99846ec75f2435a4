"""What the progress report exports hold, gathered once for every format (Excel, CSV, the PDF packet).

Built from the same functions as the screens (roadmap tree, achievement, latest statuses), so a
file shows what the roadmap and home pages show: no draft report of any body, for instance.
Figures are the counted ones (kpi/confirmation.py): 確定値 only, unless `provisional` asks for
速報値 as well, which are then flagged month by month so that every format can mark them.
"""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from kpi.confirmation import PROVISIONAL_NOTE, confirmed_through, counted_figures, cutoff_label, judged_months
from kpi.models import Kpi, KpiFigure
from kpi.services import kpi_result, monthly_provisional, monthly_totals
from plans.progress import latest_statuses, measure_bodies
from plans.roadmap import roadmap_tree
from core.fiscal import fiscal_months


@dataclass
class KpiRow:
    kpi: Kpi
    measure_code: str
    monthly: list  # 12 values (April first) from counted figures: a count, a rate in %, or None
    achievement: object  # from counted figures only
    monthly_provisional: list = field(default_factory=lambda: [False] * 12)  # True: that month includes 速報値 (submitted, unapproved)
    provisional: bool = False  # the achievement to date includes 速報値
    figures: list = field(default_factory=list)  # the counted figures (with `submission_status`), e.g. a qualitative KPI's texts


@dataclass
class ProgressData:
    plan: object
    as_of: date
    tree: list
    kpi_rows: list[KpiRow]
    body_measures: dict = field(default_factory=dict)  # body → [measure]
    provisional: bool = False  # whether 速報値 (submitted, not yet approved) are included
    confirmed_through: date | None = None  # the last month all of whose figures are approved

    provisional_note = PROVISIONAL_NOTE

    @property
    def cutoff_label(self) -> str:
        """"令和8年1月分まで確定" (or "確定した月はありません")."""
        return cutoff_label(self.confirmed_through)

    @property
    def basis_label(self) -> str:
        """What the file says it shows, for its title rows."""
        if not self.provisional:
            return f"確定値（{self.cutoff_label}）"
        return f"速報値を含む（{self.cutoff_label}。「速報」は未承認の値を含む）"

    @property
    def has_provisional(self) -> bool:
        return any(any(row.monthly_provisional) for row in self.kpi_rows)

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


def gather(plan, as_of: date, provisional: bool = False) -> ProgressData:
    """Everything the files show; `provisional` includes submitted, unapproved figures (marked).
    The caller decides whether its user may have them (kpi.confirmation.export_provisional)."""
    provisional = bool(provisional)
    cutoff = confirmed_through(plan)
    tree = roadmap_tree(plan)
    statuses = latest_statuses(plan)
    figures = defaultdict(list)
    counted = counted_figures(KpiFigure.objects.filter(kpi__measure__section__plan=plan), provisional).only(
        "kpi_id", "member_body_id", "month", "value", "numerator", "denominator", "text_value", "yes_no"
    )
    all_figures = list(counted.order_by("month", "member_body_id"))
    for figure in all_figures:
        figures[figure.kpi_id].append(figure)
    elapsed = judged_months(plan.fiscal_year, as_of, all_figures)
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
                    counted_kpi = figures[kpi.pk]
                    result = kpi_result(kpi, counted_kpi, elapsed)
                    row = KpiRow(
                        kpi, measure.code, monthly_totals(kpi, counted_kpi), result.achievement,
                        monthly_provisional=monthly_provisional(counted_kpi), provisional=result.provisional, figures=counted_kpi,
                    )
                    measure.kpi_lines.append(row)
                    kpi_rows.append(row)
    by_body = defaultdict(list)
    responsible = measure_bodies(plan, measures)
    for measure in measures:
        for body in responsible[measure.pk]:
            by_body[body].append(measure)
    ordered = dict(sorted(by_body.items(), key=lambda item: (item[0].order, item[0].name)))
    return ProgressData(
        plan=plan, as_of=as_of, tree=tree, kpi_rows=kpi_rows, body_measures=ordered,
        provisional=provisional, confirmed_through=cutoff,
    )
