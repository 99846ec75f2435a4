"""Where each body stands with each month's figures: the reporting-rate view (報告状況).

One definition of a body-month's state serves the home page's matrix, the entry grid's month
headers, reminders and approvals. It is computed for a whole plan in a constant number of queries.
"""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db import models
from django.db.models import F, Q

from kpi.deadlines import Due, due_state
from kpi.models import FigureSubmission, Kpi, KpiFigure, ReportingSchedule
from members.models import MemberBody
from core import freshness
from core.fiscal import fiscal_months, months_ended


class ReportingState(models.TextChoices):
    NOT_DUE = "not_due", "期限前"
    MISSING = "missing", "未入力"
    ENTERED = "entered", "入力中"
    RETURNED = "returned", "差戻し"
    SUBMITTED = "submitted", "提出済"
    APPROVED = "approved", "承認済"


# States in which the body still owes the month (the reminder targets).
OUTSTANDING = frozenset({ReportingState.MISSING, ReportingState.ENTERED, ReportingState.RETURNED})
# States in which the body has done its part (the reporting rate's numerator).
REPORTED = frozenset({ReportingState.SUBMITTED, ReportingState.APPROVED})


@dataclass(frozen=True)
class ReportingCell:
    body: MemberBody
    month: date
    state: str
    submission: FigureSubmission | None = None
    due: Due | None = None  # against the platform's due date (kpi/deadlines.py), when the matrix was asked for it

    @property
    def label(self) -> str:
        return ReportingState(self.state).label

    @property
    def is_outstanding(self) -> bool:
        return self.state in OUTSTANDING

    @property
    def is_overdue(self) -> bool:
        return self.due is not None and self.due.is_overdue


@dataclass
class ReportingRow:
    body: MemberBody
    cells: list[ReportingCell] = field(default_factory=list)


@dataclass
class ReportingMatrix:
    months: list[date]
    rows: list[ReportingRow]
    months_due: int
    schedule: ReportingSchedule | None = None  # the platform's due day and reminders, when the cells carry their due dates

    def month_rate(self, index: int) -> float | None:
        """Share of bodies that submitted month `index` (0 = April); None before it is due."""
        if index >= self.months_due or not self.rows:
            return None
        return sum(row.cells[index].state in REPORTED for row in self.rows) / len(self.rows)

    @property
    def rates(self) -> list[float | None]:
        return [self.month_rate(i) for i in range(len(self.months))]

    @property
    def overall_rate(self) -> float | None:
        due = [cell for row in self.rows for cell in row.cells[: self.months_due]]
        if not due:
            return None
        return sum(cell.state in REPORTED for cell in due) / len(due)

    def outstanding(self, month: date) -> list[ReportingCell]:
        index = self.months.index(month)
        return [row.cells[index] for row in self.rows if row.cells[index].is_outstanding]


def reporting_bodies(plan):
    """The bodies that enter at least one of the plan's KPIs, in the platform's member order."""
    return (
        MemberBody.objects.filter(reported_kpis__measure__section__plan=plan)
        .distinct()
        .order_by("order", "name")
    )


def reports_figures(user, fiscal_year) -> bool:
    """Whether the user's body enters any KPI of the year's plan (the menu shows 実績入力 only then).
    Kept until the data changes (core.freshness), as it is asked on every page."""
    body_id = getattr(user, "member_body_id", None)
    if not body_id or fiscal_year is None:
        return False
    known = user.__dict__.setdefault("_reports_figures", {})  # asked again within the request (menu and page)
    if fiscal_year not in known:
        known[fiscal_year] = freshness.cached(
            "reports-figures", (body_id, fiscal_year),
            lambda: Kpi.objects.filter(reporting_bodies=body_id, measure__section__plan__fiscal_year=fiscal_year).exists(),
        )
    return known[fiscal_year]


def state_of(month_index: int, months_due: int, has_figures: bool, submission: FigureSubmission | None) -> str:
    """The state of one body-month; `month_index` counts from 0 = April."""
    if submission is not None and submission.status != FigureSubmission.Status.DRAFT:
        return {
            FigureSubmission.Status.SUBMITTED: ReportingState.SUBMITTED,
            FigureSubmission.Status.APPROVED: ReportingState.APPROVED,
            FigureSubmission.Status.RETURNED: ReportingState.RETURNED,
        }[submission.status]
    if has_figures:
        return ReportingState.ENTERED
    return ReportingState.MISSING if month_index < months_due else ReportingState.NOT_DUE


def reporting_matrix(plan, as_of: date, bodies=None, *, with_due: bool = False) -> ReportingMatrix:
    """Body × month states for a plan as of a date, in three queries (bodies, submissions, figures);
    `with_due` puts each cell against the platform's due date (one query more)."""
    schedules = {plan.pk: ReportingSchedule.for_platform(plan.platform_id)} if with_due else None
    return reporting_matrices([plan], as_of, None if bodies is None else {plan.pk: list(bodies)}, schedules)[plan.pk]


def reporting_matrices(plans, as_of: date, bodies_by_plan=None, schedules=None) -> dict[int, ReportingMatrix]:
    """The matrices of several plans (the national view) in the same three queries as one plan's."""
    plans = list(plans)
    if bodies_by_plan is None:
        bodies_by_plan = defaultdict(list)
        rows = (
            MemberBody.objects.filter(reported_kpis__measure__section__plan__in=plans)
            .annotate(plan_id=F("reported_kpis__measure__section__plan_id"))
            .distinct()
            .order_by("order", "name")
        )
        for body in rows:
            bodies_by_plan[body.plan_id].append(body)
    all_bodies = {b.pk for bodies in bodies_by_plan.values() for b in bodies}
    submissions = {
        (s.plan_id, s.member_body_id, s.month): s
        for s in FigureSubmission.objects.filter(plan__in=plans, member_body__in=all_bodies).select_related("decided_by", "submitted_by")
    }
    entered = set(
        KpiFigure.objects.filter(kpi__measure__section__plan__in=plans, member_body__in=all_bodies)
        .filter(
            Q(value__isnull=False)
            | Q(numerator__isnull=False)
            | Q(denominator__isnull=False)
            | ~Q(text_value="")
            | Q(yes_no__isnull=False)
        )
        .values_list("kpi__measure__section__plan_id", "member_body_id", "month")
        .distinct()
    )
    matrices = {}
    for plan in plans:
        months = fiscal_months(plan.fiscal_year)
        due = months_ended(plan.fiscal_year, as_of)
        schedule = (schedules or {}).get(plan.pk)
        rows = []
        for body in bodies_by_plan.get(plan.pk, []):
            row = ReportingRow(body)
            for index, month in enumerate(months):
                submission = submissions.get((plan.pk, body.pk, month))
                state = state_of(index, due, (plan.pk, body.pk, month) in entered, submission)
                deadline = None
                if schedule is not None:
                    deadline = due_state(month, today=as_of, outstanding=state in OUTSTANDING, due_day=schedule.due_day)
                row.cells.append(ReportingCell(body, month, state, submission, deadline))
            rows.append(row)
        matrices[plan.pk] = ReportingMatrix(months=months, rows=rows, months_due=due, schedule=schedule)
    return matrices
