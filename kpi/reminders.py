"""督促: reminding the bodies that still owe an ended month's figures, by e-mail, with a record of each reminder.

The lead secretariat picks a month (and optionally some bodies); each body that still owes that
month gets one e-mail to its staff who enter figures, and one Reminder row, whether or not anyone
could be written to, so that the record shows who was chased and when.
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
from core.wareki import era_year, format_era_year, wareki_fiscal_year


@dataclass
class ReminderResult:
    reminders: list[Reminder] = field(default_factory=list)
    unreachable: list[str] = field(default_factory=list)  # recorded, but no address to write to
    skipped: list[str] = field(default_factory=list)  # chosen, but no longer owing the month

    @property
    def sent_count(self) -> int:
        return sum(1 for r in self.reminders if r.recipients)


def wareki_month(month: date) -> str:
    """令和7年9月分: the month as the e-mails and the record name it."""
    return f"{format_era_year(*era_year(month))}{month.month}月分"


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
        raise ValidationError(f"{wareki_month(month).removesuffix('分')}はまだ終わっていないため督促できません。")


def send_reminders(plan, month: date, bodies, sender, base_url: str, *, today: date | None = None) -> ReminderResult:
    """E-mail each body among `bodies` that still owes `month` (all that owe it when `bodies` is empty).

    `base_url` is the scheme and host the entry page's link starts with (https://portal.example.jp).
    Raises ValidationError, with nothing recorded or sent, for a month that cannot be chased.
    """
    today = today or timezone.localdate()
    matrix = reporting_matrix(plan, today)
    check_month(plan, month, matrix)
    owing = {cell.body.pk: cell for cell in matrix.outstanding(month)}
    outstanding = {pk: cell.body for pk, cell in owing.items()}
    bodies = list(bodies or [])
    chosen = [outstanding[b.pk] for b in bodies if b.pk in outstanding] if bodies else list(outstanding.values())
    result = ReminderResult(skipped=[str(b) for b in bodies if b.pk not in outstanding])
    if not chosen:
        chosen_note = "（選んだ機関はいずれも提出済・承認済です）" if bodies else ""
        raise ValidationError(f"{wareki_month(month)}の実績が未提出の機関はありません{chosen_note}。")

    platform_name = plan.platform.name_for_fiscal_year(plan.fiscal_year)
    subject = f"【{platform_name.short_name or platform_name.name}】{wareki_month(month)}のＫＰＩ実績の入力・提出のお願い"
    entry_url = base_url.rstrip("/") + reverse("kpi:entry", args=[plan.fiscal_year])
    addresses = recipients_by_body(chosen)
    with transaction.atomic():
        for body in chosen:
            message = render_to_string(
                "reminders/reminder_email.txt",
                {
                    "body": body,
                    "platform_name": platform_name,
                    "month_label": wareki_month(month),
                    "entry_url": entry_url,
                    "sender": sender,
                    "state": owing[body.pk].label,
                },
            )
            to = addresses[body.pk]
            result.reminders.append(
                Reminder.objects.create(
                    plan=plan, member_body=body, month=month, recipients=", ".join(to),
                    subject=subject, message=message, sent_by=sender,
                )
            )
            if to:
                # Sent once the records are committed: a failed save sends nothing, a sent mail is always recorded.
                transaction.on_commit(EmailMessage(subject, message, to=to).send)
            else:
                result.unreachable.append(str(body))
    return result


def recent_reminders(plan, limit: int = 10) -> list[Reminder]:
    """The last reminders sent for a plan, newest first, with the month's label for display."""
    reminders = list(Reminder.objects.filter(plan=plan).select_related("member_body", "sent_by").order_by("-sent_at", "-id")[:limit])
    for reminder in reminders:
        reminder.month_label = wareki_month(reminder.month).removesuffix("分")
    return reminders


def parse_month(text: str) -> date:
    """'2025-09' → 2025-09-01; ValidationError in Japanese otherwise."""
    try:
        year, month = (int(part) for part in text.split("-"))
        return date(year, month, 1)
    except ValueError:
        raise ValidationError("督促する対象月を選んでください。") from None

