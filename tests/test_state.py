"""State on the models: each stateful record answers which actions a user may take on it now
(`allowed_actions(user)`, `is_editable`), and the pages show exactly those; the menus and the home
page's cache key come from the views' own permission declarations (dashboard/menu.py)."""
import re
from datetime import date
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from dashboard import menu
from dashboard.views import HOME_VIEW_PERMISSIONS
from imports.models import ImportRun
from kpi.models import FigureSubmission
from meetings.models import Meeting
from municipal_pf.models import MunicipalAccount, MunicipalPlatform, MunicipalReport
from members.models import AccessRole, User
from plans.models import ProgressReport
from proposals.models import PolicyProposal
from tests.factories import make_user

APRIL = date(2025, 4, 1)
KEIEISHA = "（一社）群馬県経営者協会"


def names(record, user):
    return [action.name for action in record.allowed_actions(user)]


def buttons(html, form_action):
    """The action buttons of the forms posting to `form_action`."""
    found = []
    for form in re.findall(r'<form[^>]*action="' + re.escape(form_action) + r'".*?</form>', html, re.S):
        found += re.findall(r'name="action" value="(\w+)"', form)
    return found


# --- Monthly figures: submitted → approved / returned, approved → reopened ----------------------


def test_a_submitted_month_offers_approve_and_return_to_the_lead_only(gunma, plan2025, lead_user, bureau_staff):
    submission = FigureSubmission.objects.create(plan=plan2025, member_body=bureau_staff.member_body, month=APRIL, status="submitted")
    assert names(submission, lead_user) == ["approve", "return"]
    assert names(submission, bureau_staff) == []
    assert not submission.is_editable
    submission.status = "approved"
    assert names(submission, lead_user) == ["reopen"]
    submission.status = "returned"
    assert names(submission, lead_user) == [] and submission.is_editable


def test_the_approvals_page_shows_the_submissions_own_actions(client, gunma, plan2025, lead_user, bureau_staff):
    body = bureau_staff.member_body
    waiting = FigureSubmission.objects.create(plan=plan2025, member_body=body, month=APRIL, status="submitted")
    approved = FigureSubmission.objects.create(plan=plan2025, member_body=body, month=date(2025, 5, 1), status="approved")
    client.force_login(lead_user)
    html = client.get(reverse("kpi:approvals", args=[2025])).content.decode()
    assert buttons(html, reverse("kpi:decide", args=[waiting.pk])) == ["approve", "return"]
    # Reopening is one compact form: it offers the approved month, never the waiting one.
    reopen = re.search(r'<form[^>]*action="' + re.escape(reverse("kpi:reopen", args=[2025])) + r'".*?</form>', html, re.S).group(0)
    assert f'value="{approved.pk}:{approved.version}"' in reopen and f'value="{waiting.pk}:' not in reopen
    # An action the month does not allow is refused however it is posted.
    response = client.post(reverse("kpi:decide", args=[approved.pk]), {"action": "approve"}, follow=True)
    assert "この操作はできません" in response.content.decode()
    approved.refresh_from_db()
    assert approved.status == "approved"
    client.post(reverse("kpi:decide", args=[approved.pk]), {"action": "reopen", "reason": "訂正のため"})
    approved.refresh_from_db()
    assert approved.status == "draft" and approved.history.first().history_change_reason == "再開：訂正のため"


# --- Progress reports ---------------------------------------------------------------------------


@pytest.fixture
def report(plan2025, hw_user):
    measure = plan2025.sections.get(parent=None, number="2").children.get(number="(1)").children.get(number="ア").measures.get(number="①")
    return ProgressReport.objects.create(measure=measure, period=plan2025.reporting_periods.order_by("starts_on").first(), member_body=hw_user.member_body)


@pytest.mark.parametrize(
    "status, editable, body_actions, reviewer_actions",
    [
        ("draft", True, ["draft", "submit"], ["comment"]),
        ("returned", True, ["draft", "submit"], ["comment"]),
        ("submitted", False, [], ["comment", "accept", "return"]),
        ("accepted", False, [], ["comment"]),
    ],
)
def test_a_report_answers_who_may_do_what(report, hw_user, deputy_user, status, editable, body_actions, reviewer_actions):
    report.review_status = status
    assert report.is_editable is editable
    assert names(report, hw_user) == body_actions
    assert names(report, deputy_user) == reviewer_actions


def test_my_tasks_and_the_report_pages_follow_the_report(client, report, hw_user, deputy_user):
    client.force_login(hw_user)
    tasks = reverse("plans:my_tasks", args=[2025])
    edit = reverse("plans:report_edit", args=[2025, report.measure_id, report.period_id])
    assert "報告を編集" in client.get(tasks).content.decode()
    assert 'name="submit"' in client.get(edit).content.decode()
    ProgressReport.objects.filter(pk=report.pk).update(review_status="submitted")
    assert "報告を見る" in client.get(tasks).content.decode()
    page = client.get(edit).content.decode()
    assert 'name="submit"' not in page and "提出済のため編集できません" in page
    client.force_login(deputy_user)
    detail = client.get(reverse("plans:report_detail", args=[report.pk])).content.decode()
    assert buttons(detail, reverse("plans:report_review", args=[report.pk])) == ["comment", "accept", "return"]
    client.post(reverse("plans:report_review", args=[report.pk]), {"action": "accept", "body": ""})
    detail = client.get(reverse("plans:report_detail", args=[report.pk])).content.decode()
    assert buttons(detail, reverse("plans:report_review", args=[report.pk])) == ["comment"]


# --- Meetings -----------------------------------------------------------------------------------


def test_a_meeting_moves_planned_held_closed_and_back(client, plan2025, lead_user, chair_user):
    meeting = Meeting.objects.create(plan=plan2025, number=Meeting.next_number(plan2025), held_on=date(2025, 7, 10))
    assert meeting.number == 1 and Meeting.next_number(plan2025) == 2
    detail, status = reverse("meetings:detail", args=[meeting.pk]), reverse("meetings:status", args=[meeting.pk])
    client.force_login(lead_user)
    for expected, action in (["held"], "held"), (["close"], "close"):
        meeting.refresh_from_db()
        assert names(meeting, lead_user) == expected
        assert buttons(client.get(detail).content.decode(), status) == expected
        client.post(status, {"action": action})
    meeting.refresh_from_db()
    assert not meeting.is_editable and names(meeting, lead_user) == ["reopen"]
    html = client.get(detail).content.decode()
    assert buttons(html, status) == ["reopen"] and "再開の理由" in html
    assert reverse("meetings:edit", args=[meeting.pk]) not in html
    assert client.get(reverse("meetings:edit", args=[meeting.pk])).status_code == 302  # refused while closed
    client.force_login(chair_user)
    assert names(meeting, chair_user) == [] and buttons(client.get(detail).content.decode(), status) == []


# --- Policy proposals ---------------------------------------------------------------------------


def test_only_the_proposer_withdraws_and_only_while_received(client, gunma, lead_user):
    proposer = make_user(gunma, username="keieisha", body_name=KEIEISHA)
    proposal = PolicyProposal.objects.create(platform=gunma, member_body=proposer.member_body, title="要望", content="内容")
    assert names(proposal, proposer) == ["withdraw"]
    assert names(proposal, lead_user) == ["handle"]
    client.force_login(proposer)
    assert "この提案を取り下げる" in client.get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    PolicyProposal.objects.filter(pk=proposal.pk).update(status="under_review")
    proposal.refresh_from_db()
    assert names(proposal, proposer) == []
    assert "この提案を取り下げる" not in client.get(reverse("proposals:detail", args=[proposal.pk])).content.decode()


# --- Municipal platforms' reports ---------------------------------------------------------------


def test_municipal_staff_correct_until_handling_starts_the_liaison_always(gunma, plan2025, welfare_user):
    mpf = MunicipalPlatform.objects.create(platform=gunma, municipality=gunma.prefecture.municipalities.get(name="前橋市"))
    staff = User.objects.create_user("maebashi", password="x")
    staff.access_roles.add(AccessRole.objects.get(platform=gunma, code="municipal_staff"))
    MunicipalAccount.objects.create(user=staff, municipal_platform=mpf)
    report = MunicipalReport.objects.create(municipal_platform=mpf, period=plan2025.reporting_periods.first(), kind="issue", title="課題", body="x")
    assert names(report, staff) == ["correct"] and report.is_editable_by(staff)
    assert names(report, welfare_user) == ["handle"]
    report.status = "in_progress"
    assert not report.is_editable_by(staff) and report.is_editable_by(welfare_user)


# --- Import runs --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "status, actions, page_buttons",
    [("previewed", ["confirm", "discard"], ["取り込む", "取り消す"]), ("invalid", ["discard"], ["この取込を取り消す"]), ("imported", [], []), ("discarded", [], [])],
)
def test_an_import_run_offers_what_is_left_to_do(client, gunma, lead_user, status, actions, page_buttons):
    run = ImportRun(platform=gunma, user=lead_user, kind="members", original_name="x.csv", status=status)
    run.file.save("x.csv", ContentFile(b"a"), save=False)
    run.save()
    assert names(run, lead_user) == actions
    client.force_login(lead_user)
    html = client.get(reverse("imports:run", args=[run.pk])).content.decode()
    assert re.findall(r"<button[^>]*>([^<]+)</button>", html[html.index("<main"):]) == page_buttons
    client.post(reverse("imports:discard", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == ("discarded" if "discard" in actions else status)


# --- One declaration of pages and permissions: the menus and the home page's cache key ------------

USERS = ["lead_user", "bureau_staff", "deputy_user", "welfare_user", "hw_user", "chair_user", "observer_user"]


def menu_links(html, label):
    nav = re.search(r'<nav aria-label="' + label + r'".*?</nav>', html, re.S).group(0)
    return re.findall(r'<a href="([^"]+)"', nav)


@pytest.mark.parametrize("who", USERS)
def test_the_menus_link_exactly_the_pages_the_user_may_open(client, plan2025, who, request):
    user = request.getfixturevalue(who)
    client.force_login(user)
    page = client.get(reverse("meetings:list") if user.has_perm("portal.view_meetings") else reverse("plans:roadmap", args=[2025]))
    assert page.status_code == 200
    html = page.content.decode()
    shown = set(menu_links(html, "メインメニュー")) | set(menu_links(html, "利用者メニュー"))
    for entry in menu.MAIN_MENU + menu.USER_MENU:
        url = entry.url(2025)
        opens = client.get(url).status_code not in (403, 404)
        # A page the user may open but has nothing to do on (実績入力 for a body reporting no KPI) stays out.
        useful = opens and (entry.has_data is None or entry.has_data(user, 2025))
        assert (url in shown) == useful, f"{who}: {entry.label} {'is useful' if useful else 'is refused or empty'} but is {'' if url in shown else 'not '}in the menu"
    hidden_entry = next(entry for entry in menu.MAIN_MENU if entry.url_name == "kpi:entry")
    if who == "hw_user":  # ハローワーク's staff report no KPI of their own: no dead 実績入力 item
        assert hidden_entry.url(2025) not in shown


def test_the_home_page_keys_its_fragments_by_every_permission_they_ask():
    """Two users served the same fragment must be shown the same links: every permission a
    fragment asks is part of its key, and comes from the pages it links to."""
    template = (Path(__file__).resolve().parent.parent / "templates/dashboard/home.html").read_text(encoding="utf-8")
    fragments = re.findall(r"{% cache [^%]*\bview_key\b[^%]*%}(.*?){% endcache %}", template, re.S)
    assert fragments
    asked = {code for fragment in fragments for code in re.findall(r"perms\.portal\.(\w+)", fragment)}
    assert asked <= set(HOME_VIEW_PERMISSIONS)
    for url_name, codes in (("kpi:entry", {"enter_own_figures"}), ("kpi:approvals", {"approve_figures"}), ("plans:my_tasks", {"report_own_progress"})):
        assert url_name in {page.url_name for page in menu.HOME_PAGES}
        assert codes <= set(HOME_VIEW_PERMISSIONS)
