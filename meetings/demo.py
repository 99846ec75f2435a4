"""Demo meetings (not real): the first meeting held with its agenda, attendance and minutes; the second planned."""
from datetime import date, time

from meetings.models import AgendaItem, Attendee, Meeting
from meetings.services import attendees_from_members


def generate_demo_meetings(plan) -> int:
    fy = plan.fiscal_year
    first, created = Meeting.objects.get_or_create(
        plan=plan, number=1,
        defaults={"held_on": date(fy, 7, 10), "starts_at": time(14, 0), "ends_at": time(15, 30), "venue": "県庁 会議室（デモ）",
                  "chair_name": plan.platform.chair_title, "status": Meeting.Status.HELD,
                  "minutes": "事務局から事業実施計画と工程表を説明し、各機関から上半期の取組状況を報告した。",
                  "decisions": "工程表のとおり取組を進め、第2回で上半期の実績を確認する。"},
    )
    if created:
        AgendaItem.objects.create(meeting=first, order=1, title="令和{}年度 事業実施計画について".format(fy - 2018), duration_minutes=20)
        AgendaItem.objects.create(meeting=first, order=2, title="各機関の取組状況", duration_minutes=40)
        attendees_from_members(first)
        for attendee in first.attendees.all()[2:4]:
            attendee.attendance = Attendee.Attendance.ABSENT
            attendee.save()
        for attendee in first.attendees.exclude(attendance=Attendee.Attendance.ABSENT):
            attendee.attendance = Attendee.Attendance.ATTENDED
            attendee.save()
    Meeting.objects.get_or_create(plan=plan, number=2, defaults={"held_on": date(fy + 1, 2, 12), "venue": "県庁 会議室（デモ）", "chair_name": plan.platform.chair_title})
    return plan.meetings.count()
