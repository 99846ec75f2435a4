"""Scheduled reminders (自動督促), run by the worker (`manage.py db_worker`) on the django-tasks queue.

`daily_reminders` sends the day's reminders of every platform that has them on (kpi.reminders
send_scheduled_reminders) and enqueues itself for the next morning with `run_after`, so that one
enqueue (`manage.py schedule_reminders`, run by scripts/demo.sh and at each deployment) keeps it going.
Sending twice in a day is harmless: each body, month and day is reminded automatically at most once
(a unique constraint on kpi.Reminder).
"""
import logging
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskResultStatus

from kpi.models import ReportingSchedule
from kpi.reminders import send_scheduled_reminders
from core.fiscal import fiscal_year_of

logger = logging.getLogger(__name__)

REMINDER_TIME = time(8, 0)  # local time: mail that arrives at the start of the working day


def send_due_reminders(today: date) -> int:
    """The day's automatic reminders of every platform; the number of body-months reminded."""
    sent = 0
    schedules = ReportingSchedule.objects.filter(auto_reminders=True).select_related("platform")
    for schedule in schedules:
        # March is due in April: last year's plan still has months to chase early in the year.
        years = (fiscal_year_of(today), fiscal_year_of(today) - 1)
        for plan in schedule.platform.plans.filter(fiscal_year__in=years):
            sent += len(send_scheduled_reminders(plan, schedule, settings.PORTAL_URL, today=today).reminders)
    return sent


@task()
def daily_reminders() -> int:
    try:
        return send_due_reminders(timezone.localdate())
    finally:
        schedule_next(timezone.localtime() + timedelta(days=1))


def next_run(after: datetime) -> datetime:
    """REMINDER_TIME on the day of `after` (an aware local time)."""
    return timezone.make_aware(datetime.combine(timezone.localtime(after).date(), REMINDER_TIME))


def schedule_from_settings() -> bool:
    """When the secretariat turns reminders on: the next REMINDER_TIME still to come, so that a
    save in the afternoon sends nothing before the next morning (a deployment catches up at once)."""
    now = timezone.localtime()
    return schedule_next(now if now < next_run(now) else now + timedelta(days=1))


def schedule_next(after: datetime | None = None) -> bool:
    """Enqueue the next daily run unless one is already waiting; whether one was enqueued."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(task_path=daily_reminders.module_path, status=TaskResultStatus.READY)
    if waiting.exists():
        return False
    run_after = next_run(after or timezone.localtime())
    if run_after <= timezone.now():
        run_after = timezone.now()  # today's time has passed: run now, then tomorrow at REMINDER_TIME
    daily_reminders.using(run_after=run_after).enqueue()
    logger.info("daily reminders scheduled for %s", run_after)
    return True
