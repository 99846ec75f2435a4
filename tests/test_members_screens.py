"""The members screen (bodies, departments, representatives) and the roles screen (who holds which role)."""
from datetime import date

import pytest
from django.urls import reverse

from core.access import may
from exports.packet import _member_roster, _role_table
from kpi.models import Kpi, KpiFigure
from members.models import MemberBody, Representative, Role, RoleAssignment
from members.services import member_sections
from tests.factories import make_user

ON = date(2025, 7, 1)


@pytest.fixture
def lead(client, lead_user):
    client.force_login(lead_user)
    return client


@pytest.fixture
def bureau_department(lead, bureau):
    """群馬労働局's 職業安定部, made through the screen."""
    response = lead.post(reverse("members:department_new", args=[bureau.pk]), {"department": "職業安定部", "version": ""})
    assert response.status_code == 302
    return bureau.departments.get()


def roster_bodies(platform):
    return [p.body.name for group in _member_roster(platform, ON) for p in group.people if group.label == "構成員"]


# --- departments ---------------------------------------------------------------------------------

def test_a_department_is_named_with_its_member_and_shares_its_category(bureau_department, bureau):
    assert bureau_department.name == bureau_department.display_name == "群馬労働局（職業安定部）"
    assert (bureau_department.category, bureau_department.membership) == (bureau.category, bureau.membership)


def test_a_department_reports_figures_but_the_member_list_counts_its_member_once(gunma, plan2025, bureau, bureau_department):
    kpi = Kpi.objects.filter(measure__section__plan=plan2025, reporting_bodies=bureau).first()
    kpi.reporting_bodies.add(bureau_department)
    staff = make_user(gunma, username="antei", body_name="群馬労働局（職業安定部）")
    assert may(staff, "enter_own_figures", kpi)  # the department's own staff enter its figures
    figure = KpiFigure(kpi=kpi, member_body=bureau_department, month=date(2025, 4, 1), value=3)
    figure.full_clean()
    figure.save()
    Representative.objects.create(member_body=bureau_department, title="職業安定部長", name="見本 一郎")

    names = roster_bodies(gunma)
    assert names.count("群馬労働局") == 1  # the department's head sits on the member's row
    assert "群馬労働局（職業安定部）" not in names
    assert len(set(names)) == 13  # Gunma's thirteen members, still thirteen
    sections, _ = member_sections(gunma, ON)
    assert sections[0].label == "構成員" and sections[0].count == 13


def test_the_members_page_shows_departments_under_their_member(lead, bureau_department):
    Representative.objects.create(member_body=bureau_department, title="職業安定部長", name="見本 一郎")
    page = lead.get(reverse("members:list")).content.decode()
    assert "構成員 13機関" in page
    assert "職業安定部" in page and "職業安定部長 見本 一郎" in page


def test_renaming_a_member_renames_its_departments(lead, bureau, bureau_department):
    data = {"name": "新群馬労働局", "membership": "member", "category": bureau.category_id, "version": bureau.version}
    assert lead.post(reverse("members:body_edit", args=[bureau.pk]), data).status_code == 302
    bureau_department.refresh_from_db()
    assert bureau_department.name == "新群馬労働局（職業安定部）"


def test_a_department_cannot_hold_departments(lead, bureau_department):
    response = lead.get(reverse("members:department_new", args=[bureau_department.pk]))
    assert response.status_code == 404


def test_ending_membership_moves_the_body_out_of_the_list(lead, gunma):
    paper = gunma.member_bodies.get(name="（株）上毛新聞社")
    data = {"name": paper.name, "membership": "member", "category": paper.category_id, "left_on": "2025-03-31", "version": paper.version}
    assert lead.post(reverse("members:body_edit", args=[paper.pk]), data).status_code == 302
    sections, ended = member_sections(gunma, ON)
    assert sections[0].count == 12
    assert [b.name for b in ended] == [paper.name]
    assert paper.name not in roster_bodies(gunma)


def test_a_stale_edit_is_refused_and_keeps_the_input(lead, bureau):
    url = reverse("members:body_edit", args=[bureau.pk])
    base = {"name": bureau.name, "membership": "member", "category": bureau.category_id, "version": bureau.version}
    assert lead.post(url, {**base, "note": "一人目"}).status_code == 302
    stale = lead.post(url, {**base, "note": "二人目の備考"})
    assert stale.status_code == 409
    assert "他の利用者が先に保存しました" in stale.content.decode() and "二人目の備考" in stale.content.decode()
    bureau.refresh_from_db()
    assert bureau.note == "一人目"


def test_a_name_already_used_is_a_message_not_an_error_page(lead, bureau):
    response = lead.post(reverse("members:body_new"), {"name": bureau.name, "membership": "member", "version": ""})
    assert response.status_code == 400
    assert "既に存在します" in response.content.decode() or "既に" in response.content.decode()


# --- representatives -----------------------------------------------------------------------------

def test_representatives_are_kept_per_body_and_printed_in_the_roster(lead, gunma, bureau):
    response = lead.post(
        reverse("members:representative_new", args=[bureau.pk]),
        {"title": "局長", "name": "見本 太郎", "capacity": "member", "is_primary": "on", "version": ""},
    )
    assert response.status_code == 302
    person = bureau.representatives.get()
    assert (person.title, person.name) == ("局長", "見本 太郎")
    rows = [(p.body.name, p.title, p.name) for g in _member_roster(gunma, ON) for p in g.people]
    assert ("群馬労働局", "局長", "見本 太郎") in rows
    lead.post(reverse("members:representative_delete", args=[person.pk]), {"version": person.version})
    assert not bureau.representatives.exists()


# --- roles ---------------------------------------------------------------------------------------

def holders_data(role, *rows):
    data = {"name": role.name, "function": role.function, "order": role.order, "version": role.version,
            "holders-TOTAL_FORMS": str(len(rows)), "holders-INITIAL_FORMS": "0"}
    for i, (holder, share) in enumerate(rows):
        data[f"holders-{i}-holder"], data[f"holders-{i}-share"] = holder, share
    return data


def test_a_role_held_by_a_department(lead, gunma, bureau, bureau_department):
    role = gunma.roles.get(name="ぐんまＰＦとりまとめ事務局")
    url = reverse("members:role_edit", args=[role.pk])
    response = lead.post(url, holders_data(role, (f"body:{bureau.pk}", "lead"), (f"body:{bureau_department.pk}", "deputy")))
    assert response.status_code == 302
    assert {(a.holder.name, a.share) for a in role.assignments.all()} == {("群馬労働局", "lead"), ("群馬労働局（職業安定部）", "deputy")}
    page = lead.get(reverse("members:roles")).content.decode()
    assert "群馬労働局（職業安定部）（副担当）" in page
    rows = {tuple(str(b) for b in row.bodies): row.duties for row in _role_table(gunma, ON)}
    assert (role.name, "副担当") in rows[("群馬労働局（職業安定部）",)]


def test_a_role_held_by_a_group_resolves_to_its_bodies_and_keeps_its_label(lead, gunma):
    economic = gunma.responsible_parties.get(label="経済団体")
    response = lead.post(reverse("members:role_new"), {
        "name": "正社員化の促進", "function": "other", "version": "",
        "holders-TOTAL_FORMS": "1", "holders-INITIAL_FORMS": "0", "holders-0-holder": f"group:{economic.pk}", "holders-0-share": "",
    })
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(role__name="正社員化の促進")
    assert assignment.holder == economic and assignment.member_body is None
    assert {b.name for b in assignment.holder_bodies()} == {
        "（一社）群馬県経営者協会", "群馬県中小企業団体中央会", "（一社）群馬県商工会議所連合会", "群馬県商工会連合会",
    }
    page = lead.get(reverse("members:roles")).content.decode()
    assert "グループ：（一社）群馬県経営者協会、群馬県中小企業団体中央会" in page
    # The packet prints the group by its label, once, not body by body.
    assert any([str(b) for b in row.bodies] == ["経済団体"] for row in _role_table(gunma, ON))


def test_a_holder_listed_twice_is_refused_naming_the_rows(lead, gunma, bureau):
    role = gunma.roles.first()
    before = list(role.assignments.values_list("member_body_id", "share"))
    response = lead.post(
        reverse("members:role_edit", args=[role.pk]), holders_data(role, (f"body:{bureau.pk}", "lead"), (f"body:{bureau.pk}", "deputy"))
    )
    assert response.status_code == 400
    assert "2行目：「群馬労働局」は1行目と重複しています。" in response.content.decode()
    assert list(role.assignments.values_list("member_body_id", "share")) == before


def test_a_holder_of_another_platform_is_refused(lead, gunma, other_platform_user):
    role = gunma.roles.first()
    foreign = other_platform_user.member_body
    response = lead.post(reverse("members:role_edit", args=[role.pk]), holders_data(role, (f"body:{foreign.pk}", "lead")))
    assert response.status_code == 400
    assert not RoleAssignment.objects.filter(member_body=foreign, role=role).exists()


def test_an_assignment_holds_exactly_one_of_body_or_group(gunma, bureau):
    from django.core.exceptions import ValidationError

    role = gunma.roles.first()
    with pytest.raises(ValidationError):
        RoleAssignment(role=role).full_clean()
    with pytest.raises(ValidationError):
        RoleAssignment(role=role, member_body=bureau, responsible_party=gunma.responsible_parties.first()).full_clean()


def test_the_roles_page_explains_every_function(lead):
    page = lead.get(reverse("members:roles")).content.decode()
    for _, label in Role.Function.choices:
        assert label in page
    assert "市町村プラットフォーム（市町村ＰＦ）との連絡調整" in page


# --- who may do what -----------------------------------------------------------------------------

def test_another_platforms_member_is_404(client, other_platform_user, bureau):
    from core.permissions import PERMISSIONS

    other_platform_user.access_roles.update(permissions=list(PERMISSIONS))  # the role check passes, the tenant check answers
    client.force_login(other_platform_user)
    assert client.get(reverse("members:body_edit", args=[bureau.pk])).status_code == 404
    assert client.post(reverse("members:body_edit", args=[bureau.pk]), {"name": "乗っ取り"}).status_code == 404
    assert "群馬労働局" not in client.get(reverse("members:list")).content.decode()


@pytest.mark.parametrize("url_name", ["members:body_new", "members:role_new"])
def test_a_read_only_role_reads_but_cannot_post(client, chair_user, url_name):
    client.force_login(chair_user)
    assert client.get(reverse("members:list")).status_code == 200
    assert client.get(reverse("members:roles")).status_code == 200
    count = MemberBody.objects.count(), Role.objects.count()
    response = client.post(reverse(url_name), {"name": "新しい", "membership": "member", "function": "other", "version": ""})
    assert response.status_code == 403
    assert (MemberBody.objects.count(), Role.objects.count()) == count


def test_readers_see_no_edit_links(client, chair_user):
    client.force_login(chair_user)
    page = client.get(reverse("members:list")).content.decode()
    assert reverse("members:body_new") not in page and "編集" not in page


# --- query counts --------------------------------------------------------------------------------

def _more_members(gunma, start, n):
    category = gunma.member_categories.first()
    party = gunma.responsible_parties.get(label="経済団体")
    for i in range(start, start + n):
        body = MemberBody.objects.create(platform=gunma, name=f"追加の機関{i}", category=category)
        department = MemberBody.objects.create(platform=gunma, parent=body, department=f"部{i}")
        Representative.objects.create(member_body=body, title="代表", name=f"見本{i}")
        Representative.objects.create(member_body=department, title="部長", name=f"部長{i}")
        role = Role.objects.create(platform=gunma, name=f"追加の役割{i}")
        RoleAssignment.objects.create(role=role, member_body=department, share="lead")
        RoleAssignment.objects.create(role=role, responsible_party=party)


@pytest.mark.parametrize("url_name, queries", [("members:list", 14), ("members:roles", 17)])
def test_query_counts_stay_constant_as_members_grow(lead, gunma, url_name, queries, django_assert_num_queries):
    _more_members(gunma, 0, 1)  # one of each: a department, its representative, a role held by a group
    lead.get(reverse(url_name))  # the session and the user's roles are warm, as on any later page
    with django_assert_num_queries(queries):
        assert lead.get(reverse(url_name)).status_code == 200
    _more_members(gunma, 1, 10)
    with django_assert_num_queries(queries):
        assert lead.get(reverse(url_name)).status_code == 200
