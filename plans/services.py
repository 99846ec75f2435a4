"""Rules for setting a plan up that are not views: the reporting periods a new plan starts with.

Every path that creates a plan (the plan settings page, the roadmap import, the JSON loader, the
rollover) calls `ensure_default_reporting_periods`, so that progress reporting can start on the
day a plan exists: 担当の取組 and 進捗報告の確認 need at least one period. The secretariat edits or
replaces the defaults on the plan settings page.
"""
import calendar
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError

from core import locking
from plans.models import BusinessPlan, ReportingPeriod


@dataclass(frozen=True)
class PeriodTemplate:
    """A default period within fiscal year Y: months given as (year offset from Y, month)."""

    name: str
    starts: tuple[int, int]
    ends: tuple[int, int]
    due: tuple[int, int, int]  # the report is due on this day: (year offset, month, day)


# Two half-years, as most platforms report (the Gunma plan's own periods are the same).
DEFAULT_PERIODS = (
    PeriodTemplate("上半期（4月～9月）", (0, 4), (0, 9), (0, 10, 31)),
    PeriodTemplate("下半期（10月～3月）", (0, 10), (1, 3), (1, 4, 30)),
)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def default_periods(plan: BusinessPlan) -> list[ReportingPeriod]:
    """The default periods of the plan's year, unsaved."""
    year = plan.fiscal_year
    return [
        ReportingPeriod(
            plan=plan,
            name=t.name,
            starts_on=date(year + t.starts[0], t.starts[1], 1),
            ends_on=_month_end(year + t.ends[0], t.ends[1]),
            due_on=date(year + t.due[0], t.due[1], t.due[2]),
        )
        for t in DEFAULT_PERIODS
    ]


def ensure_default_reporting_periods(plan: BusinessPlan) -> list[ReportingPeriod]:
    """Give a saved plan without reporting periods the default ones; a plan with periods is left alone.

    Returns the periods created (none when the plan had some already).
    """
    if plan.reporting_periods.exists():
        return []
    periods = default_periods(plan)
    for period in periods:
        period.full_clean()
        period.save()
    return periods


@transaction.atomic
def create_plan(plan: BusinessPlan) -> BusinessPlan:
    """A plan started on the settings page: saved with the default reporting periods."""
    plan.full_clean()
    plan.save()
    ensure_default_reporting_periods(plan)
    return plan


def save_plan_list(plan: BusinessPlan, formset, posted_version) -> None:
    """Save one of the plan's lists (categories, goals, periods, a goal's components) whole or not at all,
    on the plan's version the page showed (StaleEdit otherwise, nothing saved).

    A row that others depend on (a period with progress reports) cannot be deleted: ValidationError naming it.
    """
    try:
        with locking.edit(plan, posted_version):
            formset.save()
    except (ProtectedError, RestrictedError) as exc:
        names = "、".join(sorted({str(obj) for obj in formset.deleted_objects})) if hasattr(formset, "deleted_objects") else ""
        raise ValidationError(
            f"「{names}」は進捗報告などに使われているため削除できません。名称や日付を直して使い続けてください。" if names
            else "使われている行は削除できません。"
        ) from exc
