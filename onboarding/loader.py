"""Loads a platform's definition (members, roles, plan and roadmap, municipalities) from JSON.

The JSON is shaped like the documents a secretariat already has (設置要領, 事業実施計画, 工程表),
so a new prefecture can be described without code; `fixtures/gunma/` is Gunma's. Loading is
atomic and idempotent: platform-level records are matched on their natural keys and validated
like a form would validate them, and a plan that already exists is left untouched unless
replace=True. Records missing from a file are not deleted: removal is an explicit act.
"""
import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from kpi.choices import Comparison, MeasureType, TargetPeriod
from kpi.models import Kpi
from members.models import AccessRole, MemberBody, MemberCategory, ResponsibleParty, Role, RoleAssignment
from municipal_pf.models import Municipality
from plans.models import (
    BusinessPlan, GoalComponent, Measure, NumericGoal, PlanCategory, ReportingPeriod, RoadmapSection, SupportCategory,
)
from plans.services import ensure_default_reporting_periods
from core.models import Guideline, GuidelineAmendment, Platform, PlatformName, Prefecture, Stage


class LoadError(Exception):
    """A definition that cannot be loaded; the message names the place in the file."""


def _req(item, key, where):
    if not isinstance(item, dict):
        raise LoadError(f"{where}: 項目の形式が正しくありません（{{ … }} で書いてください）。")
    if item.get(key) in (None, ""):
        raise LoadError(f"{where}.{key}: 必須の項目がありません。")
    return item[key]


def _date(value, where):
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise LoadError(f"{where}: 日付「{value}」は YYYY-MM-DD 形式で書いてください。") from None


def _decimal(value, where):
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise LoadError(f"{where}: 「{value}」は数値ではありません。") from None


def _validated(instance, where, exclude=None):
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise LoadError(f"{where}: {' '.join(exc.messages)}") from None
    return instance


def _upsert(model, where, lookup: dict, values: dict):
    """update_or_create that validates first, so bad values fail with the file's location."""
    instance = model.objects.filter(**lookup).first() or model(**lookup)
    changed = instance.pk is None
    for name, value in values.items():
        field = model._meta.get_field(name)
        before = getattr(instance, field.attname)
        setattr(instance, name, value)
        changed = changed or getattr(instance, field.attname) != before
    _validated(instance, where)
    # Loading the same file again writes nothing, so the audit trail records only real changes.
    if changed:
        instance.save()
    return instance


def _lookup(mapping, key, where, what):
    try:
        return mapping[key]
    except (KeyError, TypeError):
        raise LoadError(f"{where}: {what}「{key}」が見つかりません。") from None


@dataclass
class LoadResult:
    platform: Platform
    plans: list = field(default_factory=list)
    skipped_plans: list = field(default_factory=list)
    municipalities: int = 0


def load_directory(directory: Path, *, replace_plans: bool = False) -> LoadResult:
    """platform.json, then every plan_*.json, then municipalities.json if present."""
    directory = Path(directory)
    with transaction.atomic():
        result = LoadResult(load_platform(_read(directory / "platform.json")))
        for path in sorted(directory.glob("plan_*.json")):
            plan, created = load_plan(result.platform, _read(path), replace=replace_plans)
            (result.plans if created else result.skipped_plans).append(plan)
        municipalities_path = directory / "municipalities.json"
        if municipalities_path.exists():
            result.municipalities = load_municipalities(_read(municipalities_path), platform=result.platform)
    return result


def _read(path: Path):
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LoadError(f"{path}: ファイルがありません。") from None
    except UnicodeDecodeError:
        raise LoadError(f"{path}: UTF-8 で保存してください。") from None
    except json.JSONDecodeError as exc:
        raise LoadError(f"{path}: {exc.lineno}行目 {exc.colno}列目の JSON が読み取れません（{exc.msg}）。") from None


def _prefecture(code, where):
    return _lookup({p.code: p for p in Prefecture.objects.all()}, code, where, "都道府県コード")


@transaction.atomic
def load_platform(data: dict) -> Platform:
    platform = _upsert(
        Platform,
        "code",
        {"code": _req(data, "code", "platform")},
        {
            "prefecture": _prefecture(_req(data, "prefecture", "platform"), "prefecture"),
            "established_on": _date(data.get("established_on"), "established_on"),
            "meeting_frequency": data.get("meeting_frequency", ""),
            "confidentiality_clause": data.get("confidentiality_clause", ""),
        },
    )
    _load_history(platform, data)
    categories, bodies = _load_members(platform, data)
    if chair := data.get("chair"):
        chair_body = _lookup(bodies, chair["body"], "chair.body", "機関・団体") if chair.get("body") else None
        chair_title = chair.get("title", "")
        # The platform is audited now: saving an unchanged chair would add a history row per load.
        if (platform.chair_body_id, platform.chair_title) != (getattr(chair_body, "pk", None), chair_title):
            platform.chair_body, platform.chair_title = chair_body, chair_title
            _validated(platform, "chair")
            platform.save(update_fields=["chair_body", "chair_title"])
    parties = _load_parties(platform, data, categories, bodies)
    _load_roles(platform, data, bodies, parties)
    for i, item in enumerate(data.get("support_categories", [])):
        where = f"support_categories[{i}]"
        _upsert(SupportCategory, where, {"platform": platform, "number": _req(item, "number", where)}, {"name": _req(item, "name", where)})
    for i, item in enumerate(data.get("access_roles", [])):
        where = f"access_roles[{i}]"
        _upsert(
            AccessRole,
            where,
            {"platform": platform, "code": _req(item, "code", where)},
            {
                "name": _req(item, "name", where), "description": item.get("description", ""), "permissions": item.get("permissions", []),
                "requires_two_factor": item.get("requires_two_factor", False),
            },
        )
    return platform


def _load_history(platform, data):
    for i, item in enumerate(data.get("names", [])):
        where = f"names[{i}]"
        _upsert(
            PlatformName,
            where,
            {"platform": platform, "from_fiscal_year": _req(item, "from_fiscal_year", where)},
            {"name": _req(item, "name", where), "short_name": item.get("short_name", ""), "reason": item.get("reason", "")},
        )
    for i, item in enumerate(data.get("stages", [])):
        where = f"stages[{i}]"
        _upsert(
            Stage,
            where,
            {"platform": platform, "name": _req(item, "name", where)},
            {
                "from_fiscal_year": _req(item, "from_fiscal_year", where),
                "to_fiscal_year": item.get("to_fiscal_year"),
                "description": item.get("description", ""),
            },
        )
    for i, item in enumerate(data.get("guidelines", [])):
        where = f"guidelines[{i}]"
        guideline = _upsert(
            Guideline,
            where,
            {"platform": platform, "title": _req(item, "title", where)},
            {"enacted_on": _date(_req(item, "enacted_on", where), f"{where}.enacted_on"), "text": item.get("text", "")},
        )
        for j, amended in enumerate(item.get("amendments", [])):
            on = _date(amended, f"{where}.amendments[{j}]")
            _upsert(GuidelineAmendment, f"{where}.amendments[{j}]", {"guideline": guideline, "amended_on": on}, {})


def _load_members(platform, data):
    categories = {}
    for order, name in enumerate(data.get("member_categories", []), start=1):
        categories[name] = _upsert(
            MemberCategory, f"member_categories[{order - 1}]", {"platform": platform, "name": name}, {"order": order}
        )
    bodies = {}
    for order, item in enumerate(data.get("member_bodies", []), start=1):
        where = f"member_bodies[{order - 1}]"
        # A department (部局) names its member, listed before it, and its own name: 「青森県（商工労働部）」.
        parent = _lookup(bodies, item["parent"], f"{where}.parent", "所属する構成員") if item.get("parent") else None
        if parent is None:
            name = _req(item, "name", where)
        else:
            name = item.get("name") or MemberBody.department_name(parent.name, _req(item, "department", where))
        bodies[name] = _upsert(
            MemberBody,
            where,
            {"platform": platform, "name": name},
            {
                "parent": parent,
                "category": _lookup(categories, item["category"], where, "区分") if item.get("category") else None,
                "organisation": item.get("organisation", ""),
                "department": item.get("department", ""),
                "short_label": item.get("short_label", ""),
                "membership": item.get("membership", MemberBody.Membership.MEMBER),
                "operated_by": item.get("operated_by", ""),
                "joined_on": _date(item.get("joined_on"), f"{where}.joined_on"),
                "left_on": _date(item.get("left_on"), f"{where}.left_on"),
                "note": item.get("note", ""),
                "order": order,
            },
        )
    return categories, bodies


def _load_roles(platform, data, bodies, parties):
    for order, item in enumerate(data.get("roles", []), start=1):
        where = f"roles[{order - 1}]"
        role = _upsert(
            Role,
            where,
            {"platform": platform, "name": _req(item, "name", where)},
            {"function": item.get("function", Role.Function.OTHER), "order": order},
        )
        for j, holder in enumerate(item.get("bodies", [])):
            at = f"{where}.bodies[{j}]"
            # A holder is a body or department ("body"), or a group by its printed label ("group").
            if holder.get("group"):
                lookup = {"role": role, "responsible_party": _lookup(parties, holder["group"], at, "グループ（実施主体の表記）")}
            else:
                lookup = {"role": role, "member_body": _lookup(bodies, _req(holder, "body", at), at, "機関・団体")}
            _upsert(RoleAssignment, at, lookup, {"share": holder.get("share", "")})


def _load_parties(platform, data, categories, bodies):
    parties = {}
    for order, item in enumerate(data.get("responsible_parties", []), start=1):
        where = f"responsible_parties[{order - 1}]"
        party = _upsert(
            ResponsibleParty,
            where,
            {"platform": platform, "label": _req(item, "label", where)},
            {
                "includes_all_members": item.get("includes_all_members", False),
                "note": item.get("note", ""),
                "order": order,
            },
        )
        party.bodies.set([_lookup(bodies, name, where, "機関・団体") for name in item.get("bodies", [])])
        party.categories.set([_lookup(categories, name, where, "区分") for name in item.get("categories", [])])
        parties[party.label] = party
    return parties


_PLAN_TEXT_FIELDS = (
    "introduction", "purpose", "positioning", "structure", "period", "goal_text", "kpi_policy", "progress_policy",
)


@transaction.atomic
def load_plan(platform: Platform, data: dict, *, replace: bool = False) -> tuple[BusinessPlan, bool]:
    """The plan and whether it was (re)created; an existing plan is kept unless replace=True."""
    fiscal_year = _req(data, "fiscal_year", "plan")
    existing = platform.plans.filter(fiscal_year=fiscal_year).first()
    if existing and not replace:
        return existing, False
    if existing:
        existing.delete()
    plan = _validated(
        BusinessPlan(
            platform=platform,
            fiscal_year=fiscal_year,
            title=_req(data, "title", "plan"),
            status=data.get("status", BusinessPlan.Status.DRAFT),
            adopted_on=_date(data.get("adopted_on"), "adopted_on"),
            **{name: data.get(name, "") for name in _PLAN_TEXT_FIELDS},
        ),
        "plan",
    )
    plan.save()
    support_categories = {c.number: c for c in platform.support_categories.all()}
    for i, item in enumerate(data.get("categories", [])):
        where = f"categories[{i}]"
        _validated(
            PlanCategory(
                plan=plan,
                category=_lookup(support_categories, _req(item, "number", where), where, "類型番号"),
                title=_req(item, "title", where),
                definition=item.get("definition", ""),
                estimated_population=item.get("estimated_population"),
                estimate_note=item.get("estimate_note", ""),
                goal=_req(item, "goal", where),
            ),
            where,
        ).save()
    for i, item in enumerate(data.get("reporting_periods", [])):
        where = f"reporting_periods[{i}]"
        _validated(
            ReportingPeriod(
                plan=plan,
                name=_req(item, "name", where),
                starts_on=_date(_req(item, "starts_on", where), f"{where}.starts_on"),
                ends_on=_date(_req(item, "ends_on", where), f"{where}.ends_on"),
                due_on=_date(item.get("due_on"), f"{where}.due_on"),
            ),
            where,
        ).save()
    # A plan file without periods still lets progress reporting start (the defaults, editable).
    ensure_default_reporting_periods(plan)
    context = _RoadmapContext(
        plan=plan,
        parties={p.label: p for p in platform.responsible_parties.all()},
        bodies={b.name: b for b in platform.member_bodies.all()},
        categories=support_categories,
    )
    for order, item in enumerate(data.get("sections", []), start=1):
        _load_section(context, item, parent=None, where=f"sections[{order - 1}]")
    for kpi, parent_key, where in context.pending_parents:
        kpi.parent = _lookup(context.kpis_by_key, parent_key, f"{where}.parent", "親指標のキー")
        _validated(kpi, where)
        kpi.save(update_fields=["parent"])
    _load_goals(context, data)
    return plan, True


def _load_goals(context, data):
    """数値目標: `numeric_goals`, each with components whose KPIs sit under the measure they belong to
    (`measure`: its code as the roadmap cites it, e.g. 2(1)ア①). A file may instead hold the older
    single `headline_goal` (label, value, unit "人／年", note), read as one goal without components."""
    items = list(data.get("numeric_goals", []))
    if legacy := data.get("headline_goal"):
        if items:
            raise LoadError("headline_goal: numeric_goals と同時には指定できません（numeric_goals にまとめてください）。")
        unit = legacy.get("unit", "").removesuffix("／年")
        items = [{"label": legacy.get("label") or "数値目標", "target": legacy.get("value"), "unit": unit, "note": legacy.get("note", "")}]
    for order, item in enumerate(items, start=1):
        where = "headline_goal" if "headline_goal" in data else f"numeric_goals[{order - 1}]"
        target = _decimal(item.get("target"), f"{where}.target")
        if target is None:
            raise LoadError(f"{where}.target: 目標値を指定してください。")
        goal = _validated(
            NumericGoal(
                plan=context.plan, label=_req(item, "label", where), target=target, unit=_req(item, "unit", where),
                note=item.get("note", ""), order=order,
            ),
            where,
        )
        goal.save()
        for i, component in enumerate(item.get("components", [])):
            at = f"{where}.components[{i}]"
            measure = _lookup(context.measures, _req(component, "measure", at), f"{at}.measure", "取組の番号")
            # After the measure's own KPIs, so the entry grid lists the roadmap's first.
            kpi = _load_kpi(context, measure, _req(component, "kpi", at), 100 + i, f"{at}.kpi")
            _validated(GoalComponent(goal=goal, kpi=kpi, label=_req(component, "label", at), order=i + 1), at).save()


@dataclass
class _RoadmapContext:
    plan: BusinessPlan
    parties: dict
    bodies: dict
    categories: dict
    kpis_by_key: dict = field(default_factory=dict)
    measures: dict = field(default_factory=dict)  # by code (2(1)ア①), for the goals' components
    pending_parents: list = field(default_factory=list)
    section_order: int = 0


def _load_section(context, item, *, parent, where):
    # One running order over the whole tree keeps "ORDER BY order" equal to the printed order.
    context.section_order += 1
    section = _validated(
        RoadmapSection(
            plan=context.plan,
            parent=parent,
            number=_req(item, "number", where),
            title=_req(item, "title", where),
            description=item.get("description", ""),
            order=context.section_order,
        ),
        where,
    )
    section.save()
    for i, child in enumerate(item.get("children", [])):
        _load_section(context, child, parent=section, where=f"{where}.children[{i}]")
    for order, measure_data in enumerate(item.get("measures", []), start=1):
        _load_measure(context, section, measure_data, order, f"{where}.measures[{order - 1}]")


def _load_measure(context, section, item, order, where):
    measure = _validated(
        Measure(
            section=section,
            number=item.get("number", ""),
            title=item.get("title", ""),
            description=_req(item, "description", where),
            note=item.get("note", ""),
            order=order,
        ),
        where,
    )
    measure.save()
    context.measures[measure.code] = measure
    measure.responsible_parties.set([_lookup(context.parties, label, where, "実施主体") for label in item.get("responsible", [])])
    measure.categories.set([_lookup(context.categories, number, where, "類型番号") for number in item.get("categories", [])])
    for kpi_order, kpi_data in enumerate(item.get("kpis", []), start=1):
        _load_kpi(context, measure, kpi_data, kpi_order, f"{where}.kpis[{kpi_order - 1}]")


def _load_kpi(context, measure, item, order, where):
    for name, choices in (("measure_type", MeasureType), ("target_period", TargetPeriod), ("comparison", Comparison)):
        if name in item and item[name] not in choices.values:
            raise LoadError(f"{where}.{name}: 「{item[name]}」は {' / '.join(choices.values)} のいずれかにしてください。")
    kpi = Kpi(
        measure=measure,
        name=_req(item, "name", where),
        group_label=item.get("group_label", ""),
        measure_type=item.get("measure_type", MeasureType.COUNT),
        target_value=_decimal(item.get("target_value"), f"{where}.target_value"),
        target_period=item.get("target_period", TargetPeriod.YEAR),
        comparison=item.get("comparison", Comparison.AT_LEAST),
        unit=item.get("unit", ""),
        numerator_label=item.get("numerator_label", ""),
        denominator_label=item.get("denominator_label", ""),
        qualitative_format=item.get("qualitative_format", ""),
        target_text=item.get("target_text", ""),
        note=item.get("note", ""),
        # the entry grid's checks (kpi/plausibility.py): bounds that ask for an explanation, and rates that cannot pass 100 %
        min_value=_decimal(item.get("min_value"), f"{where}.min_value"),
        max_value=_decimal(item.get("max_value"), f"{where}.max_value"),
        numerator_within_denominator=item.get("numerator_within_denominator", False) is True,
        order=order,
    )
    _validated(kpi, where, exclude=["parent"])
    kpi.save()
    kpi.reporting_bodies.set([_lookup(context.bodies, name, where, "機関・団体") for name in item.get("reporting_bodies", [])])
    if key := item.get("key"):
        context.kpis_by_key[key] = kpi
    if parent_key := item.get("parent"):
        context.pending_parents.append((kpi, parent_key, where))
    return kpi


@transaction.atomic
def load_municipalities(data: dict, *, platform: Platform) -> int:
    """The platform's prefecture's municipalities; a file never touches another prefecture's rows."""
    prefecture = _prefecture(_req(data, "prefecture", "municipalities.json"), "prefecture")
    if prefecture != platform.prefecture:
        raise LoadError(f"prefecture: 市町村は{platform.prefecture}（{platform.prefecture.code}）のものにしてください。")
    rows = _req(data, "municipalities", "municipalities.json")
    for i, row in enumerate(rows):
        where = f"municipalities[{i}]"
        code = str(_req(row, "code", where))
        if len(code) != 5 or not code.isdigit() or code[:2] != prefecture.code:
            raise LoadError(f"{where}.code: 団体コード「{code}」は{prefecture}の5桁のコード（{prefecture.code}で始まる）にしてください。")
        existing = Municipality.objects.filter(code=code).exclude(prefecture=prefecture).first()
        if existing:
            raise LoadError(f"{where}.code: 団体コード「{code}」は{existing.prefecture}の{existing}に使われています。")
        _upsert(
            Municipality,
            where,
            {"code": code},
            {"prefecture": prefecture, "name": _req(row, "name", where), "kind": _req(row, "kind", where), "district": row.get("district", "")},
        )
    return len(rows)
