"""Departments (部局) and group holders come in through the JSON loader and the data migration."""
import importlib

import pytest
from django.apps import apps

from members.models import MemberBody, RoleAssignment
from onboarding.loader import LoadError, load_directory
from tests.test_loader import edit, sample_dir  # noqa: F401 (a fixture: the Tochigi sample in a temporary folder)


def with_departments(data):
    """栃木県 as one member acting through two departments, and a role held by a group."""
    data["member_bodies"] = [b for b in data["member_bodies"] if b["name"] != "栃木県（産業労働観光部）"] + [
        {"name": "栃木県", "category": "行政機関", "short_label": "県"},
        {"parent": "栃木県", "department": "産業労働観光部"},
        {"parent": "栃木県", "department": "保健福祉部"},
    ]
    data["responsible_parties"].append({"label": "県", "bodies": ["栃木県（産業労働観光部）", "栃木県（保健福祉部）"]})
    data["roles"] = [
        {"name": "事務局", "function": "secretariat",
         "bodies": [{"body": "栃木労働局", "share": "lead"}, {"body": "栃木県（産業労働観光部）", "share": "deputy"}]},
        {"name": "周知・広報", "function": "other", "bodies": [{"group": "県"}]},
    ]


def test_the_loader_reads_departments_and_group_holders(sample_dir, db):
    edit(sample_dir / "platform.json", with_departments)
    platform = load_directory(sample_dir).platform
    prefecture = platform.member_bodies.get(name="栃木県")
    assert [d.name for d in prefecture.departments.order_by("order")] == ["栃木県（産業労働観光部）", "栃木県（保健福祉部）"]
    assert all(d.category_id == prefecture.category_id for d in prefecture.departments.all())
    assert platform.member_bodies.members().filter(name__startswith="栃木県").count() == 1
    deputy = RoleAssignment.objects.get(role__platform=platform, role__name="事務局", share="deputy")
    assert deputy.member_body.name == "栃木県（産業労働観光部）"
    group = RoleAssignment.objects.get(role__platform=platform, role__name="周知・広報")
    assert group.holder.label == "県"
    assert {b.name for b in group.holder_bodies()} == {"栃木県（産業労働観光部）", "栃木県（保健福祉部）"}
    # Loading the same file again changes nothing.
    before = sorted(platform.member_bodies.values_list("name", "parent__name"))
    load_directory(sample_dir)
    assert sorted(platform.member_bodies.values_list("name", "parent__name")) == before


def test_a_department_naming_an_unknown_member_names_the_place(sample_dir, db):
    edit(sample_dir / "platform.json", lambda d: d["member_bodies"].append({"parent": "存在しない県", "department": "総務部"}))
    with pytest.raises(LoadError, match=r"member_bodies\[4\]\.parent: 所属する構成員「存在しない県」が見つかりません。"):
        load_directory(sample_dir)


def test_the_migration_links_a_body_whose_organisation_is_another_body(gunma):
    """Gunma's two departments stay members (its guideline lists them); a body whose 組織名 is a
    body of the platform becomes that member's department."""
    migration = importlib.import_module("members.migrations.0008_departments_and_group_roles")
    aomori = MemberBody.objects.create(platform=gunma, name="青森県", category=gunma.member_categories.first())
    unit = MemberBody.objects.create(platform=gunma, name="青森県（商工労働部）", organisation="青森県")
    migration.link_departments(apps, None)
    unit.refresh_from_db()
    assert (unit.parent, unit.department, unit.organisation) == (aomori, "商工労働部", "")
    assert unit.category == aomori.category
    industry = gunma.member_bodies.get(name="群馬県（産業経済部）")
    assert industry.parent is None and industry.organisation == "群馬県"
    assert gunma.member_bodies.members().filter(organisation="群馬県").count() == 2


def test_a_member_list_brings_a_member_and_its_department(client, lead_user, gunma):
    from tests.imports_helpers import confirm, csv_bytes, texts, upload

    client.force_login(lead_user)
    header = ["区分", "名称", "所属する構成員", "組織名", "部局", "工程表での略称", "参加形態", "運営主体", "参加日", "退会日", "表示順", "備考"]
    run = upload(client, "members", csv_bytes([
        header,
        ["行政機関", "青森県", "", "", "", "", "構成員", "", "", "", "20", ""],
        ["", "青森県（商工労働部）", "青森県", "", "商工労働部", "県", "構成員", "", "", "", "21", ""],
    ]))
    assert run.status == "previewed", texts(run)
    confirm(client, run)
    department = MemberBody.objects.get(platform=gunma, name="青森県（商工労働部）")
    assert department.parent.name == "青森県" and department.category.name == "行政機関"
    assert gunma.member_bodies.members().filter(name__startswith="青森県").count() == 1


def test_a_department_row_naming_an_unknown_member_is_reported_under_its_column(client, lead_user, gunma):
    from tests.imports_helpers import csv_bytes, texts, upload

    client.force_login(lead_user)
    header = ["区分", "名称", "所属する構成員", "組織名", "部局", "工程表での略称", "参加形態", "運営主体", "参加日", "退会日", "表示順", "備考"]
    run = upload(client, "members", csv_bytes([header, ["", "某県（総務部）", "某県", "", "総務部", "", "構成員", "", "", "", "", ""]]))
    assert any(t.startswith("2行目の列「所属する構成員」") for t in texts(run)), texts(run)
    assert not MemberBody.objects.filter(name="某県（総務部）").exists()
