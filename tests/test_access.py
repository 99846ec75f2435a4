"""The one permission mechanism: access roles (data) → portal permissions, checked per object."""
import pytest
from django.core.exceptions import PermissionDenied

from kpi.models import Kpi
from members.models import AccessRole, MemberBody
from plans.models import Measure
from core.access import may, require, role_permissions


def measure(plan, section_path, number):
    """A measure by its place in the roadmap, e.g. ("2", "(1)", "ア"), "①"."""
    section = None
    for part in section_path:
        section = plan.sections.get(parent=section, number=part)
    return section.measures.get(number=number)


def test_role_permissions_come_from_the_users_access_roles(lead_user, observer_user):
    assert {"approve_figures", "send_reminders", "enter_own_figures"} <= role_permissions(lead_user)
    assert role_permissions(observer_user) == {"view_plan", "view_figures", "view_meetings"}


def test_permissions_follow_the_role_data_not_code(observer_user, gunma):
    role = AccessRole.objects.get(platform=gunma, code="observer")
    role.permissions = [*role.permissions, "submit_proposal"]
    role.save()
    observer_user.refresh_from_db()
    assert observer_user.has_perm("portal.submit_proposal")


def test_django_has_perm_and_template_perms_answer_portal_codes(lead_user, observer_user):
    assert lead_user.has_perm("portal.approve_figures")
    assert not observer_user.has_perm("portal.approve_figures")
    assert observer_user.has_module_perms("portal")


def test_permissions_are_read_once_per_user_object(lead_user, django_assert_num_queries):
    with django_assert_num_queries(1):
        for _ in range(5):
            lead_user.has_perm("portal.view_plan")


def test_inactive_user_has_no_permission(lead_user):
    lead_user.is_active = False
    assert not lead_user.has_perm("portal.view_plan")


def test_entering_figures_is_limited_to_the_users_own_body(bureau_staff, gunma):
    own = gunma.member_bodies.get(name="群馬労働局")
    other = gunma.member_bodies.get(name="群馬県（産業経済部）")
    assert may(bureau_staff, "enter_own_figures", own)
    assert not may(bureau_staff, "enter_own_figures", other)
    with pytest.raises(PermissionDenied):
        require(bureau_staff, "enter_own_figures", other)


def test_kpi_entry_follows_the_kpis_reporting_bodies(bureau_staff, deputy_user, plan2025):
    placements = Kpi.objects.get(measure__section__plan=plan2025, name="ハローワークにおける紹介就職件数")
    assert may(bureau_staff, "enter_own_figures", placements)
    assert not may(deputy_user, "enter_own_figures", placements)


def test_progress_reporting_follows_responsibility_through_groups(hw_user, rengo_user, plan2025):
    hello_work_placement = measure(plan2025, ("2", "(1)", "ア"), "①")
    publicity = measure(plan2025, ("1", "(1)"), "①")  # 全機関・団体
    assert may(hw_user, "report_own_progress", hello_work_placement)  # 労働局 includes ハローワーク
    assert may(hw_user, "report_own_progress", publicity)
    assert may(rengo_user, "report_own_progress", publicity)
    assert not may(rengo_user, "report_own_progress", hello_work_placement)


def test_platform_wide_permissions_stop_at_the_platform(lead_user, other_platform_user, plan2025):
    gunma_measure = Measure.objects.filter(section__plan=plan2025).first()
    assert may(lead_user, "view_plan", gunma_measure)
    assert not may(other_platform_user, "view_plan", gunma_measure)
    assert not may(other_platform_user, "approve_figures", gunma_measure)


def test_observer_may_not_enter_even_for_its_own_body(observer_user):
    assert not may(observer_user, "enter_own_figures", observer_user.member_body)


def test_unknown_permission_code_is_a_programming_error(lead_user):
    with pytest.raises(ValueError):
        may(lead_user, "fly_to_the_moon")


def test_user_without_body_has_no_object_permission(db, gunma):
    from members.models import User

    national = User.objects.create_user(username="nat", password="x")
    national.access_roles.set(AccessRole.objects.filter(code="national_viewer", platform=None))
    assert may(national, "view_all_platforms")
    assert not may(national, "view_plan", MemberBody.objects.filter(platform=gunma).first())
