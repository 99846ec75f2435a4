"""What the lead secretariat judges a submitted month by (実績の承認).

Each figure of a month waiting for approval stands beside the body's previous month, the same month a
year earlier (the previous year's plan, when it has the same KPI) and the month's share of the target,
as the entry grid shows them (kpi/plausibility.py), with the warnings the value raised and the body's
explanation. Gathered in a constant number of queries, however many months wait.
"""
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone

from kpi.models import FigureSubmission, Kpi, KpiFigure
from kpi.plausibility import Benchmark, Benchmarks
from core.fiscal import month_label
from core.wareki import wareki_date, wareki_month


@dataclass
class FigureLine:
    """One KPI of a waiting month, with what to judge it by (kpi.plausibility's benchmark)."""

    kpi: Kpi
    figure: KpiFigure | None
    benchmark: Benchmark

    @property
    def comment(self) -> str:
        return self.figure.comment if self.figure else ""

    @property
    def warnings(self) -> str:
        return self.figure.warnings if self.figure else ""

    @property
    def warning_comment(self) -> str:
        return self.figure.warning_comment if self.figure else ""

    @property
    def value_text(self) -> str:
        """The value as every page prints it, with a rate's own numbers after it: 「57.3%（229／400）」."""
        kind = self.kpi.kind
        text = kind.format_figure(self.figure)
        inputs = kind.format_inputs(self.figure)
        return f"{text}（{inputs}）" if inputs and inputs != text and kind.is_numeric and not kind.adds_up else text

    @property
    def previous_text(self) -> str:
        return self.kpi.kind.format_value(self.benchmark.previous_month)

    @property
    def last_year_text(self) -> str:
        return self.kpi.kind.format_value(self.benchmark.last_year)

    @property
    def target_text(self) -> str:
        return self.kpi.kind.format_value(self.benchmark.target_share)


@dataclass
class WaitingMonth:
    submission: FigureSubmission
    lines: list[FigureLine] = field(default_factory=list)

    @property
    def submitted_note(self) -> str:
        """「令和7年11月5日 田中 一郎が提出」, or as much of it as is known; '' when neither is."""
        s = self.submission
        when = wareki_date(timezone.localtime(s.submitted_at)) if s.submitted_at else ""
        who = str(s.submitted_by or "").strip()
        if who:
            return f"{when} {who}が提出".strip()
        return f"{when}に提出" if when else ""

    @property
    def warning_count(self) -> int:
        return sum(1 for line in self.lines if line.warnings or line.warning_comment)


def submission_label(submission: FigureSubmission) -> str:
    """「群馬労働局 令和7年9月分」: how messages name a body's month."""
    return f"{submission.member_body} {wareki_month(submission.month)}分"


def waiting_months(plan, waiting: list[FigureSubmission]) -> list[WaitingMonth]:
    """The months waiting for approval, each with its figures and their benchmarks."""
    if not waiting:
        return []
    bodies = {s.member_body_id for s in waiting}
    kpis = list(
        Kpi.objects.filter(measure__section__plan=plan, reporting_bodies__in=bodies)
        .distinct()
        .select_related("measure__section__parent__parent")
        .order_by("measure__section__order", "measure__order", "order", "id")
    )
    by_id = {kpi.pk: kpi for kpi in kpis}
    reporting = defaultdict(set)
    through = Kpi.reporting_bodies.through.objects.filter(kpi__in=kpis, memberbody_id__in=bodies)
    for kpi_id, body_id in through.values_list("kpi_id", "memberbody_id"):
        reporting[body_id].add(kpi_id)
    figures = {(f.kpi_id, f.member_body_id, f.month): f for f in KpiFigure.objects.filter(kpi__in=kpis, member_body__in=bodies)}
    current = {key: by_id[key[0]].kind.month_value([f]) for key, f in figures.items()}
    benchmarks = Benchmarks(plan, kpis, bodies, current=current)
    return [
        WaitingMonth(
            s,
            [
                FigureLine(kpi, figures.get((kpi.pk, s.member_body_id, s.month)), benchmarks.for_cell(kpi, s.member_body_id, s.month))
                for kpi in kpis
                if kpi.pk in reporting[s.member_body_id]
            ],
        )
        for s in waiting
    ]


@dataclass
class ApprovedRow:
    """One body's approved months, on one line (the reopen list)."""

    body: object
    submissions: list[FigureSubmission] = field(default_factory=list)

    @property
    def months_text(self) -> str:
        return "・".join(month_label(s.month) for s in self.submissions)


def approved_rows(approved: list[FigureSubmission]) -> list[ApprovedRow]:
    rows: dict[int, ApprovedRow] = {}
    for s in approved:
        rows.setdefault(s.member_body_id, ApprovedRow(s.member_body)).submissions.append(s)
    return list(rows.values())
