"""督促: reminding the bodies that have not entered a month, by e-mail, with a record of each reminder."""
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction

from kpi.models import Reminder
from kpi.reporting import reporting_matrix
from platform_portal.access import may
from platform_portal.wareki import wareki_fiscal_year


@dataclass
class ReminderResult:
    reminders: list[Reminder] = field(default_factory=list)
    unreachable: list[str] = field(default_factory=list)  # bodies with no address to write to


def month_label(month: date) -> str:
    from platform_portal.wareki import era_year, format_era_year

    return f"{format_era_year(*era_year(month))}{month.month}月分"


def recipients(body) -> list[str]:
    """Addresses of the body's active users who enter its figures."""
    users = body.users.filter(is_active=True).exclude(email="").prefetch_related("access_roles")
    return sorted({u.email for u in users if may(u, "enter_own_figures", body)})


def send_reminders(plan, month: date, bodies, *, sender, entry_url, today: date) -> ReminderResult:
    """E-mail each outstanding body among `bodies` about `month`, and record one Reminder per body."""
    matrix = reporting_matrix(plan, today)
    if month not in matrix.months:
        raise ValidationError(f"{wareki_fiscal_year(plan.fiscal_year)}の月を選んでください。")
    if matrix.months.index(month) >= matrix.months_due:
        raise ValidationError(f"{month.month}月はまだ終わっていないため督促できません。")
    outstanding = {cell.body.pk: cell.body for cell in matrix.outstanding(month)}
    chosen = [outstanding[b.pk] for b in bodies if b.pk in outstanding]
    if not chosen:
        raise ValidationError(f"{month.month}月分が未提出の機関はありません。")
    platform_name = plan.platform.name_for_fiscal_year(plan.fiscal_year)
    subject = f"【{platform_name.short_name or platform_name.name}】{month_label(month)}のＫＰＩ実績入力のお願い"
    result = ReminderResult()
    with transaction.atomic():
        for body in chosen:
            addresses = recipients(body)
            message = (
                f"{body} ご担当者様\n\n"
                f"{platform_name.name} 事務局です。\n"
                f"{month_label(month)}のＫＰＩ実績の入力・提出がまだ確認できていません。\n"
                f"お手数ですが、次のページから入力・提出をお願いします。\n{entry_url}\n\n"
                f"（このメールは事務局ポータルから {sender} が送信しました）\n"
            )
            result.reminders.append(
                Reminder.objects.create(
                    plan=plan, member_body=body, month=month, recipients=", ".join(addresses),
                    subject=subject, message=message, sent_by=sender,
                )
            )
            if addresses:
                # Sent after commit, so a failed save sends nothing and a sent mail is always recorded.
                email = EmailMessage(subject, message, to=addresses)
                transaction.on_commit(email.send)
            else:
                result.unreachable.append(str(body))
    return result
