"""Which monthly figures count: 確定値 (approved) and, when asked for, 速報値 (submitted, not yet approved).

The one place that says so. A body-month's figures are 確定 once the secretariat approves its
submission (kpi.models.FigureSubmission) and 速報 while it is submitted and not yet decided.
Draft, returned and never-submitted months count nowhere: no total, no achievement, no chart,
no file (they stay visible in the entering body's own entry grid).

A plan's cut-off (確定: "令和8年1月分まで確定") is the last month, from April on, that every reporting
body has had approved; every output states it. Achievement to date is judged over the months
with counted values (judged_months), so that a month still awaiting approval is not owed in the
target while it is missing from the actual.

Who may see what is not yet confirmed is asked of core.access.may: the holders of
`view_unconfirmed_figures` (the secretariat) for every body, and a body's own staff
(`enter_own_figures` on their body) for their own figures.
"""
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, Subquery

from core.access import may
from core.wareki import era_year, format_era_year
from kpi.models import FigureSubmission, Kpi

UNCONFIRMED = "view_unconfirmed_figures"
APPROVED = FigureSubmission.Status.APPROVED
SUBMITTED = FigureSubmission.Status.SUBMITTED

CONFIRMED_LABEL = "確定"
PROVISIONAL_LABEL = "速報"
PROVISIONAL_NOTE = "「速報」は提出済・未承認の値を含む速報値です。承認により変わることがあります。"


@dataclass(frozen=True)
class Basis:
    """集計の基準: which figures a page or a file counts.

    Always the approved ones; with `provisional`, every body's submitted ones too; with
    `own_body_id`, the submitted ones of that body only (a body looking at its own figures).
    """

    provisional: bool = False
    own_body_id: int | None = None

    @property
    def includes_provisional(self) -> bool:
        return self.provisional or self.own_body_id is not None

    @property
    def key(self) -> str:
        """For cache keys: pages computed on different bases must never share an entry."""
        if self.provisional:
            return "provisional"
        return f"own-{self.own_body_id}" if self.own_body_id is not None else "confirmed"

    @property
    def label(self) -> str:
        if self.provisional:
            return "速報値を含む"
        return "確定値（自機関は速報値を含む）" if self.own_body_id is not None else "確定値"

    def counted_q(self) -> Q:
        """Over figures annotated with `submission_status` (see `counted_figures`)."""
        condition = Q(submission_status=APPROVED)
        if self.provisional:
            condition |= Q(submission_status=SUBMITTED)
        elif self.own_body_id is not None:
            condition |= Q(submission_status=SUBMITTED, member_body_id=self.own_body_id)
        return condition


CONFIRMED = Basis()
PROVISIONAL = Basis(provisional=True)


def as_basis(provisional) -> Basis:
    """A Basis from a Basis or a plain yes/no (the exports' `provisional` option)."""
    if isinstance(provisional, Basis):
        return provisional
    return PROVISIONAL if provisional else CONFIRMED


def submission_status(plan_path: str = "kpi__measure__section__plan_id") -> Subquery:
    """The status of the submission a figure belongs to (plan × body × month), as an annotation; NULL when none."""
    return Subquery(
        FigureSubmission.objects.filter(
            plan_id=OuterRef(plan_path), member_body_id=OuterRef("member_body_id"), month=OuterRef("month")
        ).values("status")[:1]
    )


def counted_figures(figures, provisional=False):
    """The figures of a KpiFigure queryset that count on the given basis, each annotated with
    `submission_status`, in the same single query (no query per figure or per month)."""
    return figures.annotate(submission_status=submission_status()).filter(as_basis(provisional).counted_q())


def is_provisional(figure) -> bool:
    """A counted figure that is not yet approved (needs the `submission_status` annotation)."""
    return getattr(figure, "submission_status", None) == SUBMITTED


def status_label(figure) -> str:
    """What the figures CSV's 状況 column says of a counted figure."""
    return PROVISIONAL_LABEL if is_provisional(figure) else CONFIRMED_LABEL


def judged_months(fiscal_year: int, as_of: date, figures) -> int:
    """How many months (from April) achievement is judged over: the months ended by `as_of`, but no
    later than the last month with a counted value in the plan. Approval lags behind the month's end,
    so that a month nobody's figures count for yet is not owed in the target either."""
    from core.fiscal import fiscal_month_index, months_ended

    last = max((fiscal_month_index(f.month) for f in figures if has_value(f)), default=0)
    return min(months_ended(fiscal_year, as_of), last)


def has_value(figure) -> bool:
    """Whether a figure holds anything (fields deferred by `.only()` are not loaded to find out)."""
    return any(
        getattr(figure, name, None) not in (None, "")
        for name in ("value", "numerator", "denominator", "text_value", "yes_no")
        if name in figure.__dict__
    )


# --- who may see what is not confirmed ----------------------------------------------------------

def may_see_unconfirmed(user, body=None) -> bool:
    """Whether the user may see unconfirmed figures, entry grids and per-cell history: of `body`
    (a MemberBody), or of every body when `body` is None."""
    if may(user, UNCONFIRMED, body):
        return True
    return body is not None and may(user, "enter_own_figures", body)


def may_choose_provisional(user) -> bool:
    """Whether a page offers the user the 速報値 switch (the secretariat; a body for its own figures)."""
    return may(user, UNCONFIRMED) or bool(getattr(user, "member_body_id", None) and may(user, "enter_own_figures"))


def basis_for(user, requested: bool) -> Basis:
    """The basis a page counts on for this user: confirmed unless 速報値 were asked for and may be shown."""
    if not requested:
        return CONFIRMED
    if may(user, UNCONFIRMED):
        return PROVISIONAL
    if getattr(user, "member_body_id", None) and may(user, "enter_own_figures"):
        return Basis(own_body_id=user.member_body_id)
    return CONFIRMED


def export_provisional(user, requested) -> bool:
    """Whether a file may include 速報値: files hold every body's figures, so only for the holders of
    `view_unconfirmed_figures`. `user` None is the command line (the operator of the instance)."""
    if not requested:
        return False
    return user is None or may(user, UNCONFIRMED)


# --- the 確定 cut-off --------------------------------------------------------------------------

def confirmed_through_months(months: list[date], approved: set[tuple[int, date]], body_ids) -> date | None:
    """The last month of `months` up to which every body's figures are approved, month after month
    from April: one month not approved for one body ends the run. None when April is not (or no body reports)."""
    body_ids = list(body_ids)
    if not body_ids:
        return None
    last = None
    for month in months:
        if not all((body_id, month) in approved for body_id in body_ids):
            break
        last = month
    return last


def confirmed_through_matrix(matrix) -> date | None:
    """The cut-off from a reporting matrix (kpi.reporting) already gathered: no query."""
    approved = {(row.body.pk, cell.month) for row in matrix.rows for cell in row.cells if cell.state == APPROVED}
    return confirmed_through_months(matrix.months, approved, [row.body.pk for row in matrix.rows])


def confirmed_through(plan) -> date | None:
    """The plan's cut-off, in one query."""
    return confirmed_through_plans([plan])[plan.pk]


def confirmed_through_plans(plans) -> dict[int, date | None]:
    """Plan id → cut-off, in one query whatever the number of plans: the approved submissions of
    the reporting bodies by plan and month, each row carrying how many bodies report to its plan
    (so that the bodies themselves need no query of their own)."""
    from core.fiscal import fiscal_months

    plans = list(plans)
    through = Kpi.reporting_bodies.through
    bodies_total = Subquery(
        through.objects.filter(kpi__measure__section__plan_id=OuterRef("plan_id"))
        .values("kpi__measure__section__plan_id")
        .annotate(n=Count("memberbody_id", distinct=True))
        .values("n")[:1]
    )
    reporting = through.objects.filter(
        kpi__measure__section__plan_id=OuterRef("plan_id"), memberbody_id=OuterRef("member_body_id")
    )
    rows = (
        FigureSubmission.objects.filter(plan__in=[p.pk for p in plans], status=APPROVED)
        .filter(Exists(reporting))
        .values("plan_id", "month")
        .annotate(approved=Count("member_body_id", distinct=True), total=bodies_total)
    )
    complete = {(row["plan_id"], row["month"]) for row in rows if row["approved"] == row["total"]}
    result = {}
    for plan in plans:
        last = None
        for month in fiscal_months(plan.fiscal_year):
            if (plan.pk, month) not in complete:
                break
            last = month
        result[plan.pk] = last
    return result


def cutoff_label(confirmed: date | None) -> str:
    """"令和8年1月分まで確定", or "確定した月はありません"."""
    if confirmed is None:
        return "確定した月はありません"
    return f"{month_name(confirmed)}分まで確定"


def month_name(month: date) -> str:
    """"令和8年1月" (和暦, as official materials write a month)."""
    return f"{format_era_year(*era_year(month))}{month.month}月"


def basis_caption(basis: Basis, confirmed: date | None) -> str:
    """What a page says it shows: "確定値（令和8年1月分まで）" or, with 速報値, the cut-off and the mark."""
    through = f"{month_name(confirmed)}分まで" if confirmed else "確定した月なし"
    if not basis.includes_provisional:
        return f"確定値（{through}）"
    return f"{basis.label}（{through}確定。「速報」の印は未承認の値を含みます）"
