"""A new platform's home page tells its secretariat what is still missing, links to where to add it,
and says nothing once the platform is set up; the page's query count does not move meanwhile."""
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import Prefecture
from members.models import AccessRole, MemberBody, Role, RoleAssignment, User
from onboarding.services import Opening, open_platform
from plans.models import PlanCategory, SupportCategory
from plans.services import create_plan
from plans.models import BusinessPlan

# The home page of a new platform's secretariat before its first plan (tests/test_pages.py pins Gunma's).
HOME_QUERIES_NEW_PLATFORM = 11


@pytest.fixture
def tottori(db):
    return open_platform(Opening(
        prefecture=Prefecture.objects.get(name="鳥取県"), code="tottori", name="とっとり中高年世代活躍応援プラットフォーム",
        from_fiscal_year=2026, secretariat_body="鳥取労働局", username="tottori-lead", display_name="因幡 一郎", email="lead@example.jp",
    ))


def checklist_items(page: str) -> dict[str, str]:
    section = re.search(r'<section class="card attention setup-checklist".*?</section>', page, re.S)
    if section is None:
        return {}
    return {
        label: state
        for state, label in re.findall(r'<span class="badge [^"]+">(済|未)</span>\s*<strong>([^<]+)</strong>', section.group(0))
    }


def test_the_checklist_shows_what_is_missing_with_links_and_disappears_when_done(client, tottori, django_assert_num_queries):
    platform, lead = tottori
    client.force_login(lead)
    with django_assert_num_queries(HOME_QUERIES_NEW_PLATFORM):
        page = client.get(reverse("home")).content.decode()
    assert checklist_items(page) == {
        "構成員名簿": "未", "役割分担": "未", "利用者": "未", "事業実施計画・工程表": "未",
        "支援対象者の類型": "未", "報告期間": "未", "市町村": "済",  # every municipality of Japan is reference data
    }
    assert "開設の準備（残り6項目）" in page
    assert f'<a href="{reverse("members:list")}">構成員へ' in page
    assert f'<a href="{reverse("members:roles")}">役割分担へ' in page
    assert f'<a href="{reverse("imports:menu")}">データの取込へ' in page
    assert f'<a href="{reverse("plans:settings_home")}">計画の設定へ' in page

    # Members, a role, a second user: those three are ticked, whatever screen brought them.
    secretariat = platform.member_bodies.get()
    member = MemberBody.objects.create(platform=platform, name="鳥取県（商工労働部）", order=2)
    role = Role.objects.create(platform=platform, name="事務局", order=1)
    RoleAssignment.objects.create(role=role, member_body=secretariat, share=RoleAssignment.Share.LEAD)
    staff = User.objects.create_user("tottori-pref", password="x", member_body=member)
    staff.access_roles.set(AccessRole.objects.filter(platform=platform, code="member_staff"))
    page = client.get(reverse("home")).content.decode()
    assert {k for k, v in checklist_items(page).items() if v == "未"} == {"事業実施計画・工程表", "支援対象者の類型", "報告期間"}

    # A plan (with its default reporting periods) and its categories: nothing is missing, nothing is said.
    plan = create_plan(BusinessPlan(platform=platform, fiscal_year=2026, title="令和8年度 事業実施計画"))
    category = SupportCategory.objects.create(platform=platform, number=1, name="不安定な就労状態にある方")
    with CaptureQueriesContext(connection) as with_checklist:
        page = client.get(reverse("home")).content.decode()
    assert {k for k, v in checklist_items(page).items() if v == "未"} == {"支援対象者の類型"}
    PlanCategory.objects.create(plan=plan, category=category, title="不安定な就労状態にある方")
    with CaptureQueriesContext(connection) as without:
        page = client.get(reverse("home")).content.decode()
    assert "開設の準備" not in page and checklist_items(page) == {}
    assert len(without) == len(with_checklist)  # one query decides, shown or not

    # Those who do not set the platform up never see it.
    client.force_login(staff)
    plan.categories.all().delete()
    assert "開設の準備" not in client.get(reverse("home")).content.decode()
