"""Loads a platform's definition (members, roles, plan and roadmap, municipalities) from JSON.

The JSON is shaped like the documents a secretariat already has (設置要領, 事業実施計画, 工程表),
so a new prefecture can be described without code; `fixtures/gunma/` is Gunma's. Loading is
atomic and idempotent: platform-level records are matched on their natural keys, and a plan that
already exists is left untouched unless replace=True.
"""
import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from kpi.choices import Comparison, MeasureType, TargetPeriod
from kpi.models import Kpi
from members.models import AccessRole, MemberBody, MemberCategory, ResponsibleParty, Role, RoleAssignment
from municipal_pf.models import Municipality
from plans.models import BusinessPlan, Measure, PlanCategory, ReportingPeriod, RoadmapSection, SupportCategory
from platform_portal.models import Guideline, GuidelineAmendment, Platform, PlatformName, Prefecture, Stage
from platform_portal.permissions import unknown_permissions


class LoadError(Exception):
    """A definition that cannot be loaded; the message names the place in the file."""


def _date(value, where):
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise LoadError(f"{where}: 日付「{value}」は YYYY-MM-DD 形式で書いてください。") from None


def _validated(instance, where, exclude=None):
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise LoadError(f"{where}: {' '.join(exc.messages)}") from None


def _lookup(mapping, key, where, what):
    try:
        return mapping[key]
    except KeyError:
        raise LoadError(f"{where}: {what}「{key}」が見つかりません。") from None


@dataclass
class LoadResult:
    platform: Platform
    plans: list
    municipalities: int


def load_directory(directory: Path, *, replace_plans: bool = False) -> LoadResult:
    """platform.json, then every plan_*.json, then municipalities.json if present."""
    directory = Path(directory)
    with transaction.atomic():
        platform = load_platform(_read(directory / "platform.json"))
        plans = [
            load_plan(platform, _read(path), replace=replace_plans) for path in sorted(directory.glob("plan_*.json"))
        ]
        municipalities_path = directory / "municipalities.json"
        count = load_municipalities(_read(municipalities_path)) if municipalities_path.exists() else 0
    return LoadResult(platform, plans, count)


def _read(path: Path):
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LoadError(f"{path}: ファイルがありません。") from None
    except json.JSONDecodeError as exc:
        raise LoadError(f"{path}: {exc.lineno}行目 {exc.colno}列目の JSON が読み取れません（{exc.msg}）。") from None


@transaction.atomic
def load_platform(data: dict) -> Platform:
    prefecture = _lookup(
        {p.code: p for p in Prefecture.objects.all()}, data["prefecture"], "prefecture", "都道府県コード"
    )
    platform, _ = Platform.objects.update_or_create(
        code=data["code"],
        defaults={
            "prefecture": prefecture,
            "established_on": _date(data.get("established_on"), "established_on"),
            "meeting_frequency": data.get("meeting_frequency", ""),
            "confidentiality_clause": data.get("confidentiality_clause", ""),
        },
    )
    for i, item in enumerate(data.get("names", [])):
        PlatformName.objects.update_or_create(
            platform=platform,
            from_fiscal_year=item["from_fiscal_year"],
            defaults={"name": item["name"], "short_name": item.get("short_name", ""), "reason": item.get("reason", "")},
        )
    for item in data.get("stages", []):
        Stage.objects.update_or_create(
            platform=platform,
            name=item["name"],
            defaults={
                "from_fiscal_year": item["from_fiscal_year"],
                "to_fiscal_year": item.get("to_fiscal_year"),
                "description": item.get("description", ""),
            },
        )
    for i, item in enumerate(data.get("guidelines", [])):
        guideline, _ = Guideline.objects.update_or_create(
            platform=platform,
            title=item["title"],
            defaults={"enacted_on": _date(item["enacted_on"], f"guidelines[{i}].enacted_on"), "text": item.get("text", "")},
        )
        for j, amended in enumerate(item.get("amendments", [])):
            GuidelineAmendment.objects.get_or_create(
                guideline=guideline, amended_on=_date(amended, f"guidelines[{i}].amendments[{j}]")
            )

    categories = {}
    for order, name in enumerate(data.get("member_categories", []), start=1):
        categories[name], _ = MemberCategory.objects.update_or_create(
            platform=platform, name=name, defaults={"order": order}
        )
    bodies = {}
    for order, item in enumerate(data.get("member_bodies", []), start=1):
        where = f"member_bodies[{order - 1}]"
        category = _lookup(categories, item["category"], where, "区分") if item.get("category") else None
        membership = item.get("membership", MemberBody.Membership.MEMBER)
        if membership not in MemberBody.Membership.values:
            raise LoadError(f"{where}.membership: 「{membership}」は member / observer / partner のいずれかにしてください。")
        bodies[item["name"]], _ = MemberBody.objects.update_or_create(
            platform=platform,
            name=item["name"],
            defaults={
                "category": category,
                "organisation": item.get("organisation", ""),
                "department": item.get("department", ""),
                "short_label": item.get("short_label", ""),
                "membership": membership,
                "operated_by": item.get("operated_by", ""),
                "joined_on": _date(item.get("joined_on"), f"{where}.joined_on"),
                "left_on": _date(item.get("left_on"), f"{where}.left_on"),
                "note": item.get("note", ""),
                "order": order,
            },
        )
    if chair := data.get("chair"):
        platform.chair_body = _lookup(bodies, chair["body"], "chair.body", "機関・団体") if chair.get("body") else None
        platform.chair_title = chair.get("title", "")
        platform.save(update_fields=["chair_body", "chair_title"])

    for order, item in enumerate(data.get("roles", []), start=1):
        where = f"roles[{order - 1}]"
        role, _ = Role.objects.update_or_create(
            platform=platform,
            name=item["name"],
            defaults={"function": item.get("function", Role.Function.OTHER), "order": order},
        )
        for j, holder in enumerate(item.get("bodies", [])):
            body = _lookup(bodies, holder["body"], f"{where}.bodies[{j}]", "機関・団体")
            RoleAssignment.objects.update_or_create(role=role, member_body=body, defaults={"share": holder.get("share", "")})

    for order, item in enumerate(data.get("responsible_parties", []), start=1):
        where = f"responsible_parties[{order - 1}]"
        party, _ = ResponsibleParty.objects.update_or_create(
            platform=platform,
            label=item["label"],
            defaults={
                "includes_all_members": item.get("includes_all_members", False),
                "note": item.get("note", ""),
                "order": order,
            },
        )
        party.bodies.set([_lookup(bodies, name, where, "機関・団体") for name in item.get("bodies", [])])
        party.categories.set([_lookup(categories, name, where, "区分") for name in item.get("categories", [])])

    for item in data.get("support_categories", []):
        SupportCategory.objects.update_or_create(platform=platform, number=item["number"], defaults={"name": item["name"]})

    for i, item in enumerate(data.get("access_roles", [])):
        if unknown := unknown_permissions(item.get("permissions", [])):
            raise LoadError(f"access_roles[{i}].permissions: 未定義の権限コード {', '.join(unknown)}")
        AccessRole.objects.update_or_create(
            platform=platform,
            code=item["code"],
            defaults={
                "name": item["name"],
                "description": item.get("description", ""),
                "permissions": item.get("permissions", []),
            },
        )
    return platform


_PLAN_TEXT_FIELDS = (
    "introduction", "purpose", "positioning", "structure", "period", "goal_text", "kpi_policy", "progress_policy",
)


@transaction.atomic
def load_plan(platform: Platform, data: dict, *, replace: bool = False) -> BusinessPlan:
    fiscal_year = data["fiscal_year"]
    existing = platform.plans.filter(fiscal_year=fiscal_year).first()
    if existing and not replace:
        return existing
    if existing:
        existing.delete()
    goal = data.get("headline_goal", {})
    plan = BusinessPlan.objects.create(
        platform=platform,
        fiscal_year=fiscal_year,
        title=data["title"],
        status=data.get("status", BusinessPlan.Status.DRAFT),
        adopted_on=_date(data.get("adopted_on"), "adopted_on"),
        headline_goal_label=goal.get("label", ""),
        headline_goal_value=Decimal(str(goal["value"])) if goal.get("value") is not None else None,
        headline_goal_unit=goal.get("unit", ""),
        headline_goal_note=goal.get("note", ""),
        **{field: data.get(field, "") for field in _PLAN_TEXT_FIELDS},
    )
    support_categories = {c.number: c for c in platform.support_categories.all()}
    for i, item in enumerate(data.get("categories", [])):
        PlanCategory.objects.create(
            plan=plan,
            category=_lookup(support_categories, item["number"], f"categories[{i}]", "類型番号"),
            title=item["title"],
            definition=item.get("definition", ""),
            estimated_population=item.get("estimated_population"),
            estimate_note=item.get("estimate_note", ""),
            goal=item.get("goal", ""),
        )
    for i, item in enumerate(data.get("reporting_periods", [])):
        where = f"reporting_periods[{i}]"
        ReportingPeriod.objects.create(
            plan=plan,
            name=item["name"],
            starts_on=_date(item["starts_on"], f"{where}.starts_on"),
            ends_on=_date(item["ends_on"], f"{where}.ends_on"),
            due_on=_date(item.get("due_on"), f"{where}.due_on"),
        )
    context = _RoadmapContext(
        plan=plan,
        parties={p.label: p for p in platform.responsible_parties.all()},
        bodies={b.name: b for b in platform.member_bodies.all()},
        categories=support_categories,
    )
    for order, item in enumerate(data.get("sections", []), start=1):
        _load_section(context, item, parent=None, order=order, where=f"sections[{order - 1}]")
    for kpi, parent_key, where in context.pending_parents:
        kpi.parent = _lookup(context.kpis_by_key, parent_key, where, "親指標のキー")
        _validated(kpi, where)
        kpi.save(update_fields=["parent"])
    return plan


@dataclass
class _RoadmapContext:
    plan: BusinessPlan
    parties: dict
    bodies: dict
    categories: dict

    def __post_init__(self):
        self.kpis_by_key = {}
        self.pending_parents = []
        self.section_order = 0


def _load_section(context, item, *, parent, order, where):
    # One running order over the whole tree keeps "ORDER BY order" equal to the printed order.
    context.section_order += 1
    section = RoadmapSection.objects.create(
        plan=context.plan,
        parent=parent,
        number=item["number"],
        title=item["title"],
        description=item.get("description", ""),
        order=context.section_order,
    )
    for child_order, child in enumerate(item.get("children", []), start=1):
        _load_section(context, child, parent=section, order=child_order, where=f"{where}.children[{child_order - 1}]")
    for measure_order, measure_data in enumerate(item.get("measures", []), start=1):
        _load_measure(context, section, measure_data, measure_order, f"{where}.measures[{measure_order - 1}]")


def _load_measure(context, section, item, order, where):
    measure = Measure.objects.create(
        section=section,
        number=item.get("number", ""),
        title=item.get("title", ""),
        description=item["description"],
        note=item.get("note", ""),
        order=order,
    )
    measure.responsible_parties.set([_lookup(context.parties, label, where, "実施主体") for label in item.get("responsible", [])])
    measure.categories.set([_lookup(context.categories, number, where, "類型番号") for number in item.get("categories", [])])
    for kpi_order, kpi_data in enumerate(item.get("kpis", []), start=1):
        _load_kpi(context, measure, kpi_data, kpi_order, f"{where}.kpis[{kpi_order - 1}]")


def _load_kpi(context, measure, item, order, where):
    for field, choices in (("measure_type", MeasureType), ("target_period", TargetPeriod), ("comparison", Comparison)):
        if field in item and item[field] not in choices.values:
            raise LoadError(f"{where}.{field}: 「{item[field]}」は {' / '.join(choices.values)} のいずれかにしてください。")
    target = item.get("target_value")
    kpi = Kpi(
        measure=measure,
        name=item["name"],
        group_label=item.get("group_label", ""),
        measure_type=item.get("measure_type", MeasureType.COUNT),
        target_value=Decimal(str(target)) if target is not None else None,
        target_period=item.get("target_period", TargetPeriod.YEAR),
        comparison=item.get("comparison", Comparison.AT_LEAST),
        unit=item.get("unit", ""),
        numerator_label=item.get("numerator_label", ""),
        denominator_label=item.get("denominator_label", ""),
        qualitative_format=item.get("qualitative_format", ""),
        target_text=item.get("target_text", ""),
        note=item.get("note", ""),
        order=order,
    )
    _validated(kpi, where, exclude=["parent"])
    kpi.save()
    kpi.reporting_bodies.set([_lookup(context.bodies, name, where, "機関・団体") for name in item.get("reporting_bodies", [])])
    if key := item.get("key"):
        context.kpis_by_key[key] = kpi
    if parent_key := item.get("parent"):
        context.pending_parents.append((kpi, parent_key, where))


@transaction.atomic
def load_municipalities(data: dict) -> int:
    prefecture = _lookup({p.code: p for p in Prefecture.objects.all()}, data["prefecture"], "prefecture", "都道府県コード")
    for i, row in enumerate(data["municipalities"]):
        if row["kind"] not in Municipality.Kind.values:
            raise LoadError(f"municipalities[{i}].kind: 「{row['kind']}」は city / town / village / ward のいずれかにしてください。")
        Municipality.objects.update_or_create(
            code=row["code"],
            defaults={"prefecture": prefecture, "name": row["name"], "kind": row["kind"], "district": row.get("district", "")},
        )
    return len(data["municipalities"])
