"""提出期限: the day by which a body owes a month's figures (翌月N日, `ReportingSchedule.due_day`) and
whether an outstanding month is still within it or late.

One answer serves the entry grid's month headers, the home matrix, the own-months card, 担当の取組,
the reminders and the scheduled reminders (kpi/tasks.py).
"""
from dataclasses import dataclass
from datetime import date

from django.db import models

from core.wareki import wareki_date


class DueState(models.TextChoices):
    NOT_DUE = "not_due", "期限前"  # the month has not ended
    OPEN = "open", "期限内"
    OVERDUE = "overdue", "期限超過"
    DONE = "done", "提出済"


def due_date(month: date, due_day: int) -> date:
    """The due date of a month's figures: `due_day` of the month after (10 → 翌月10日)."""
    following = date(month.year + 1, 1, 1) if month.month == 12 else date(month.year, month.month + 1, 1)
    return following.replace(day=due_day)


@dataclass(frozen=True)
class Due:
    state: str
    due_on: date

    @property
    def label(self) -> str:
        return DueState(self.state).label

    @property
    def is_overdue(self) -> bool:
        return self.state == DueState.OVERDUE

    @property
    def text(self) -> str:
        """「期限超過（令和7年11月10日）」「期限 令和7年12月10日」; '' once submitted or before the month ends."""
        if self.state == DueState.OVERDUE:
            return f"期限超過（{wareki_date(self.due_on)}）"
        if self.state == DueState.OPEN:
            return f"期限 {wareki_date(self.due_on)}"
        return ""


def due_state(month: date, *, today: date, outstanding: bool, due_day: int) -> Due:
    """Where a body's month stands against its due date: `outstanding` when it is not yet submitted
    (未入力・入力中・差戻し). A returned month is late once its due date has passed, like any other."""
    due_on = due_date(month, due_day)
    following = due_date(month, 1)
    if today < following:
        state = DueState.NOT_DUE
    elif not outstanding:
        state = DueState.DONE
    else:
        state = DueState.OVERDUE if today > due_on else DueState.OPEN
    return Due(state, due_on)
