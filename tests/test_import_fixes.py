"""Regressions of three imports: roles held by a group, municipal codes with their check digit and
joint platforms, and an invitation e-mail that fails after the users import is saved."""
import logging
import smtplib

import pytest
from django.core import mail
from django.urls import reverse

from core.models import Platform
from members import invitations
from members.models import AccessRole, ResponsibleParty, Role, RoleAssignment, User
from municipal_pf.models import MunicipalPlatform, Municipality
from tests.imports_helpers import confirm, csv_bytes, texts, upload

ROLES_HEADER = ["役割", "機能", "機関・団体", "担当区分"]
MUNICIPAL_HEADER = ["団体コード", "市町村名", "設置状況", "設置日", "事務局（担当部局）", "基盤とする会議体", "会議体の名称等", "ネットワーク構築済みの主体", "備考"]
USERS_HEADER = ["ユーザー名", "氏名", "メールアドレス", "所属機関・団体", "役職", "権限ロール", "有効"]


@pytest.fixture
def lead(client, lead_user):
    client.force_login(lead_user)
    return client


@pytest.fixture
def liaison(client, welfare_user):
    client.force_login(welfare_user)  # the municipal liaison imports municipal platforms
    return client


def current_data(client, kind, file_format="utf-8-sig") -> bytes:
    response = client.get(reverse("imports:data", args=[kind]), {"format": file_format, "fiscal_year": 2025})
    assert response.status_code == 200
    return response.content


# --- 1. roles held by a group --------------------------------------------------------------------


@pytest.fixture
def municipalities_group(gunma):
    party = ResponsibleParty.objects.create(platform=gunma, label="市町村（安中市ほか）", order=50)
    party.bodies.add(gunma.member_bodies.get(name="安中市"))
    role = Role.objects.create(platform=gunma, name="地域での周知", order=90)
    RoleAssignment.objects.create(role=role, responsible_party=party, share=RoleAssignment.Share.LEAD)
    return party


@pytest.mark.parametrize("file_format", ["utf-8-sig", "xlsx"])
def test_roles_held_by_a_group_survive_the_round_trip(lead, gunma, municipalities_group, file_format):
    content = current_data(lead, "roles", file_format)
    if file_format == "utf-8-sig":
        assert "地域での周知,その他,市町村（安中市ほか）,主担当" in content.decode("utf-8-sig")
    before = sorted(RoleAssignment.objects.filter(role__platform=gunma).values_list("pk", "role_id", "member_body_id", "responsible_party_id", "share"))
    run = upload(lead, "roles", content, name="roles.xlsx" if file_format == "xlsx" else "roles.csv", fiscal_year=None)
    assert run.status == "previewed", texts(run)
    assert set(run.counts) <= {"skip"}, run.counts
    assert confirm(lead, run).status == "imported"
    after = sorted(RoleAssignment.objects.filter(role__platform=gunma).values_list("pk", "role_id", "member_body_id", "responsible_party_id", "share"))
    assert after == before


def test_a_roles_row_may_name_a_group_by_its_label(lead, gunma, municipalities_group):
    run = upload(lead, "roles", csv_bytes([ROLES_HEADER, ["市町村との連携", "市町村ＰＦとの連絡調整", "市町村（安中市ほか）", "副担当"]]), fiscal_year=None)
    assert run.status == "previewed", texts(run)
    confirm(lead, run)
    [assignment] = RoleAssignment.objects.filter(role__platform=gunma, role__name="市町村との連携")
    assert assignment.responsible_party == municipalities_group and assignment.member_body is None
    assert assignment.share == RoleAssignment.Share.DEPUTY


def test_a_group_of_another_platform_is_unknown_and_every_error_names_a_real_column(lead, gunma, other_platform_user):
    foreign = ResponsibleParty.objects.create(platform=other_platform_user.member_body.platform, label="よその市町村", order=1)
    run = upload(lead, "roles", csv_bytes([
        ROLES_HEADER,
        ["地域での周知", "その他", foreign.label, "主担当"],
        ["地域での周知", "その他", "", "主担当"],
    ]), fiscal_year=None)
    assert run.status == "invalid"
    assert {issue["column"] for issue in run.issues} <= set(ROLES_HEADER), run.issues
    found = texts(run)
    assert "2行目の列「機関・団体」：「よその市町村」という機関・団体は登録されていません。" in found, found
    assert "3行目の列「機関・団体」：機関・団体を入力してください。" in found, found
    assert not RoleAssignment.objects.filter(responsible_party=foreign).exists()


# --- 2. municipal platforms: six-digit codes and joint platforms -----------------------------------


def municipal_row(code, status="設置済"):
    return [code, "", status, "", "", "", "", "", ""]


def test_the_six_digit_code_with_its_check_digit_is_accepted(liaison, gunma):
    assert Municipality.objects.get(name="前橋市").full_code == "102016"
    run = upload(liaison, "municipal", csv_bytes([MUNICIPAL_HEADER, municipal_row("102016"), municipal_row("１０２０２４")]))
    assert run.status == "previewed", texts(run)
    confirm(liaison, run)
    assert set(MunicipalPlatform.objects.filter(platform=gunma).values_list("municipality__name", flat=True)) == {"前橋市", "高崎市"}


def test_a_wrong_check_digit_is_refused_naming_row_and_column(liaison, gunma):
    run = upload(liaison, "municipal", csv_bytes([MUNICIPAL_HEADER, municipal_row("102016"), municipal_row("102017")]))
    assert run.status == "invalid"
    assert texts(run) == ["3行目の列「団体コード」：団体コード「102017」の検査数字が正しくありません（正しくは102016）。"]
    assert not MunicipalPlatform.objects.filter(platform=gunma).exists()


def test_a_town_inside_a_joint_platform_gets_no_second_record(liaison, gunma):
    nakanojo, naganohara = Municipality.objects.get(name="中之条町"), Municipality.objects.get(name="長野原町")
    joint = MunicipalPlatform.objects.create(platform=gunma, municipality=nakanojo, status="established")
    joint.joint_municipalities.add(naganohara)
    run = upload(liaison, "municipal", csv_bytes([
        MUNICIPAL_HEADER, municipal_row(nakanojo.code), municipal_row("前橋市"), municipal_row(naganohara.full_code),
    ]))
    assert run.status == "invalid"
    assert texts(run) == ["4行目の列「団体コード」：「長野原町」は既に「中之条町」の市町村ＰＦに含まれています。"]
    assert list(MunicipalPlatform.objects.filter(platform=gunma)) == [joint]
    # The joint platform's own row, as the current data writes it, still goes back in.
    again = upload(liaison, "municipal", current_data(liaison, "municipal"))
    assert again.status == "previewed", texts(again)


# --- 3. one invitation that cannot be sent ---------------------------------------------------------


@pytest.fixture
def refusing_mail_server(monkeypatch):
    """A mail server that refuses one address and delivers the others."""
    deliver = invitations.send_mail

    def send_mail(subject, body, sender, recipients, **kwargs):
        if "refused@example.jp" in recipients:
            raise smtplib.SMTPRecipientsRefused({"refused@example.jp": (550, b"no such user")})
        return deliver(subject, body, sender, recipients, **kwargs)

    monkeypatch.setattr(invitations, "send_mail", send_mail)


def test_one_refused_invitation_neither_fails_the_import_nor_stops_the_others(
    lead, gunma, refusing_mail_server, django_capture_on_commit_callbacks, caplog
):
    run = upload(lead, "users", csv_bytes([
        USERS_HEADER,
        ["first-staff", "一番 目", "refused@example.jp", "ハローワーク", "", "構成員担当者", "はい"],
        ["second-staff", "二番 目", "second@example.jp", "ハローワーク", "", "構成員担当者", "はい"],
    ]))
    assert run.status == "previewed", texts(run)
    with caplog.at_level(logging.ERROR, logger="members.invitations"):
        with django_capture_on_commit_callbacks(execute=True):
            response = lead.post(reverse("imports:confirm", args=[run.pk]))
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == "imported"
    assert User.objects.filter(username__in=["first-staff", "second-staff"]).count() == 2
    assert [m.to for m in mail.outbox] == [["second@example.jp"]]
    assert any("first-staff" in record.getMessage() for record in caplog.records), caplog.text


def test_a_refused_invitation_does_not_undo_or_hide_a_new_platform(client, gunma, refusing_mail_server, django_capture_on_commit_callbacks, caplog):
    admin = User.objects.create_user("sysadmin", password="x", display_name="県域 管理者")
    admin.access_roles.add(AccessRole.objects.get(platform__isnull=True, code="system_admin"))
    client.force_login(admin)
    with caplog.at_level(logging.ERROR, logger="members.invitations"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("platforms"), {
                "prefecture": Platform._meta.get_field("prefecture").related_model.objects.get(name="鳥取県").pk,
                "code": "tottori", "name": "とっとり中高年世代活躍応援プラットフォーム", "from_fiscal_year": 2026,
                "secretariat_body": "鳥取労働局", "username": "tottori-lead", "display_name": "因幡 一郎", "email": "refused@example.jp",
            })
    assert response.status_code == 302
    assert Platform.objects.filter(code="tottori").exists() and User.objects.filter(username="tottori-lead").exists()
    assert mail.outbox == []
    assert any("tottori-lead" in record.getMessage() for record in caplog.records), caplog.text
