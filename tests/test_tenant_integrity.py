"""No object links to another platform's objects: model validation and the admin forms refuse it."""
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kpi.models import Kpi, KpiFigure
from members.models import AccessRole, MemberBody, RoleAssignment, User
from municipal_pf.models import MunicipalPlatform, Municipality
from plans.models import Measure
from core.tenancy import platform_id_of
from tests.factories import load_sample_platform


@pytest.fixture
def other(gunma):
    return load_sample_platform()


def test_every_platform_owned_object_knows_its_platform(gunma, plan2025):
    kpi = Kpi.objects.filter(measure__section__plan=plan2025).first()
    assert platform_id_of(kpi) == gunma.pk
    assert platform_id_of(kpi.measure) == gunma.pk
    assert platform_id_of(gunma) == gunma.pk


def test_body_cannot_take_another_platforms_category(gunma, other):
    body = MemberBody(platform=gunma, name="新団体", category=other.member_categories.first())
    with pytest.raises(ValidationError) as error:
        body.full_clean()
    assert "同じプラットフォーム" in error.value.message_dict["category"][0]


def test_role_cannot_be_given_to_another_platforms_body(gunma, other):
    assignment = RoleAssignment(role=gunma.roles.first(), member_body=other.member_bodies.first())
    with pytest.raises(ValidationError, match="同じプラットフォーム"):
        assignment.full_clean()


def test_figure_only_from_a_reporting_body(gunma, plan2025):
    kpi = Kpi.objects.get(measure__section__plan=plan2025, name="ハローワークにおける紹介件数")
    figure = KpiFigure(kpi=kpi, member_body=gunma.member_bodies.get(name="（株）上毛新聞社"), month=date(2025, 4, 1), value=1)
    with pytest.raises(ValidationError) as error:
        figure.full_clean()
    assert "実績を入力する機関ではありません" in error.value.message_dict["member_body"][0]


def test_municipal_platform_only_for_the_prefectures_municipalities(other):
    maebashi = Municipality.objects.get(name="前橋市")
    with pytest.raises(ValidationError, match="栃木県の市町村ではありません"):
        MunicipalPlatform(platform=other, municipality=maebashi).full_clean()


@pytest.fixture
def admin_client(client, db):
    client.force_login(User.objects.create_superuser(username="root", password="x-long-password", email=""))
    return client


def test_admin_refuses_a_responsible_party_of_another_platform(admin_client, plan2025, other):
    measure = Measure.objects.filter(section__plan=plan2025).first()
    url = reverse("admin:plans_measure_change", args=[measure.pk])
    data = {
        "section": measure.section_id,
        "number": measure.number,
        "title": measure.title,
        "description": measure.description,
        "responsible_parties": [other.responsible_parties.first().pk],
        "categories": [c.pk for c in measure.categories.all()],
        "order": measure.order,
        "note": "",
        "kpis-TOTAL_FORMS": 0,
        "kpis-INITIAL_FORMS": 0,
    }
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "responsible_parties" in response.context["adminform"].form.errors  # not even offered
    assert set(measure.responsible_parties.values_list("platform_id", flat=True)) == {plan2025.platform_id}


def test_admin_refuses_an_access_role_of_another_platform(admin_client, gunma, other):
    user = User.objects.create_user(username="someone", password="x", member_body=gunma.member_bodies.first())
    foreign_role = AccessRole.objects.get(platform=other, code="lead_secretariat")
    response = admin_client.post(
        reverse("admin:members_user_change", args=[user.pk]),
        {
            "username": "someone",
            "member_body": user.member_body_id,
            "access_roles": [foreign_role.pk],
            "is_active": "on",
            "date_joined_0": "2025-04-01",
            "date_joined_1": "09:00:00",
        },
    )
    assert "access_roles" in response.context["adminform"].form.errors
    assert not user.access_roles.exists()


@pytest.mark.parametrize(
    "model, field_name",
    [("plans/measure", "section"), ("kpi/kpi", "measure"), ("kpi/kpifigure", "kpi"), ("plans/progressreport", "measure")],
)
def test_admin_add_form_without_its_parent_explains_instead_of_crashing(admin_client, model, field_name):
    app, name = model.split("/")
    response = admin_client.post(reverse(f"admin:{app}_{name}_add"), {"kpis-TOTAL_FORMS": 0, "kpis-INITIAL_FORMS": 0})
    assert response.status_code == 200
    assert "このフィールドは必須です。" in response.content.decode()


def test_admin_pickers_offer_only_the_objects_platform(admin_client, plan2025, other):
    measure = Measure.objects.filter(section__plan=plan2025).first()
    form = admin_client.get(reverse("admin:plans_measure_change", args=[measure.pk])).context["adminform"].form
    offered = form.fields["responsible_parties"].queryset
    assert offered.filter(label="全機関・団体", platform=plan2025.platform).exists()
    assert not offered.filter(platform=other).exists()
    assert not form.fields["categories"].queryset.filter(platform=other).exists()


def test_new_object_is_judged_by_the_platform_it_was_given(admin_client, plan2025, other):
    """A new object's choices cannot be narrowed before its parent is chosen; saving checks them."""
    section = plan2025.sections.get(number="(3)", parent__number="2")
    response = admin_client.post(
        reverse("admin:plans_measure_add"),
        {
            "section": section.pk,
            "description": "新しい取組",
            "responsible_parties": [other.responsible_parties.first().pk],
            "order": 9,
            "kpis-TOTAL_FORMS": 0,
            "kpis-INITIAL_FORMS": 0,
        },
    )
    assert "「実施主体」には同じプラットフォームのものを選んでください。" in response.content.decode()
    assert not Measure.objects.filter(description="新しい取組").exists()


def test_access_role_refuses_unknown_permission_codes(gunma):
    role = AccessRole(platform=gunma, code="x", name="x", permissions=["view_plan", "launch_rockets"])
    with pytest.raises(ValidationError, match="未定義の権限コードです: launch_rockets"):
        role.full_clean()
