"""Bulk approval, reopening from the compact list, and the due-date / automatic-reminder settings (issue 14.4, 14.5)."""
from django.urls import reverse

from tests.matrix_rows.base import FY, Row, statuses

# Another platform's lead posts Gunma's submission under their own year: it is not found there, nothing changes (302 with the refusal).
LEAD_ONLY_POST = statuses(302, 302, 403, 403, 403, 302, 403, 403, welfare=403, municipal=403, national=404, admin=404)

ROWS = [
    Row(
        "kpi:approve_many",
        lambda w: reverse("kpi:approve_many", args=[FY]),
        LEAD_ONLY_POST,
        "bureau_staff",
        method="post",
        data=lambda w: {"chosen": f"{w['submission'].pk}:{w['submission'].version}", "confirmed": "1"},
    ),
    # The confirmation step is a page (200) shown before anything is approved.
    Row(
        "kpi:approve_many",
        lambda w: reverse("kpi:approve_many", args=[FY]),
        statuses(302, 200, 403, 403, 403, 200, 403, 403, welfare=403, municipal=403, national=404, admin=404),
        "bureau_staff",
        method="post",
        data=lambda w: {"chosen": f"{w['submission'].pk}:{w['submission'].version}"},
    ),
    Row(
        "kpi:reopen",
        lambda w: reverse("kpi:reopen", args=[FY]),
        LEAD_ONLY_POST,
        "bureau_staff",
        method="post",
        data=lambda w: {"submission": f"{w['submission'].pk}:{w['submission'].version}", "reason": "誤り"},
    ),
    Row(
        "kpi:reminder_schedule",
        lambda w: reverse("kpi:reminder_schedule"),
        statuses(302, 200, 403, 403, 403, 200, 403, 403, welfare=403, municipal=403, national=404, admin=404),
        "bureau_staff",
    ),
    Row(
        "kpi:reminder_schedule",
        lambda w: reverse("kpi:reminder_schedule"),
        statuses(302, 302, 403, 403, 403, 302, 403, 403, welfare=403, municipal=403, national=404, admin=404),
        "bureau_staff",
        method="post",
        data=lambda w: {"due_day": "10", "reminder_offsets": "0,3", "version": ""},
    ),
]
