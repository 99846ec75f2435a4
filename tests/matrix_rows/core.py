"""Today's portal pages, all on Gunma's platform (moved from tests/test_permission_matrix.py)."""
from datetime import date

from django.urls import reverse

from tests.matrix_rows.base import FY, Row, no_data, statuses

ROWS = [
    Row("home", lambda w: reverse("home"), statuses(302, 200, 200, 200, 200, 200, 200, 200, welfare=200, municipal=200, national=302, admin=302), "hw_user"),
    # The national view is for the instance-wide national role only (tests/test_national.py).
    Row("national", lambda w: reverse("national"), statuses(302, 403, 403, 403, 403, 403, 403, 403, welfare=403, municipal=403, national=200, admin=200), "hw_user"),
    Row("plans:roadmap", lambda w: reverse("plans:roadmap", args=[FY]), statuses(302, 200, 200, 200, 200, 200, 200, 200, welfare=200, municipal=200, national=404, admin=404), "hw_user"),
    # Figures: 群馬労働局 enters the placement KPI; bureau_staff is its staff.
    Row("kpi:entry", lambda w: reverse("kpi:entry", args=[FY]), statuses(302, 200, 200, 200, 200, 200, 403, 403, welfare=200, municipal=403, national=404, admin=404), "bureau_staff"),
    # Entry grids and each cell's history hold unconfirmed figures and staff names: the body's own
    # staff and the secretariat (view_unconfirmed_figures) only; readers and other bodies get 403.
    Row(
        "kpi:entry_body",
        lambda w: reverse("kpi:entry_body", args=[FY, w["bureau"].pk]),
        statuses(302, 404, 403, 200, 200, 200, 403, 403, welfare=403, municipal=403, national=404, admin=404),
        "bureau_staff",
    ),
    Row(
        "kpi:entry_body",
        lambda w: reverse("kpi:entry_body", args=[FY, w["bureau"].pk]),
        statuses(302, 404, 403, 302, 403, 302, 403, 403, welfare=403, municipal=403, national=404, admin=404),
        "bureau_staff",
        method="post",
    ),
    Row(
        "kpi:figure_history",
        lambda w: reverse("kpi:figure_history", args=[FY, w["bureau"].pk, w["kpi"].pk, 2025, 4]),
        statuses(302, 404, 403, 200, 200, 200, 403, 403, welfare=403, municipal=403, national=404, admin=404),
        "bureau_staff",
    ),
    Row(
        "kpi:submit_month",
        lambda w: reverse("kpi:submit_month", args=[FY, w["bureau"].pk, 2025, 5]),
        statuses(302, 404, 403, 302, 403, 302, 403, 403, welfare=403, municipal=403, national=404, admin=404),
        "bureau_staff",
        method="post",
    ),
    Row("kpi:charts", lambda w: reverse("kpi:charts", args=[FY]), statuses(302, 200, 200, 200, 200, 200, 200, 200, welfare=200, municipal=403, national=404, admin=404), "bureau_staff"),
    Row("kpi:approvals", lambda w: reverse("kpi:approvals", args=[FY]), statuses(302, 200, 403, 403, 403, 200, 403, 403, welfare=403, municipal=403, national=404, admin=404), "bureau_staff"),
    Row(
        "kpi:decide",
        lambda w: reverse("kpi:decide", args=[w["submission"].pk]),
        statuses(302, 404, 403, 403, 403, 302, 403, 403, welfare=403, municipal=403, national=404, admin=404),
        "bureau_staff",
        method="post",
        data=lambda w: {"action": "approve"},
    ),
    Row(
        "send_reminders",
        lambda w: reverse("send_reminders", args=[FY]),
        statuses(302, 302, 403, 403, 403, 302, 403, 403, welfare=403, municipal=403, national=404, admin=404),
        "bureau_staff",
        method="post",
        data=lambda w: {"month": "2025-05"},
    ),
    # Progress: ハローワーク reports on 2(1)ア①.
    Row("plans:my_tasks", lambda w: reverse("plans:my_tasks", args=[FY]), statuses(302, 200, 200, 200, 200, 200, 403, 403, welfare=200, municipal=403, national=404, admin=404), "hw_user"),
    Row(
        "plans:report_edit",
        lambda w: reverse("plans:report_edit", args=[FY, w["measure"].pk, w["period"].pk]),
        statuses(302, 404, 403, 200, 403, 200, 403, 403, welfare=403, municipal=403, national=404, admin=404),
        "hw_user",
    ),
    Row(
        "plans:report_detail",
        # A report holds return comments and its history names staff: the body and the secretariat only.
        lambda w: reverse("plans:report_detail", args=[w["report"].pk]),
        statuses(302, 404, 404, 200, 200, 200, 404, 404, welfare=404, municipal=404, national=404, admin=404),
        "hw_user",
    ),
    Row(
        "plans:report_detail",  # another body's draft is not shown to anyone else
        lambda w: reverse("plans:report_detail", args=[w["draft"].pk]),
        statuses(302, 404, 404, 200, 404, 404, 404, 404, welfare=404, municipal=404, national=404, admin=404),
        "hw_user",
    ),
    Row(
        "plans:report_review",
        lambda w: reverse("plans:report_review", args=[w["report"].pk]),
        statuses(302, 404, 403, 403, 302, 302, 403, 403, welfare=403, municipal=403, national=404, admin=404),
        "hw_user",
        method="post",
        data=lambda w: {"action": "accept", "body": "確認しました"},
    ),
    Row("plans:consolidation", lambda w: reverse("plans:consolidation", args=[FY]), statuses(302, 200, 403, 403, 200, 200, 403, 403, welfare=403, municipal=403, national=404, admin=404), "hw_user"),
    Row(
        "plans:consolidation_period",
        lambda w: reverse("plans:consolidation_period", args=[FY, w["period"].pk]),
        statuses(302, 404, 403, 403, 200, 200, 403, 403, welfare=403, municipal=403, national=404, admin=404),
        "hw_user",
    ),
    Row(
        "plans:summary_edit",
        lambda w: reverse("plans:summary_edit", args=[FY, w["period"].pk, w["measure"].pk]),
        statuses(302, 404, 403, 403, 403, 200, 403, 403, welfare=403, municipal=403, national=404, admin=404),
        "hw_user",
    ),
    # Exports: every role here may read figures (confirmed ones); another platform gets its own year's data.
    Row("exports:menu", lambda w: reverse("exports:menu", args=[FY]), statuses(302, 200, 200, 200, 200, 200, 200, 200, welfare=200, municipal=200, national=404, admin=404), "bureau_staff"),
    *(
        Row(
            "exports:download",
            lambda w, export_id=export_id: reverse("exports:download", args=[FY, export_id]),
            statuses(302, 200, 200, 200, 200, 200, 200, 200, welfare=200, municipal=403, national=404, admin=404),
            "bureau_staff",
        )
        for export_id in ("progress_xlsx", "figures_csv")
    ),
    # Progress reports with the return comments: the reporting bodies (their own) and the reviewers
    # (all); readers see no report's text on screen, so they get no file (tests/test_confirmed.py).
    Row(
        "exports:download",
        lambda w: reverse("exports:download", args=[FY, "progress_csv"]),
        statuses(302, 200, 200, 200, 200, 200, 403, 403, welfare=200, municipal=403, national=404, admin=404),
        "bureau_staff",
    ),
    # The meeting packet is the secretariat's (manage_meetings): it holds every body's proposals.
    Row(
        "exports:download",
        lambda w: reverse("exports:download", args=[FY, "meeting_packet"]) + "?section=goals",
        statuses(302, 200, 403, 403, 403, 200, 403, 403, welfare=403, municipal=403, national=404, admin=404),
        "bureau_staff",
    ),
    Row("exports:download", lambda w: reverse("exports:download", args=[FY, "no_such_export"]), statuses(302, 404, 404, 404, 404, 404, 404, 404, welfare=404, municipal=404, national=404, admin=404), "bureau_staff"),
    Row(
        "exports:start",
        lambda w: reverse("exports:start", args=[FY, "progress_xlsx"]),
        statuses(302, 302, 302, 302, 302, 302, 302, 302, welfare=302, municipal=403, national=404, admin=404),
        "bureau_staff",
        method="post",
    ),
    # A background job is its requester's (the lead's) alone.
    Row("exports:job", lambda w: reverse("exports:job", args=[w["job"].pk]), statuses(302, 404, 404, 404, 404, 200, 404, 404, welfare=404, municipal=404, national=404, admin=404), "bureau_staff"),
    Row("exports:job_file", lambda w: reverse("exports:job_file", args=[w["job"].pk]), statuses(302, 404, 404, 404, 404, 200, 404, 404, welfare=404, municipal=404, national=404, admin=404), "bureau_staff"),
    # Retrying needs a failed job; the requester is sent back to it (a done job is not made again).
    Row("exports:retry", lambda w: reverse("exports:retry", args=[w["job"].pk]), statuses(302, 404, 404, 404, 404, 302, 404, 404, welfare=404, municipal=404, national=404, admin=404), "bureau_staff", method="post"),
    # Meetings: everyone of Gunma reads them; the secretariat (lead) runs them.
    Row("meetings:list", lambda w: reverse("meetings:list"), statuses(302, 200, 200, 200, 200, 200, 200, 200, welfare=200, municipal=403, national=404, admin=404), "bureau_staff"),
    Row("meetings:new", lambda w: reverse("meetings:new"), statuses(302, 200, 403, 403, 403, 200, 403, 403, welfare=403, municipal=403, national=404, admin=404), "bureau_staff"),
    Row("meetings:detail", lambda w: reverse("meetings:detail", args=[w["meeting"].pk]), statuses(302, 404, 200, 200, 200, 200, 200, 200, welfare=200, municipal=403, national=404, admin=404), "bureau_staff"),
    *(
        Row(name, lambda w, name=name: reverse(name, args=[w["meeting"].pk]), statuses(302, 404, 403, 403, 403, 200, 403, 403, welfare=403, municipal=403, national=404, admin=404), "bureau_staff")
        for name in ("meetings:edit", "meetings:agenda", "meetings:attendance")
    ),
    Row(
        "meetings:attendance_from_members",
        lambda w: reverse("meetings:attendance_from_members", args=[w["meeting"].pk]),
        statuses(302, 404, 403, 403, 403, 302, 403, 403, welfare=403, municipal=403, national=404, admin=404),
        "bureau_staff",
        method="post",
    ),
    Row(
        "meetings:status",
        lambda w: reverse("meetings:status", args=[w["meeting"].pk]),
        statuses(302, 404, 403, 403, 403, 302, 403, 403, welfare=403, municipal=403, national=404, admin=404),
        "bureau_staff",
        method="post",
        data=lambda w: {"action": "held"},
    ),
    # Rollover: only the plan's editors (the lead) copy a plan; comparing two years is reading the plan.
    Row("plans:rollover", lambda w: reverse("plans:rollover", args=[FY]), statuses(302, 302, 403, 403, 403, 302, 403, 403, welfare=403, municipal=403, national=404, admin=404), "hw_user", method="post"),
    Row("plans:diff", lambda w: reverse("plans:diff", args=[FY, FY]), statuses(302, 200, 200, 200, 200, 200, 200, 200, welfare=200, municipal=200, national=404, admin=404), "hw_user"),
    # Proposals: 経営者協会 proposed; keieisha staff is the responsible body's.
    Row("proposals:list", lambda w: reverse("proposals:list"), statuses(302, 200, 200, 200, 200, 200, 403, 403, welfare=200, municipal=403, national=404, admin=404), "keieisha_user"),
    Row("proposals:new", lambda w: reverse("proposals:new"), statuses(302, 200, 200, 200, 200, 200, 403, 403, welfare=200, municipal=403, national=404, admin=404), "keieisha_user"),
    Row(
        "proposals:detail",
        lambda w: reverse("proposals:detail", args=[w["proposal"].pk]),
        statuses(302, 404, 404, 200, 404, 200, 403, 403, welfare=404, municipal=403, national=404, admin=404),
        "keieisha_user",
    ),
    Row(
        "proposals:withdraw",  # only the proposing body withdraws; others who can see it get 403
        lambda w: reverse("proposals:withdraw", args=[w["proposal"].pk]),
        statuses(302, 404, 404, 302, 404, 403, 403, 403, welfare=404, municipal=403, national=404, admin=404),
        "keieisha_user",
        method="post",
        data=lambda w: {"version": w["proposal"].version},
    ),
    Row(
        "proposals:handle",
        lambda w: reverse("proposals:handle", args=[w["proposal"].pk]),
        statuses(302, 404, 403, 403, 403, 200, 403, 403, welfare=403, municipal=403, national=404, admin=404),
        "keieisha_user",
    ),
    # Imports: the lead (import_data with manage_members) only; another platform's run is not found.
    Row("imports:menu", lambda w: reverse("imports:menu"), statuses(302, 200, 403, 403, 403, 200, 403, 403, welfare=200, municipal=403, national=404, admin=404), "bureau_staff"),
    *(
        Row(name, lambda w, name=name: reverse(name, args=["members"]), statuses(302, 200, 403, 403, 403, 200, 403, 403, welfare=403, municipal=403, national=404, admin=404), "bureau_staff")
        for name in ("imports:template", "imports:data")
    ),
    Row("imports:upload", lambda w: reverse("imports:upload", args=["members"]), statuses(302, 302, 403, 403, 403, 302, 403, 403, welfare=403, municipal=403, national=404, admin=404), "bureau_staff", method="post"),
    Row("imports:run", lambda w: reverse("imports:run", args=[w["import_run"].pk]), statuses(302, 404, 403, 403, 403, 200, 403, 403, welfare=403, municipal=403, national=404, admin=404), "bureau_staff"),
    *(
        Row(name, lambda w, name=name: reverse(name, args=[w["import_run"].pk]), statuses(302, 404, 403, 403, 403, 302, 403, 403, welfare=403, municipal=403, national=404, admin=404), "bureau_staff", method="post")
        for name in ("imports:confirm", "imports:discard")
    ),
    # Opening a platform is the system administrator's (tests/test_onboarding.py); names are the lead's.
    Row("platforms", lambda w: reverse("platforms"), statuses(302, 403, 403, 403, 403, 403, 403, 403, welfare=403, municipal=403, national=403, admin=200), "bureau_staff"),
    Row("platform_names", lambda w: reverse("platform_names"), statuses(302, 200, 403, 403, 403, 200, 403, 403, welfare=403, municipal=403, national=404, admin=404), "bureau_staff"),
    # Municipal platforms: the roles holding view_municipal (secretariat, chair) read the overview.
    Row("municipal_pf:overview", lambda w: reverse("municipal_pf:overview"), statuses(302, 200, 403, 403, 200, 200, 200, 403, welfare=200, municipal=403, national=404, admin=404), "bureau_staff"),
    # Municipal reports: readers see all; the liaison (welfare) writes; municipal staff report for their own; see tests/test_municipal_reports.py.
    Row("municipal_pf:reports", lambda w: reverse("municipal_pf:reports"), statuses(302, 200, 403, 403, 200, 200, 200, 403, welfare=200, municipal=200, national=404, admin=404), "bureau_staff"),
    Row("municipal_pf:report_new", lambda w: reverse("municipal_pf:report_new"), statuses(302, 200, 403, 403, 403, 403, 403, 403, welfare=200, municipal=200, national=404, admin=404), "bureau_staff"),
    Row("municipal_pf:report", lambda w: reverse("municipal_pf:report", args=[w["municipal_report"].pk]), statuses(302, 404, 403, 403, 200, 200, 200, 403, welfare=200, municipal=404, national=404, admin=404), "bureau_staff"),
    Row("municipal_pf:platform", lambda w: reverse("municipal_pf:platform", args=[w["municipal_report"].municipal_platform_id]), statuses(302, 404, 403, 403, 200, 200, 200, 403, welfare=200, municipal=403, national=404, admin=404), "bureau_staff"),
    Row("municipal_pf:platform_edit", lambda w: reverse("municipal_pf:platform_edit", args=[w["municipal_report"].municipal_platform_id]), statuses(302, 404, 403, 403, 403, 403, 403, 403, welfare=200, municipal=403, national=404, admin=404), "bureau_staff"),
    # Security settings are every signed-in user's own (tests/test_two_factor.py covers the flows).
    Row("security", lambda w: reverse("security"), statuses(302, 200, 200, 200, 200, 200, 200, 200, welfare=200, municipal=200, national=200, admin=200), "bureau_staff"),
    Row("two_factor_setup", lambda w: reverse("two_factor_setup"), statuses(302, 200, 200, 200, 200, 200, 200, 200, welfare=200, municipal=200, national=200, admin=200), "bureau_staff"),
    # An already verified secretariat user is sent on; others without a device are sent to enrol.
    Row("two_factor_verify", lambda w: reverse("two_factor_verify"), statuses(302, 302, 302, 302, 302, 302, 302, 302, welfare=302, municipal=302, national=302, admin=302), "bureau_staff"),
    Row("two_factor_disable", lambda w: reverse("two_factor_disable"), statuses(302, 302, 302, 302, 302, 302, 302, 302, welfare=302, municipal=302, national=302, admin=302), "bureau_staff", method="post"),
]

# Write views posted to with an empty form (or the least a page needs): whoever may write gets the
# form back with its errors (200, or 400 where a view says so) or is sent on (302); the rest are refused.
def _may_figure(w):
    """群馬労働局's May figure of the placement KPI (April is submitted, so locked), for its comment."""
    from kpi.models import KpiFigure

    figure, _ = KpiFigure.objects.get_or_create(kpi=w["kpi"], member_body=w["bureau"], month=date(2025, 5, 1), defaults={"value": 10})
    return figure


def _post(name, url, expected, responsible="bureau_staff", data=no_data):
    return Row(name, url, expected, responsible, method="post", data=data)


ROWS += [
    _post("kpi:entry", lambda w: reverse("kpi:entry", args=[FY]), statuses(302, 302, 302, 302, 302, 302, 403, 403, welfare=302, municipal=403, national=404, admin=404)),
    _post(
        "kpi:figure_history",
        lambda w: reverse("kpi:figure_history", args=[FY, w["bureau"].pk, _may_figure(w).kpi_id, 2025, 5]),
        statuses(302, 404, 403, 302, 403, 302, 403, 403, welfare=403, municipal=403, national=404, admin=404),
        data=lambda w: {"comment": "窓口の混雑", "version": _may_figure(w).version},
    ),
    # ハローワーク's report on this measure is submitted, so locked: its own body is refused too (403).
    _post("plans:report_edit", lambda w: reverse("plans:report_edit", args=[FY, w["measure"].pk, w["period"].pk]), statuses(302, 404, 403, 403, 403, 200, 403, 403, welfare=403, municipal=403, national=404, admin=404), "hw_user"),
    _post("plans:summary_edit", lambda w: reverse("plans:summary_edit", args=[FY, w["period"].pk, w["measure"].pk]), statuses(302, 404, 403, 403, 403, 200, 403, 403, welfare=403, municipal=403, national=404, admin=404), "hw_user"),
    _post("exports:download", lambda w: reverse("exports:download", args=[FY, "figures_csv"]), statuses(302, 200, 200, 200, 200, 200, 200, 200, welfare=200, municipal=403, national=404, admin=404)),
    _post("meetings:new", lambda w: reverse("meetings:new"), statuses(302, 200, 403, 403, 403, 200, 403, 403, welfare=403, municipal=403, national=404, admin=404)),
    *(_post(name, lambda w, name=name: reverse(name, args=[w["meeting"].pk]), statuses(302, 404, 403, 403, 403, 200, 403, 403, welfare=403, municipal=403, national=404, admin=404)) for name in ("meetings:edit", "meetings:agenda", "meetings:attendance")),
    _post("proposals:new", lambda w: reverse("proposals:new"), statuses(302, 200, 200, 200, 200, 200, 403, 403, welfare=200, municipal=403, national=404, admin=404), "keieisha_user"),
    _post("proposals:handle", lambda w: reverse("proposals:handle", args=[w["proposal"].pk]), statuses(302, 404, 403, 403, 403, 200, 403, 403, welfare=403, municipal=403, national=404, admin=404), "keieisha_user"),
    _post("platforms", lambda w: reverse("platforms"), statuses(302, 403, 403, 403, 403, 403, 403, 403, welfare=403, municipal=403, national=403, admin=200)),
    _post("platform_names", lambda w: reverse("platform_names"), statuses(302, 200, 403, 403, 403, 200, 403, 403, welfare=403, municipal=403, national=404, admin=404)),
    _post("municipal_pf:report_new", lambda w: reverse("municipal_pf:report_new"), statuses(302, 400, 403, 400, 403, 403, 403, 403, welfare=400, municipal=400, national=404, admin=404), "municipal_owner"),
    _post("municipal_pf:report", lambda w: reverse("municipal_pf:report", args=[w["municipal_report"].pk]), statuses(302, 404, 403, 400, 403, 403, 403, 403, welfare=400, municipal=404, national=404, admin=404), "municipal_owner"),
    _post("municipal_pf:platform_edit", lambda w: reverse("municipal_pf:platform_edit", args=[w["municipal_report"].municipal_platform_id]), statuses(302, 404, 403, 403, 403, 403, 403, 403, welfare=400, municipal=403, national=404, admin=404)),
    _post("two_factor_setup", lambda w: reverse("two_factor_setup"), statuses(302, 200, 200, 200, 200, 200, 200, 200, welfare=200, municipal=200, national=200, admin=200)),
    _post("two_factor_verify", lambda w: reverse("two_factor_verify"), statuses(302, 302, 302, 302, 302, 302, 302, 302, welfare=302, municipal=302, national=302, admin=302)),
]
