"""Japanese fiscal year (年度): April 1 to March 31, named after the calendar year it starts in."""
from datetime import date, timedelta

FIRST_MONTH = 4


def fiscal_year_of(d: date) -> int:
    """The fiscal year a date falls in: 2026-03-31 → 2025."""
    return d.year if d.month >= FIRST_MONTH else d.year - 1


def fiscal_year_start(fy: int) -> date:
    return date(fy, FIRST_MONTH, 1)


def fiscal_year_end(fy: int) -> date:
    return date(fy + 1, FIRST_MONTH - 1, 31)


def fiscal_months(fy: int) -> list[date]:
    """First days of the twelve months of a fiscal year, April to March."""
    months = []
    for offset in range(12):
        month = FIRST_MONTH + offset
        months.append(date(fy + (month - 1) // 12, (month - 1) % 12 + 1, 1))
    return months


def fiscal_month_index(d: date) -> int:
    """Position of a date's month in its fiscal year: 1 for April … 12 for March."""
    return (d.month - FIRST_MONTH) % 12 + 1


def month_label(d: date) -> str:
    """"4月" … "3月"."""
    return f"{d.month}月"


def months_elapsed(fy: int, as_of: date) -> int:
    """Months of fiscal year fy begun by as_of: those whose first day is on or before it (0 to 12).

    The month in progress counts: on 2025-05-10, two months of FY2025 (April and May) have elapsed.
    Before the year starts the answer is 0, after it ends 12.
    """
    if as_of < fiscal_year_start(fy):
        return 0
    if as_of > fiscal_year_end(fy):
        return 12
    return fiscal_month_index(as_of)


def months_ended(fy: int, as_of: date) -> int:
    """Months of fiscal year fy that are over by as_of (0 to 12).

    Figures are due for a month once it has ended, so achievement is judged on these: on
    2025-05-10 only April has ended, and May's target is not yet owed.
    """
    next_day = as_of + timedelta(days=1)
    return months_elapsed(fy, next_day.replace(day=1) - timedelta(days=1))
