"""督促: reminding the bodies that still owe an ended month's figures, by e-mail, with a record of each reminder.

The lead secretariat picks a month, or every month past its due date, (and optionally some bodies);
each body that still owes them gets one e-mail to its staff who enter figures, quoting the reason of a
returned month, and one Reminder row per month, whether or not anyone could be written to, so that the
record shows who was chased and when. The same mails go out by themselves on the due date and the
days after it that the platform's ReportingSchedule names (kpi/tasks.py).
"""
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from kpi.models import Reminder
from kpi.reporting import reporting_matrix
from members.models import User
from core.access import may
from core.wareki import wareki_date, wareki_fiscal_year, wareki_month


@dataclass
class ReminderResult:
    reminders: list[Reminder] = field(default_factory=list)
    unreachable: list[str] = field(default_factory=list)  # recorded, but no address to write to
    skipped: list[str] = field(default_factory=list)  # chosen, but no longer owing the month

    @property
    def sent_count(self) -> int:
        """The bodies written to (a mail covers all of a body's months, each recorded on its own)."""
        return len({r.member_body_id for r in self.reminders if r.recipients})


def recipients_by_body(bodies) -> dict[int, list[str]]:
    """Addresses of each body's active users who may enter its figures (the people who owe them)."""
    users = (
        User.objects.filter(member_body__in=bodies, is_active=True)
        .exclude(email="")
        .select_related("member_body")
        .order_by("email")
    )
    addresses: dict[int, list[str]] = {body.pk: [] for body in bodies}
    for user in users:
        if may(user, "enter_own_figures", user.member_body) and user.email not in addresses[user.member_body_id]:
            addresses[user.member_body_id].append(user.email)
    return addresses


def check_month(plan, month: date, matrix) -> None:
    """Refuse a month outside the plan's fiscal year, or one that has not ended yet."""
    if month not in matrix.months:
        raise ValidationError(
            f"{month.year}年{month.month}月は{wareki_fiscal_year(plan.fiscal_year)}の月ではありません。"
            f"{wareki_fiscal_year(plan.fiscal_year)}の月を選んでください。"
        )
    if matrix.months.index(month) >= matrix.months_due:
        raise ValidationError(f"{wareki_month(month)}はまだ終わっていないため督促できません。")


OVERDUE_CHOICE = "overdue"  # the form's choice of every overdue month of each body, one mail per body


def send_reminders(plan, month: date | None, bodies, sender, base_url: str, *, today: date | None = None) -> ReminderResult:
    """E-mail each body among `bodies` that still owes `month` (all that owe it when `bodies` is empty);
    with `month` None, each body that owes any month past its due date, about all those months in one mail.

    `base_url` is the scheme and host the entry page's link starts with (https://portal.example.jp).
    Raises ValidationError, with nothing recorded or sent, for a month that cannot be chased.
    """
    today = today or timezone.localdate()
    matrix = reporting_matrix(plan, today, with_due=True)
    if month is None:
        owing = {row.body.pk: [c for c in row.cells if c.is_overdue] for row in matrix.rows}
        owing = {pk: cells for pk, cells in owing.items() if cells}
        label = "期限を過ぎた月"
    else:
        check_month(plan, month, matrix)
        owing = {cell.body.pk: [cell] for cell in matrix.outstanding(month)}
        label = f"{wareki_month(month)}分"
    bodies = list(bodies or [])
    chosen = [pk for pk in (b.pk for b in bodies) if pk in owing] if bodies else list(owing)
    if not chosen:
        chosen_note = "（選んだ機関はいずれも提出済・承認済です）" if bodies else ""
        raise ValidationError(f"{label}の実績が未提出の機関はありません{chosen_note}。")
    result = _remind(plan, {pk: owing[pk] for pk in chosen}, sender, base_url)
    result.skipped = [str(b) for b in bodies if b.pk not in owing]
    return result


def _remind(plan, owing: dict[int, list], sender, base_url: str, *, today: date | None = None) -> ReminderResult:
    """One mail per body about all the months in its cells (quoting a returned month's reason), and a
    Reminder row per body and month, whether or not anyone could be written to. `today` marks a scheduled
    reminder (sent by no one), which the database keeps to one per body, month and day."""
    result = ReminderResult()
    platform_name = plan.platform.name_for_fiscal_year(plan.fiscal_year)
    short = platform_name.short_name or platform_name.name
    entry_url = base_url.rstrip("/") + reverse("kpi:entry", args=[plan.fiscal_year])
    addresses = recipients_by_body([cells[0].body for cells in owing.values()])
    with transaction.atomic():
        for body_pk, cells in owing.items():
            body = cells[0].body
            months = "・".join(wareki_month(c.month) for c in cells) + "分"
            subject = f"【{short}】{months}のＫＰＩ実績の入力・提出のお願い"
            message = render_to_string(
                "reminders/reminder_email.txt",
                {
                    "body": body, "platform_name": platform_name, "entry_url": entry_url, "sender": sender,
                    "lines": [(c, f"{wareki_month(c.month)}分", wareki_date(c.due.due_on) if c.due else "") for c in cells],
                },
            )
            to = addresses[body_pk]
            for cell in cells:
                result.reminders.append(
                    Reminder.objects.create(
                        plan=plan, member_body=body, month=cell.month, recipients=", ".join(to), subject=subject, message=message,
                        sent_by=sender, automatic=today is not None, **({"sent_on": today} if today else {}),
                    )
                )
            if to:
                # Sent once the records are committed: a failed save sends nothing, a sent mail is always recorded.
                # robust: one refused address must not stop the other bodies' mails (nor the daily task for the
                # other platforms); the failure is logged with its traceback.
                transaction.on_commit(EmailMessage(subject, message, to=to).send, robust=True)
            else:
                result.unreachable.append(str(body))
    return result


def send_scheduled_reminders(plan, schedule, base_url: str, *, today: date) -> ReminderResult:
    """The platform's automatic reminders for `today` (kpi/tasks.py): on the due date of a month and the
    schedule's days after it, each body still owing that month is reminded of every month it owes
    past its due date, in one mail. A body already reminded automatically today of a month is not again."""
    result = ReminderResult()
    if not schedule.auto_reminders:
        return result
    matrix = reporting_matrix(plan, today, with_due=True)
    triggered = {
        cell.month
        for row in matrix.rows
        for cell in row.cells
        if cell.due is not None and (today - cell.due.due_on).days in schedule.offsets
    }
    if not triggered:
        return result
    already = set(
        Reminder.objects.filter(plan=plan, automatic=True, sent_on=today).values_list("member_body_id", "month")
    )
    owing = {}
    for row in matrix.rows:
        if not any(c.is_outstanding and c.month in triggered for c in row.cells):
            continue
        cells = [c for c in row.cells if c.is_outstanding and c.due and c.due.due_on <= today and (row.body.pk, c.month) not in already]
        if cells:
            owing[row.body.pk] = cells
    return _remind(plan, owing, None, base_url, today=today) if owing else result


def recent_reminders(plan, limit: int = 10) -> list[Reminder]:
    """The last reminders sent for a plan, newest first, with the month's label for display."""
    reminders = list(Reminder.objects.filter(plan=plan).select_related("member_body", "sent_by").order_by("-sent_at", "-id")[:limit])
    for reminder in reminders:
        reminder.month_label = wareki_month(reminder.month)
    return reminders


def parse_month(text: str) -> date | None:
    """'2025-09' → 2025-09-01, 'overdue' → None (every overdue month); ValidationError in Japanese otherwise."""
    if text == OVERDUE_CHOICE:
        return None
    try:
        year, month = (int(part) for part in text.split("-"))
        return date(year, month, 1)
    except ValueError:
        raise ValidationError("督促する対象月を選んでください。") from None

