"""The Django admin serves every master-data model, in Japanese, to the system administrator."""
import pytest
from django.contrib import admin
from django.urls import reverse

from members.models import User

MODELS = [model for model in admin.site._registry if model._meta.app_label in {"platform_portal", "members", "plans", "kpi", "municipal_pf"}]


@pytest.fixture
def admin_client(client, db):
    user = User.objects.create_superuser(username="root", password="x-long-password", email="")
    client.force_login(user)
    return client


def test_every_domain_model_is_registered():
    names = {m.__name__ for m in MODELS}
    assert {
        "Prefecture", "Platform", "Guideline", "MemberCategory", "MemberBody", "Role", "ResponsibleParty",
        "AccessRole", "User", "SupportCategory", "BusinessPlan", "RoadmapSection", "Measure", "ReportingPeriod",
        "ProgressReport", "Kpi", "KpiFigure", "Municipality", "NetworkPartnerType", "MunicipalPlatform",
    } <= names


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_changelist_search_and_add_pages_render(admin_client, gunma, model):
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    response = admin_client.get(changelist)
    assert response.status_code == 200
    assert str(opts.verbose_name_plural) in response.content.decode()
    assert admin_client.get(changelist, {"q": "群馬"}).status_code == 200
    assert admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code == 200


def test_admin_is_in_japanese(admin_client):
    html = admin_client.get(reverse("admin:index")).content.decode()
    assert "マスタデータ管理" in html
    assert "構成員・利用者" in html and "事業実施計画・工程表" in html


def test_measure_change_page_shows_its_kpis(admin_client, plan2025):
    measure = plan2025.sections.get(number="ア").measures.get(number="①")
    html = admin_client.get(reverse("admin:plans_measure_change", args=[measure.pk])).content.decode()
    assert "ハローワークにおける紹介就職件数" in html


def test_member_staff_cannot_open_the_admin(client, gunma):
    from tests.factories import make_user

    client.force_login(make_user(gunma, username="staff", body_name="ハローワーク"))
    assert client.get(reverse("admin:index")).status_code == 302


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_changelist_query_count_does_not_grow_with_a_second_platform(admin_client, gunma, plan2025, model):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kpi.demo import generate_demo_figures
    from tests.factories import load_sample_platform

    generate_demo_figures(plan2025, months=1)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    with CaptureQueriesContext(connection) as before:
        admin_client.get(url)
    other = load_sample_platform()
    generate_demo_figures(other.plans.get(), months=1)
    with CaptureQueriesContext(connection) as after:
        admin_client.get(url)
    assert len(after) == len(before)


def _inline_management(prefix: str) -> dict:
    return {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0", f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}


def test_a_plan_added_in_the_admin_takes_reports_at_once(admin_client, gunma):
    from plans.models import BusinessPlan

    data = {"platform": gunma.pk, "fiscal_year": "2031", "title": "令和13年度事業実施計画", "status": "draft", "version": "0"}
    for prefix in ("categories", "reporting_periods"):
        data |= _inline_management(prefix)
    response = admin_client.post(reverse("admin:plans_businessplan_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    plan = BusinessPlan.objects.get(platform=gunma, fiscal_year=2031)
    assert [p.name[:3] for p in plan.reporting_periods.order_by("starts_on")] == ["上半期", "下半期"]
