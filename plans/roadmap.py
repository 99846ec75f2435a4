"""Builds the roadmap (工程表) tree of a plan in a constant number of queries."""
from dataclasses import dataclass, field

from django.db.models import Prefetch

from kpi.models import Kpi
from plans.models import ROADMAP_KPIS, BusinessPlan, Measure, RoadmapSection


@dataclass
class SectionNode:
    section: RoadmapSection
    depth: int
    children: list["SectionNode"] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)

    def walk(self):
        """This node and all below it, in printed order."""
        yield self
        for child in self.children:
            yield from child.walk()


def responsible_label(measure: Measure) -> str:
    """The 実施主体 as the roadmap prints it (労働局・県・機構); parties must be prefetched."""
    return "・".join(p.label for p in sorted(measure.responsible_parties.all(), key=lambda p: (p.order, p.label)))


def roadmap_tree(plan: BusinessPlan) -> list[SectionNode]:
    sections = list(plan.sections.all())
    measures = (
        Measure.objects.filter(section__plan=plan)
        .prefetch_related(
            "responsible_parties",
            "categories",
            # A goal component's KPI is printed with its goal (数値目標), not among the measure's.
            Prefetch("kpis", queryset=Kpi.objects.filter(ROADMAP_KPIS).select_related("parent")),
        )
        .order_by("order", "id")
    )
    nodes = {s.pk: SectionNode(section=s, depth=0) for s in sections}
    roots = []
    for section in sections:
        node = nodes[section.pk]
        if section.parent_id:
            nodes[section.parent_id].children.append(node)
        else:
            roots.append(node)
    for measure in measures:
        measure.responsible_label = responsible_label(measure)
        nodes[measure.section_id].measures.append(measure)

    def set_depth(node, depth):
        node.depth = depth
        for child in node.children:
            set_depth(child, depth + 1)

    for root in roots:
        set_depth(root, 0)
    return roots


def attach_kpi_results(roots: list[SectionNode], plan: BusinessPlan, as_of, basis) -> None:
    """Give each measure `kpi_lines`: (KPI, achievement to date, includes 速報値) from the figures
    that count on `basis` (kpi/confirmation.py), in two queries for the whole tree."""
    from kpi.services import plan_results

    results = plan_results(plan, as_of, basis)
    for root in roots:
        for node in root.walk():
            for measure in node.measures:
                measure.kpi_lines = [
                    (kpi, results[kpi.pk].achievement, results[kpi.pk].provisional) for kpi in measure.kpis.all()
                ]


def filter_tree(roots: list[SectionNode], measure_ids: set[int]) -> list[SectionNode]:
    """The tree with only the given measures, dropping sections left with nothing under them."""

    def prune(node):
        node.measures = [m for m in node.measures if m.pk in measure_ids]
        node.children = [child for child in node.children if prune(child)]
        return node.measures or node.children

    return [root for root in roots if prune(root)]
