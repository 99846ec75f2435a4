"""Fiscal-year rollover (年度の切替): copy a plan to the next year, and compare two years' plans.

A copy takes the roadmap, KPIs and targets, the numeric goals (数値目標) with their components, the
categories' wording and goals and the reporting periods (moved by one year); it takes no figures,
submissions or reports, which belong to their year.
"""
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from kpi.models import Kpi
from plans.goals import copy_goals
from plans.models import BusinessPlan, Measure, PlanCategory, ReportingPeriod, RoadmapSection
from plans.services import ensure_default_reporting_periods

_PLAN_FIELDS = [
    "title", "introduction", "purpose", "positioning", "structure", "period", "goal_text", "kpi_policy", "progress_policy",
]
_KPI_FIELDS = [
    "name", "group_label", "measure_type", "target_value", "target_period", "comparison", "unit", "numerator_label",
    "denominator_label", "qualitative_format", "target_text", "note", "order",
    # the entry grid's checks (kpi/plausibility.py) carry over with the KPI
    "min_value", "max_value", "numerator_within_denominator",
]


def _next_year(d: date) -> date:
    return d.replace(year=d.year + 1) if not (d.month == 2 and d.day == 29) else date(d.year + 1, 2, 28)


@transaction.atomic
def copy_plan(plan: BusinessPlan, fiscal_year: int) -> BusinessPlan:
    """The plan copied to `fiscal_year` as a draft (策定中); refuses a year that already has a plan."""
    if plan.platform.plans.filter(fiscal_year=fiscal_year).exists():
        raise ValidationError(f"{fiscal_year}年度の事業実施計画は既にあります。")
    copy = BusinessPlan(platform=plan.platform, fiscal_year=fiscal_year, status=BusinessPlan.Status.DRAFT)
    for name in _PLAN_FIELDS:
        setattr(copy, name, getattr(plan, name))
    copy.save()
    for category in plan.categories.all():
        PlanCategory.objects.create(
            plan=copy, category=category.category, title=category.title, definition=category.definition,
            estimated_population=category.estimated_population, estimate_note=category.estimate_note, goal=category.goal,
        )
    shift = fiscal_year - plan.fiscal_year
    for period in plan.reporting_periods.all():
        moved = {name: getattr(period, name) for name in ("starts_on", "ends_on", "due_on")}
        for _ in range(shift):
            moved = {name: _next_year(value) if value else None for name, value in moved.items()}
        ReportingPeriod.objects.create(plan=copy, name=period.name, **moved)
    sections = {}
    pending = list(plan.sections.order_by("order", "id"))
    while pending:  # parents before children, whatever order the database returns
        ready = [s for s in pending if s.parent_id is None or s.parent_id in sections]
        if not ready:
            raise ValidationError("工程表の項目の親子関係が循環しているため複製できません。")
        for section in ready:
            sections[section.pk] = RoadmapSection.objects.create(
                plan=copy, parent=sections.get(section.parent_id), number=section.number, title=section.title,
                description=section.description, order=section.order,
            )
        pending = [s for s in pending if s.pk not in sections]
    kpis = {}
    parents = []
    measures = Measure.objects.filter(section__plan=plan).prefetch_related("responsible_parties", "categories", "kpis__reporting_bodies")
    for measure in measures:
        new_measure = Measure.objects.create(
            section=sections[measure.section_id], number=measure.number, title=measure.title,
            description=measure.description, note=measure.note, order=measure.order,
        )
        new_measure.responsible_parties.set(measure.responsible_parties.all())
        new_measure.categories.set(measure.categories.all())
        for kpi in measure.kpis.all():
            new_kpi = Kpi(measure=new_measure, **{name: getattr(kpi, name) for name in _KPI_FIELDS})
            new_kpi.save()
            new_kpi.reporting_bodies.set(kpi.reporting_bodies.all())
            kpis[kpi.pk] = new_kpi
            if kpi.parent_id:
                parents.append((new_kpi, kpi.parent_id))
    for new_kpi, old_parent in parents:  # 内数 links point at the copied parent
        new_kpi.parent = kpis[old_parent]
        new_kpi.save(update_fields=["parent"])
    copy_goals(plan, copy, kpis)  # 数値目標 and their components, on the copied KPIs
    ensure_default_reporting_periods(copy)  # a plan that had no periods starts the new year with the defaults
    return copy


@dataclass
class Change:
    code: str
    what: str
    before: str
    after: str


@dataclass
class PlanDiff:
    added: list[str] = field(default_factory=list)  # measure codes and titles
    removed: list[str] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def _measures(plan) -> dict[str, Measure]:
    measures = Measure.objects.filter(section__plan=plan).select_related("section__parent__parent").prefetch_related("kpis")
    return {m.code: m for m in measures}


def _target(kpi) -> str:
    # As the kind writes it (value, unit, period and direction), so a change of any of them shows.
    return kpi.kind.format_target(kpi) or "なし"


def _label(measure) -> str:
    return f"{measure.code} {measure.title or measure.description[:40]}"


def plan_diff(before: BusinessPlan, after: BusinessPlan) -> PlanDiff:
    """Measures added, removed and changed (text, KPIs, targets) between two plans, matched by their code (2(1)ア①)."""
    old, new = _measures(before), _measures(after)
    diff = PlanDiff(
        added=[_label(new[code]) for code in new if code not in old],
        removed=[_label(old[code]) for code in old if code not in new],
    )
    for code in old.keys() & new.keys():
        a, b = old[code], new[code]
        if a.description != b.description:
            diff.changed.append(Change(code, "取組内容", a.description, b.description))
        a_kpis, b_kpis = {k.name: k for k in a.kpis.all()}, {k.name: k for k in b.kpis.all()}
        for name in a_kpis.keys() - b_kpis.keys():
            diff.changed.append(Change(code, f"ＫＰＩ「{name}」", a_kpis[name].target_text or "あり", "削除"))
        for name in b_kpis.keys() - a_kpis.keys():
            diff.changed.append(Change(code, f"ＫＰＩ「{name}」", "なし", b_kpis[name].target_text or "追加"))
        for name in a_kpis.keys() & b_kpis.keys():
            if _target(a_kpis[name]) != _target(b_kpis[name]):
                diff.changed.append(Change(code, f"ＫＰＩ「{name}」の目標", _target(a_kpis[name]), _target(b_kpis[name])))
    diff.changed.sort(key=lambda c: c.code)
    return diff
