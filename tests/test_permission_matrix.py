"""Permission matrix: every URL of the portal × every kind of user, with the status each must get.

Kinds of user (tests/conftest.py): anonymous; a user of another platform; staff of a body without
responsibility for the object (連合群馬); staff of the responsible body; the deputy secretariat; the
lead secretariat; the read-only roles (chair and observer). A new URL must get a row here:
`test_every_url_has_a_row` fails otherwise.

Expected statuses: 302 to the login page for anonymous users, 404 for another platform's objects,
403 for a missing permission, 200 for a page (302 after a successful POST).
"""
from dataclasses import dataclass, field
from datetime import date

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from django.core.files.base import ContentFile

from exports.models import ExportJob
from imports.models import ImportRun
from meetings.models import Meeting
from kpi.models import FigureSubmission, Kpi
from plans.models import Measure, ProgressReport
from proposals.models import PolicyProposal

KINDS = ("anonymous", "other_platform", "unrelated", "responsible", "deputy", "lead", "chair", "observer")
USERS = {
    "other_platform": "other_platform_user",
    "unrelated": "rengo_user",
    "deputy": "deputy_user",
    "lead": "lead_user",
    "chair": "chair_user",
    "observer": "observer_user",
}


@dataclass
class Row:
    name: str  # URL name
    url: callable  # world → path
    expected: dict  # kind → status
    responsible: str = ""  # fixture name of the responsible body's staff
    method: str = "get"
    data: callable = field(default=lambda world: {})


@pytest.fixture
def world(gunma, plan2025, hw_user, bureau_staff, lead_user, settings, tmp_path):
    """One object of each kind the URLs point at, all on Gunma's platform."""
    bureau = gunma.member_bodies.get(name="群馬労働局")
    keieisha = gunma.member_bodies.get(name="（一社）群馬県経営者協会")
    placements = Kpi.objects.get(measure__section__plan=plan2025, name="ハローワークにおける紹介就職件数")
    hw_measure = placements.measure  # 2(1)ア①, 労働局 (ハローワーク included)
    period = plan2025.reporting_periods.order_by("starts_on").first()
    submitted = FigureSubmission.objects.create(
        plan=plan2025, member_body=bureau, month=date(2025, 4, 1), status=FigureSubmission.Status.SUBMITTED
    )
    report = ProgressReport.objects.create(
        measure=hw_measure, period=period, member_body=hw_user.member_body, activities="窓口での職業紹介",
        review_status=ProgressReport.Review.SUBMITTED,
    )
    draft = ProgressReport.objects.create(
        measure=Measure.objects.get(section__plan=plan2025, section__number="(1)", section__parent__number="1", number="①"),
        period=period, member_body=hw_user.member_body, activities="下書き",
    )
    proposal = PolicyProposal.objects.create(platform=gunma, member_body=keieisha, title="提案", content="内容")
    settings.MEDIA_ROOT = tmp_path
    job = ExportJob(platform=gunma, user=lead_user, export_id="figures_csv", fiscal_year=2025, status="done", filename="f.csv", content_type="text/csv")
    job.file.save("f.csv", ContentFile(b"x"), save=True)
    meeting = Meeting.objects.create(plan=plan2025, number=1, held_on=date(2025, 7, 10))
    from municipal_pf.models import MunicipalPlatform, MunicipalReport

    mpf = MunicipalPlatform.objects.create(platform=gunma, municipality=gunma.prefecture.municipalities.first())
    municipal_report = MunicipalReport.objects.create(municipal_platform=mpf, period=period, kind="issue", title="課題", body="x")
    import_run = ImportRun(platform=gunma, user=lead_user, kind="members", original_name="m.csv", status="imported")
    import_run.file.save("m.csv", ContentFile(b"x"), save=True)
    return {
        "import_run": import_run,
        "municipal_report": municipal_report,
        "plan": plan2025, "bureau": bureau, "kpi": placements, "measure": hw_measure, "period": period,
        "submission": submitted, "report": report, "draft": draft, "proposal": proposal, "job": job, "meeting": meeting,
    }


def statuses(anonymous, other_platform, unrelated, responsible, deputy, lead, chair, observer):
    return dict(zip(KINDS, (anonymous, other_platform, unrelated, responsible, deputy, lead, chair, observer)))


FY = 2025
ROWS = [
    Row("home", lambda w: reverse("home"), statuses(302, 200, 200, 200, 200, 200, 200, 200), "hw_user"),
    # The national view is for the instance-wide national role only (tests/test_national.py).
    Row("national", lambda w: reverse("national"), statuses(302, 403, 403, 403, 403, 403, 403, 403), "hw_user"),
    Row("plans:roadmap", lambda w: reverse("plans:roadmap", args=[FY]), statuses(302, 200, 200, 200, 200, 200, 200, 200), "hw_user"),
    # Figures: 群馬労働局 enters the placement KPI; bureau_staff is its staff.
    Row("kpi:entry", lambda w: reverse("kpi:entry", args=[FY]), statuses(302, 200, 200, 200, 200, 200, 403, 403), "bureau_staff"),
    # Entry grids and each cell's history hold unconfirmed figures and staff names: the body's own
    # staff and the secretariat (view_unconfirmed_figures) only; readers and other bodies get 403.
    Row(
        "kpi:entry_body",
        lambda w: reverse("kpi:entry_body", args=[FY, w["bureau"].pk]),
        statuses(302, 404, 403, 200, 200, 200, 403, 403),
        "bureau_staff",
    ),
    Row(
        "kpi:entry_body",
        lambda w: reverse("kpi:entry_body", args=[FY, w["bureau"].pk]),
        statuses(302, 404, 403, 302, 403, 302, 403, 403),
        "bureau_staff",
        method="post",
    ),
    Row(
        "kpi:figure_history",
        lambda w: reverse("kpi:figure_history", args=[FY, w["bureau"].pk, w["kpi"].pk, 2025, 4]),
        statuses(302, 404, 403, 200, 200, 200, 403, 403),
        "bureau_staff",
    ),
    Row(
        "kpi:submit_month",
        lambda w: reverse("kpi:submit_month", args=[FY, w["bureau"].pk, 2025, 5]),
        statuses(302, 404, 403, 302, 403, 302, 403, 403),
        "bureau_staff",
        method="post",
    ),
    Row("kpi:charts", lambda w: reverse("kpi:charts", args=[FY]), statuses(302, 200, 200, 200, 200, 200, 200, 200), "bureau_staff"),
    Row("kpi:approvals", lambda w: reverse("kpi:approvals", args=[FY]), statuses(302, 200, 403, 403, 403, 200, 403, 403), "bureau_staff"),
    Row(
        "kpi:decide",
        lambda w: reverse("kpi:decide", args=[w["submission"].pk]),
        statuses(302, 404, 403, 403, 403, 302, 403, 403),
        "bureau_staff",
        method="post",
        data=lambda w: {"action": "approve"},
    ),
    Row(
        "send_reminders",
        lambda w: reverse("send_reminders", args=[FY]),
        statuses(302, 403, 403, 403, 403, 302, 403, 403),
        "bureau_staff",
        method="post",
        data=lambda w: {"month": "2025-05"},
    ),
    # Progress: ハローワーク reports on 2(1)ア①.
    Row("plans:my_tasks", lambda w: reverse("plans:my_tasks", args=[FY]), statuses(302, 403, 200, 200, 200, 200, 403, 403), "hw_user"),
    Row(
        "plans:report_edit",
        lambda w: reverse("plans:report_edit", args=[FY, w["measure"].pk, w["period"].pk]),
        statuses(302, 403, 403, 200, 403, 200, 403, 403),
        "hw_user",
    ),
    Row(
        "plans:report_detail",
        # A report holds return comments and its history names staff: the body and the secretariat only.
        lambda w: reverse("plans:report_detail", args=[w["report"].pk]),
        statuses(302, 404, 404, 200, 200, 200, 404, 404),
        "hw_user",
    ),
    Row(
        "plans:report_detail",  # another body's draft is not shown to anyone else
        lambda w: reverse("plans:report_detail", args=[w["draft"].pk]),
        statuses(302, 404, 404, 200, 404, 404, 404, 404),
        "hw_user",
    ),
    Row(
        "plans:report_review",
        lambda w: reverse("plans:report_review", args=[w["report"].pk]),
        statuses(302, 403, 403, 403, 302, 302, 403, 403),
        "hw_user",
        method="post",
        data=lambda w: {"action": "accept", "body": "確認しました"},
    ),
    Row("plans:consolidation", lambda w: reverse("plans:consolidation", args=[FY]), statuses(302, 403, 403, 403, 200, 200, 403, 403), "hw_user"),
    Row(
        "plans:consolidation_period",
        lambda w: reverse("plans:consolidation_period", args=[FY, w["period"].pk]),
        statuses(302, 403, 403, 403, 200, 200, 403, 403),
        "hw_user",
    ),
    Row(
        "plans:summary_edit",
        lambda w: reverse("plans:summary_edit", args=[FY, w["period"].pk, w["measure"].pk]),
        statuses(302, 403, 403, 403, 403, 200, 403, 403),
        "hw_user",
    ),
    # Exports: every role here may read figures (confirmed ones); another platform gets its own year's data.
    Row("exports:menu", lambda w: reverse("exports:menu", args=[FY]), statuses(302, 200, 200, 200, 200, 200, 200, 200), "bureau_staff"),
    *(
        Row(
            "exports:download",
            lambda w, export_id=export_id: reverse("exports:download", args=[FY, export_id]),
            statuses(302, 200, 200, 200, 200, 200, 200, 200),
            "bureau_staff",
        )
        for export_id in ("progress_xlsx", "figures_csv")
    ),
    # Progress reports with the return comments: the reporting bodies (their own) and the reviewers
    # (all); readers see no report's text on screen, so they get no file (tests/test_confirmed.py).
    # Tochigi's member role does not report progress.
    Row(
        "exports:download",
        lambda w: reverse("exports:download", args=[FY, "progress_csv"]),
        statuses(302, 403, 200, 200, 200, 200, 403, 403),
        "bureau_staff",
    ),
    # The meeting packet is the secretariat's (manage_meetings): it holds every body's proposals.
    Row(
        "exports:download",
        lambda w: reverse("exports:download", args=[FY, "meeting_packet"]) + "?section=goals",
        statuses(302, 403, 403, 403, 403, 200, 403, 403),
        "bureau_staff",
    ),
    Row("exports:download", lambda w: reverse("exports:download", args=[FY, "no_such_export"]), statuses(302, 404, 404, 404, 404, 404, 404, 404), "bureau_staff"),
    Row(
        "exports:start",
        lambda w: reverse("exports:start", args=[FY, "progress_xlsx"]),
        statuses(302, 302, 302, 302, 302, 302, 302, 302),
        "bureau_staff",
        method="post",
    ),
    # A background job is its requester's (the lead's) alone.
    Row("exports:job", lambda w: reverse("exports:job", args=[w["job"].pk]), statuses(302, 404, 404, 404, 404, 200, 404, 404), "bureau_staff"),
    Row("exports:job_file", lambda w: reverse("exports:job_file", args=[w["job"].pk]), statuses(302, 404, 404, 404, 404, 200, 404, 404), "bureau_staff"),
    # Retrying needs a failed job; the requester is sent back to it (a done job is not made again).
    Row("exports:retry", lambda w: reverse("exports:retry", args=[w["job"].pk]), statuses(302, 404, 404, 404, 404, 302, 404, 404), "bureau_staff", method="post"),
    # Meetings: everyone of Gunma reads them; the secretariat (lead) runs them.
    Row("meetings:list", lambda w: reverse("meetings:list"), statuses(302, 403, 200, 200, 200, 200, 200, 200), "bureau_staff"),
    Row("meetings:new", lambda w: reverse("meetings:new"), statuses(302, 403, 403, 403, 403, 200, 403, 403), "bureau_staff"),
    Row("meetings:detail", lambda w: reverse("meetings:detail", args=[w["meeting"].pk]), statuses(302, 403, 200, 200, 200, 200, 200, 200), "bureau_staff"),
    *(
        Row(name, lambda w, name=name: reverse(name, args=[w["meeting"].pk]), statuses(302, 403, 403, 403, 403, 200, 403, 403), "bureau_staff")
        for name in ("meetings:edit", "meetings:agenda", "meetings:attendance")
    ),
    Row(
        "meetings:attendance_from_members",
        lambda w: reverse("meetings:attendance_from_members", args=[w["meeting"].pk]),
        statuses(302, 403, 403, 403, 403, 302, 403, 403),
        "bureau_staff",
        method="post",
    ),
    Row(
        "meetings:status",
        lambda w: reverse("meetings:status", args=[w["meeting"].pk]),
        statuses(302, 403, 403, 403, 403, 302, 403, 403),
        "bureau_staff",
        method="post",
        data=lambda w: {"action": "held"},
    ),
    # Rollover: only the plan's editors (the lead) copy a plan; comparing two years is reading the plan.
    Row("plans:rollover", lambda w: reverse("plans:rollover", args=[FY]), statuses(302, 403, 403, 403, 403, 302, 403, 403), "hw_user", method="post"),
    Row("plans:diff", lambda w: reverse("plans:diff", args=[FY, FY]), statuses(302, 200, 200, 200, 200, 200, 200, 200), "hw_user"),
    # Proposals: 経営者協会 proposed; keieisha staff is the responsible body's.
    Row("proposals:list", lambda w: reverse("proposals:list"), statuses(302, 403, 200, 200, 200, 200, 403, 403), "keieisha_user"),
    Row("proposals:new", lambda w: reverse("proposals:new"), statuses(302, 403, 200, 200, 200, 200, 403, 403), "keieisha_user"),
    Row(
        "proposals:detail",
        lambda w: reverse("proposals:detail", args=[w["proposal"].pk]),
        statuses(302, 403, 404, 200, 404, 200, 403, 403),
        "keieisha_user",
    ),
    Row(
        "proposals:withdraw",  # only the proposing body withdraws; others who can see it get 403
        lambda w: reverse("proposals:withdraw", args=[w["proposal"].pk]),
        statuses(302, 403, 404, 302, 404, 403, 403, 403),
        "keieisha_user",
        method="post",
        data=lambda w: {"version": w["proposal"].version},
    ),
    Row(
        "proposals:handle",
        lambda w: reverse("proposals:handle", args=[w["proposal"].pk]),
        statuses(302, 403, 403, 403, 403, 200, 403, 403),
        "keieisha_user",
    ),    # Imports: the lead (import_data with manage_members) only; another platform's run is not found.
    Row("imports:menu", lambda w: reverse("imports:menu"), statuses(302, 403, 403, 403, 403, 200, 403, 403), "bureau_staff"),
    *(
        Row(name, lambda w, name=name: reverse(name, args=["members"]), statuses(302, 403, 403, 403, 403, 200, 403, 403), "bureau_staff")
        for name in ("imports:template", "imports:data")
    ),
    Row("imports:upload", lambda w: reverse("imports:upload", args=["members"]), statuses(302, 403, 403, 403, 403, 302, 403, 403), "bureau_staff", method="post"),
    Row("imports:run", lambda w: reverse("imports:run", args=[w["import_run"].pk]), statuses(302, 403, 403, 403, 403, 200, 403, 403), "bureau_staff"),
    *(
        Row(name, lambda w, name=name: reverse(name, args=[w["import_run"].pk]), statuses(302, 403, 403, 403, 403, 302, 403, 403), "bureau_staff", method="post")
        for name in ("imports:confirm", "imports:discard")
    ),
    # Opening a platform is the system administrator's (tests/test_onboarding.py); names are the lead's.
    Row("platforms", lambda w: reverse("platforms"), statuses(302, 403, 403, 403, 403, 403, 403, 403), "bureau_staff"),
    Row("platform_names", lambda w: reverse("platform_names"), statuses(302, 403, 403, 403, 403, 200, 403, 403), "bureau_staff"),    # Municipal platforms: the roles holding view_municipal (secretariat, chair) read the overview.
    Row("municipal_pf:overview", lambda w: reverse("municipal_pf:overview"), statuses(302, 403, 403, 403, 200, 200, 200, 403), "bureau_staff"),    # Municipal reports: readers see all; the liaison (welfare_user, not a kind here) writes; see tests/test_municipal_reports.py.
    Row("municipal_pf:reports", lambda w: reverse("municipal_pf:reports"), statuses(302, 403, 403, 403, 200, 200, 200, 403), "bureau_staff"),
    Row("municipal_pf:report_new", lambda w: reverse("municipal_pf:report_new"), statuses(302, 403, 403, 403, 403, 403, 403, 403), "bureau_staff"),
    Row("municipal_pf:report", lambda w: reverse("municipal_pf:report", args=[w["municipal_report"].pk]), statuses(302, 403, 403, 403, 200, 200, 200, 403), "bureau_staff"),    Row("municipal_pf:platform", lambda w: reverse("municipal_pf:platform", args=[w["municipal_report"].municipal_platform_id]), statuses(302, 403, 403, 403, 200, 200, 200, 403), "bureau_staff"),
    Row("municipal_pf:platform_edit", lambda w: reverse("municipal_pf:platform_edit", args=[w["municipal_report"].municipal_platform_id]), statuses(302, 403, 403, 403, 403, 403, 403, 403), "bureau_staff"),
    # Security settings are every signed-in user's own (tests/test_two_factor.py covers the flows).
    Row("security", lambda w: reverse("security"), statuses(302, 200, 200, 200, 200, 200, 200, 200), "bureau_staff"),
    Row("two_factor_setup", lambda w: reverse("two_factor_setup"), statuses(302, 200, 200, 200, 200, 200, 200, 200), "bureau_staff"),
    # An already verified secretariat user is sent on; others without a device are sent to enrol.
    Row("two_factor_verify", lambda w: reverse("two_factor_verify"), statuses(302, 302, 302, 302, 302, 302, 302, 302), "bureau_staff"),
    Row("two_factor_disable", lambda w: reverse("two_factor_disable"), statuses(302, 302, 302, 302, 302, 302, 302, 302), "bureau_staff", method="post"),
]


@pytest.fixture
def keieisha_user(gunma):
    from tests.factories import make_user

    return make_user(gunma, username="keieisha", body_name="（一社）群馬県経営者協会")


def _ids():
    return [f"{row.method} {row.name} #{i}" for i, row in enumerate(ROWS)]


@pytest.mark.parametrize("row", ROWS, ids=_ids())
@pytest.mark.parametrize("kind", KINDS)
def test_permission_matrix(row, kind, world, client, request):
    if kind == "responsible":
        client.force_login(request.getfixturevalue(row.responsible))
    elif kind != "anonymous":
        client.force_login(request.getfixturevalue(USERS[kind]))
    url = row.url(world)
    response = getattr(client, row.method)(url, row.data(world)) if row.method == "post" else client.get(url)
    expected = row.expected[kind]
    assert response.status_code == expected, f"{kind} {row.method.upper()} {url}: {response.status_code} != {expected}"
    if kind == "anonymous":
        assert response["Location"].startswith(reverse("login"))


def _named_urls(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _named_urls(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


# Pages every visitor may open, outside the portal's permissions.
PUBLIC = {"healthz", "login", "logout", "password_reset", "password_reset_done", "password_reset_confirm", "password_reset_complete"}


def test_every_url_has_a_row():
    covered = {row.name for row in ROWS}
    missing = sorted(set(_named_urls(get_resolver().url_patterns)) - covered - PUBLIC)
    assert missing == [], f"permission matrix rows missing for: {missing}"
