"""Menus show what the user can use with their data (issue 14.8): 実績入力 only for a body that reports a KPI."""
from django.urls import reverse

from kpi.models import Kpi


def main_menu(client):
    html = client.get(reverse("plans:roadmap", args=[2025])).content.decode()
    return html[html.index('aria-label="メインメニュー"'):html.index("</nav>", html.index('aria-label="メインメニュー"'))]


def test_a_body_that_reports_no_kpi_has_no_entry_link(client, hw_user, bureau_staff):
    # ハローワーク's staff may enter their own figures, but their body reports none of the plan's KPIs.
    assert not Kpi.objects.filter(reporting_bodies=hw_user.member_body).exists()
    client.force_login(hw_user)
    assert "実績入力" not in main_menu(client)
    client.force_login(bureau_staff)
    assert f'href="{reverse("kpi:entry", args=[2025])}">実績入力' in main_menu(client)


def test_the_link_appears_once_the_body_is_given_a_kpi(client, hw_user, plan2025):
    Kpi.objects.filter(measure__section__plan=plan2025, name="ハローワークにおける紹介就職件数").get().reporting_bodies.add(hw_user.member_body)
    client.force_login(hw_user)
    assert "実績入力" in main_menu(client)


def test_readers_still_see_no_entry_link(client, observer_user):
    client.force_login(observer_user)
    assert "実績入力" not in main_menu(client)
