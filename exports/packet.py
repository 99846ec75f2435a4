"""The meeting packet (協議会資料) as an A4 PDF, rendered by WeasyPrint from an HTML template.

A document the secretariat hands to its council, so it is a faithful copy of the plan: every text
of the plan and of the roadmap (工程表) is printed whole, and every value is written by its KPI's
kind (kpi.kinds), as on the screens. The roadmap gathers its data with the Excel report
(exports/data.py), so both files say the same; official materials show confirmed figures (確定値)
and say up to which month, and provisional ones (速報値), when asked for, are marked where they
appear. The KPI charts are the same SVG as on the portal. The Japanese font is embedded as a
subset (WeasyPrint's default), never whole.
"""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import F, Q
from django.template.loader import render_to_string
from weasyprint import HTML

from exports.data import gather
from kpi.charts import kpi_chart_svg, svg_data_uri
from kpi.kinds import format_count, kind_of
from members.models import MemberBody, Representative, RoleAssignment
from municipal_pf.models import MunicipalReport
from municipal_pf.services import coverage
from proposals.models import PolicyProposal


@dataclass(frozen=True)
class Section:
    id: str
    title: str


SECTIONS = [
    Section("members", "構成員名簿"),
    Section("roles", "役割分担"),
    Section("plan", "事業実施計画"),
    Section("goals", "支援対象者の類型と目標"),
    Section("roadmap", "工程表と進捗状況"),
    Section("charts", "ＫＰＩの推移"),
    Section("municipal", "市町村プラットフォームの状況"),
    Section("proposals", "政策提案"),
]
SECTION_IDS = [s.id for s in SECTIONS]
# Parts that exist only for a meeting: the agenda version (before) has the first two, the minutes
# version (after) all three. They carry no 資料番号: they are the meeting's own sheets.
MEETING_SECTIONS = [Section("agenda", "次第"), Section("attendees", "出席者名簿"), Section("minutes", "議事概要・決定事項")]

# The plan's own texts in the order of the plan (seed 001 Ⅰ–Ⅱ), printed whole in the 事業実施計画 section.
PLAN_TEXTS = [
    ("introduction", "はじめに"),
    ("purpose", "計画の策定趣旨"),
    ("positioning", "計画の位置づけ"),
    ("structure", "計画の推進体制"),
    ("period", "計画の期間"),
    ("goal_text", "目標"),
    ("kpi_policy", "ＫＰＩの考え方"),
    ("progress_policy", "計画の進行管理"),
]

GROUP_MEMBERS, GROUP_OBSERVERS, GROUP_SECRETARIAT, GROUP_OTHERS = "構成員", "オブザーバー", "事務局", "その他"


@dataclass
class Person:
    body: object  # MemberBody or None
    title: str = ""
    name: str = ""
    attendee: object = None  # the meeting's Attendee row, for 出欠


@dataclass
class RosterGroup:
    label: str
    people: list = field(default_factory=list)


def _roster_day(plan, as_of, meeting):
    if meeting is not None:
        return meeting.held_on
    return min(max(as_of, plan.starts_on), plan.ends_on)


def _member_roster(platform, on: date) -> list[RosterGroup]:
    """構成員名簿: the members with their representatives (役職・氏名), then the observers, then the
    secretariat's staff; bodies outside the council (関係機関) are not members and are left out.
    A member counts once: its departments' representatives are listed on the member's rows."""
    current = MemberBody.objects.filter(platform=platform).current(on).exclude(membership=MemberBody.Membership.PARTNER)
    bodies = list(current.members().select_related("category").order_by("order", "name"))
    people = defaultdict(list)
    for person in (
        Representative.objects.filter(member_body__in=current)
        .select_related("member_body")
        .order_by(F("member_body__parent_id").asc(nulls_first=True), "member_body__order", "order", "id")
    ):
        people[person.member_body.parent_id or person.member_body_id].append(person)
    groups = {label: RosterGroup(label) for label in (GROUP_MEMBERS, GROUP_OBSERVERS, GROUP_SECRETARIAT)}
    for body in bodies:
        group = groups[GROUP_OBSERVERS if body.is_observer else GROUP_MEMBERS]
        primary = [p for p in people[body.pk] if p.is_primary and p.capacity == Representative.Capacity.MEMBER]
        for p in primary or [None]:
            group.people.append(Person(body, p.title if p else "", p.name if p else ""))
        for p in people[body.pk]:
            if p.capacity == Representative.Capacity.SECRETARIAT:
                groups[GROUP_SECRETARIAT].people.append(Person(p.member_body, p.title, p.name))
    return [g for g in groups.values() if g.people]


def _attendee_roster(platform, attendees) -> list[RosterGroup]:
    """出席者名簿 in three parts: a row is 事務局 when its person sits as the secretariat on the member
    record, オブザーバー when its body is an observer, and 構成員 otherwise."""
    secretariat = set(
        Representative.objects.filter(member_body__platform=platform, capacity=Representative.Capacity.SECRETARIAT)
        .values_list("member_body_id", "name")
    )
    groups = {label: RosterGroup(label) for label in (GROUP_MEMBERS, GROUP_OBSERVERS, GROUP_SECRETARIAT, GROUP_OTHERS)}
    for a in attendees:
        if a.member_body is None:
            label = GROUP_OTHERS
        elif (a.member_body_id, a.name) in secretariat:
            label = GROUP_SECRETARIAT
        elif a.member_body.is_observer:
            label = GROUP_OBSERVERS
        else:
            label = GROUP_MEMBERS
        groups[label].people.append(Person(a.member_body, a.title, a.name, a))
    return [g for g in groups.values() if g.people]


@dataclass
class RoleRow:
    bodies: list
    duties: list  # (role name, share label or "")


def _role_table(platform, on: date) -> list[RoleRow]:
    """役割分担 as the guideline writes it: each body (or department, or group by its printed label
    「市町村（…）」) with its duties and 主担当／副担当, holders with the very same duties on one row
    (ハローワーク、機構、サポステ)."""
    duties = defaultdict(list)
    holders = {}
    assignments = (
        RoleAssignment.objects.filter(role__platform=platform)
        .filter(Q(member_body__in=MemberBody.objects.current(on)) | Q(responsible_party__isnull=False))
        .select_related("role", "member_body", "responsible_party")
        .order_by(F("member_body__order").asc(nulls_last=True), "member_body__name", "responsible_party__order", "role__order", "role__id")
    )
    for a in assignments:
        key = ("body", a.member_body_id) if a.member_body_id else ("group", a.responsible_party_id)
        holders[key] = a.holder
        duties[key].append((a.role.name, a.get_share_display() if a.share else ""))
    rows: dict[tuple, RoleRow] = {}
    for key, holder in holders.items():
        duty_key = tuple(duties[key])
        rows.setdefault(duty_key, RoleRow([], list(duty_key))).bodies.append(holder)
    return list(rows.values())


@dataclass
class QualitativeEntry:
    body: object
    month: date
    text: str
    provisional: bool = False

    @property
    def month_label(self) -> str:
        from core.wareki import era_year, format_era_year

        return f"{format_era_year(*era_year(self.month))}{self.month.month}月分"


def _qualitative_entries(plan, rows, *, months_ended_count: int) -> dict[int, list[QualitativeEntry]]:
    """The latest text (or はい／いいえ) of each reporting body for each qualitative KPI, with its month.

    Taken from the figures gather() counted (approved months, and submitted ones when 速報値 were
    asked for), so a returned or draft month's text is never printed; months not yet over are left out."""
    from core.fiscal import fiscal_month_index
    from kpi.confirmation import is_provisional

    rows = [row for row in rows if not kind_of(row.kpi).is_numeric]
    if not rows:
        return {}
    bodies = {b.pk: b for b in MemberBody.objects.filter(platform_id=plan.platform_id)}
    latest: dict[int, list[QualitativeEntry]] = {}
    for row in rows:
        kind = kind_of(row.kpi)
        by_body = {}
        for f in row.figures:
            if fiscal_month_index(f.month) > months_ended_count:
                continue
            text = kind.format_figure(f)
            if text and (f.member_body_id not in by_body or f.month > by_body[f.member_body_id].month):
                by_body[f.member_body_id] = QualitativeEntry(bodies[f.member_body_id], f.month, text, is_provisional(f))
        latest[row.kpi.pk] = sorted(by_body.values(), key=lambda e: (e.body.order, e.body.name))
    return latest


@dataclass
class KpiLine:
    """One KPI as the packet prints it: every text already written by its kind."""

    row: object
    kpi: object
    name: str
    target: str
    actual: str
    achievement: str
    outlook: str
    monthly: list  # (text, provisional) per month
    qualitative: bool
    entries: list = field(default_factory=list)
    provisional: bool = False  # the to-date value includes 速報 months


def _kpi_line(row, entries, months_ended_count) -> KpiLine:
    from kpi.choices import Outlook

    kpi, kind = row.kpi, kind_of(row.kpi)
    flags = list(getattr(row, "monthly_provisional", None) or [False] * 12)
    qualitative = not kind.is_numeric
    a = row.achievement
    outlook = "" if qualitative or a.outlook == Outlook.NOT_APPLICABLE else Outlook(a.outlook).label
    return KpiLine(
        row=row,
        kpi=kpi,
        name=kpi.name,
        target=kpi.written_target,
        actual="" if qualitative or a.actual is None else kind.format_value(a.actual),
        achievement="" if qualitative else kind.format_achievement(a.ratio),
        outlook=outlook,
        # A month's count without its unit (the row says it), a rate with its "%".
        monthly=[(kind.format_column(v), flag) for v, flag in zip(row.monthly, flags)],
        qualitative=qualitative,
        entries=entries,
        provisional=bool(getattr(row, "provisional", any(flags[:months_ended_count]))),
    )


HEADLINE_PARTIAL = "plans/_headline_goal.html"


def _headline_goals(plan, as_of, provisional):
    """The plan's numeric goals with their actuals and the partial that prints them (plans.goals),
    or (None, None) where that feature is not installed: the template then prints the goal as the
    plan states it. The ※ note is printed either way."""
    from django.template import TemplateDoesNotExist
    from django.template.loader import get_template

    try:
        from plans.goals import headline_progress

        get_template(HEADLINE_PARTIAL)
    except (ImportError, TemplateDoesNotExist):
        return None, None
    return headline_progress(plan, as_of, provisional=provisional), HEADLINE_PARTIAL


def packet_context(plan, *, as_of: date, sections: list[str], meeting=None, variant: str = "agenda", provisional: bool = False) -> dict:
    from core.fiscal import months_ended

    platform = plan.platform
    materials = [s for s in SECTIONS if s.id in sections]
    chosen = list(materials)
    overview = None
    if meeting is not None:
        from meetings.services import meeting_overview

        overview = meeting_overview(meeting)
        chosen = (MEETING_SECTIONS if variant == "minutes" else MEETING_SECTIONS[:2]) + chosen
    # 資料番号: the packet's materials in order, printed on each one's first page and in the 次第.
    numbers = {s.id: f"資料{i}" for i, s in enumerate(materials, start=1)}
    context = {
        "plan": plan,
        "platform": platform,
        "platform_name": platform.name_for_fiscal_year(plan.fiscal_year),
        "as_of": as_of,
        "sections": chosen,
        "materials": [(numbers[s.id], s) for s in materials],
        "doc_numbers": numbers,
        "toc": [(numbers.get(s.id, ""), s) for s in chosen],
        "chosen": {s.id for s in chosen},
        "meeting": meeting,
        "variant": variant,
        "overview": overview,
        "provisional": provisional,
        "plan_texts": [(label, getattr(plan, name)) for name, label in PLAN_TEXTS if getattr(plan, name)],
    }
    on = _roster_day(plan, as_of, meeting)
    if overview is not None:
        context["agenda"] = [
            {"item": item, "materials": _agenda_materials(item, numbers)} for item in overview.agenda
        ]
        context["attendee_groups"] = _attendee_roster(platform, overview.attendees)
    if {"roadmap", "charts", "goals"} & context["chosen"]:
        data = gather(plan, as_of, provisional=provisional)
        context["data"] = data
        ended = months_ended(plan.fiscal_year, as_of)
        entries = _qualitative_entries(plan, data.kpi_rows, months_ended_count=ended)
        lines = {id(row): _kpi_line(row, entries.get(row.kpi.pk, []), ended) for row in data.kpi_rows}
        for measure in data.measures():
            measure.packet_lines = [lines[id(row)] for row in measure.kpi_lines]
        context["kpi_lines"] = [lines[id(row)] for row in data.kpi_rows]
        context["any_provisional"] = any(line.provisional for line in context["kpi_lines"]) or any(
            e.provisional for es in entries.values() for e in es
        )
        if "charts" in context["chosen"]:
            labels = [f"{m.month}月" for m in data.months]
            context["charts"] = [
                (line, svg_data_uri(svg))
                for line in context["kpi_lines"]
                if (svg := kpi_chart_svg(
                    line.kpi, line.row.monthly, labels, width=680, height=250,
                    provisional=getattr(line.row, "monthly_provisional", None), months_ended=ended,
                ))
            ]
    if "goals" in context["chosen"]:
        context["categories"] = list(plan.categories.select_related("category"))
        context["headline_goals"], context["headline_partial"] = _headline_goals(plan, as_of, provisional)
        if plan.headline_goal_value is not None:
            context["headline_value"] = format_count(plan.headline_goal_value)
    if "members" in context["chosen"]:
        context["member_groups"] = _member_roster(platform, on)
    if "roles" in context["chosen"]:
        context["role_rows"] = _role_table(platform, on)
    if "municipal" in context["chosen"]:
        context["municipal"] = coverage(platform)
        context["municipal_reports"] = list(
            MunicipalReport.objects.filter(period__plan=plan)
            .select_related("municipal_platform__municipality", "period")
            .order_by("period__starts_on", "kind", "municipal_platform__municipality__code", "id")
        )
    if "proposals" in context["chosen"]:
        context["proposals"] = list(
            PolicyProposal.objects.filter(platform=platform)
            .exclude(status=PolicyProposal.Status.WITHDRAWN)
            .select_related("member_body", "related_measure__section__parent__parent")
            .order_by("-for_agenda", "submitted_at")
        )
    return context


def _agenda_materials(item, numbers: dict) -> list[str]:
    """The 資料 an agenda item is discussed on: its measures' roadmap and charts, its proposals."""
    wanted = []
    if item.measures.all():
        wanted += ["roadmap", "charts"]
    if item.proposals.all():
        wanted.append("proposals")
    return [numbers[s] for s in wanted if s in numbers]


def render_packet_html(plan, *, as_of: date, sections: list[str], **options) -> str:
    return render_to_string("exports/packet.html", packet_context(plan, as_of=as_of, sections=sections, **options))


def render_packet(plan, *, as_of: date, sections: list[str], **options) -> bytes:
    return HTML(string=render_packet_html(plan, as_of=as_of, sections=sections, **options)).write_pdf()
