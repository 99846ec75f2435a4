"""The meeting packet (協議会資料) as an A4 PDF, rendered by WeasyPrint from an HTML template.

The secretariat chooses the sections. The roadmap section gathers its data with the Excel report
(exports/data.py), so both files say the same; the KPI charts are the same SVG as on the portal.
The Japanese font is embedded as a subset (WeasyPrint's default), never whole.
"""
from dataclasses import dataclass
from datetime import date

from django.template.loader import render_to_string
from weasyprint import HTML

from exports.data import gather
from kpi.charts import kpi_chart_svg, svg_data_uri
from members.models import MemberBody
from municipal_pf.models import MunicipalReport
from municipal_pf.services import coverage
from proposals.models import PolicyProposal


@dataclass(frozen=True)
class Section:
    id: str
    title: str


SECTIONS = [
    Section("members", "構成員名簿"),
    Section("goals", "支援対象者の類型と目標"),
    Section("roadmap", "工程表と進捗状況"),
    Section("charts", "ＫＰＩの推移"),
    Section("municipal", "市町村プラットフォームの状況"),
    Section("proposals", "政策提案"),
]
SECTION_IDS = [s.id for s in SECTIONS]
# Parts that exist only for a meeting: the agenda version (before) has the first two, the minutes
# version (after) all three.
MEETING_SECTIONS = [Section("agenda", "次第"), Section("attendees", "出席者名簿"), Section("minutes", "議事概要・決定事項")]


def _members(platform):
    bodies = MemberBody.objects.filter(platform=platform).select_related("category").order_by("membership", "order", "name")
    groups = {}
    for body in bodies:
        if body.membership == MemberBody.Membership.PARTNER:
            continue
        label = "オブザーバー" if body.is_observer else (body.category.name if body.category else "その他")
        groups.setdefault(label, []).append(body)
    return groups


def packet_context(plan, *, as_of: date, sections: list[str], meeting=None, variant: str = "agenda") -> dict:
    platform = plan.platform
    chosen = [s for s in SECTIONS if s.id in sections]
    if meeting is not None:
        from meetings.services import meeting_overview

        parts = MEETING_SECTIONS if variant == "minutes" else MEETING_SECTIONS[:2]
        chosen = parts + chosen
    context = {
        "plan": plan,
        "platform": platform,
        "platform_name": platform.name_for_fiscal_year(plan.fiscal_year),
        "as_of": as_of,
        "sections": chosen,
        "chosen": {s.id for s in chosen},
        "meeting": meeting,
        "variant": variant,
        "overview": meeting_overview(meeting) if meeting is not None else None,
    }
    if {"roadmap", "charts"} & context["chosen"]:
        data = gather(plan, as_of)
        context["data"] = data
        labels = [f"{m.month}月" for m in data.months]
        context["charts"] = [
            (row, svg_data_uri(svg))
            for row in data.kpi_rows
            if (svg := kpi_chart_svg(row.kpi, row.monthly, labels, width=680, height=250))
        ]
    if "members" in context["chosen"]:
        context["member_groups"] = _members(platform)
    if "goals" in context["chosen"]:
        context["categories"] = list(plan.categories.select_related("category"))
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


def render_packet_html(plan, *, as_of: date, sections: list[str], **meeting) -> str:
    return render_to_string("exports/packet.html", packet_context(plan, as_of=as_of, sections=sections, **meeting))


def render_packet(plan, *, as_of: date, sections: list[str], **meeting) -> bytes:
    return HTML(string=render_packet_html(plan, as_of=as_of, sections=sections, **meeting)).write_pdf()
