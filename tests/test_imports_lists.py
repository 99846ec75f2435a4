"""Imports of member lists, roles, users, the roadmap and municipal platforms: round trips and bad rows."""
import pytest
from django.urls import reverse

from kpi.models import Kpi
from members.models import MemberBody, RoleAssignment, User
from municipal_pf.models import MunicipalPlatform, NetworkPartnerType
from plans.models import Measure
from tests.imports_helpers import confirm, csv_bytes, texts, upload


@pytest.fixture
def lead(client, lead_user):
    client.force_login(lead_user)
    return client


def export(client, kind, file_format="utf-8-sig", fiscal_year=2025):
    response = client.get(reverse("imports:data", args=[kind]), {"format": file_format, "fiscal_year": fiscal_year})
    assert response.status_code == 200
    return response.content


@pytest.mark.parametrize("kind", ["members", "roles", "users", "roadmap", "municipal"])
@pytest.mark.parametrize("file_format", ["utf-8-sig", "xlsx"])
def test_gunmas_exported_data_reimports_with_no_change(client, lead_user, welfare_user, gunma, plan2025, kind, file_format):
    lead = client
    lead.force_login(welfare_user if kind == "municipal" else lead_user)
    if kind == "municipal":
        for municipality in gunma.prefecture.municipalities.all()[:3]:
            mpf = MunicipalPlatform.objects.create(platform=gunma, municipality=municipality, status="established", secretariat_department="福祉課")
            mpf.network_partners.set(NetworkPartnerType.objects.all()[:4])
    content = export(lead, kind, file_format)
    run = upload(lead, kind, content, name=f"{kind}.{'xlsx' if file_format == 'xlsx' else 'csv'}")
    assert run.status == "previewed", texts(run)[:5]
    assert set(run.counts) <= {"skip"}, run.counts
    run = confirm(lead, run)
    assert run.status == "imported"


def test_a_member_list_adds_observers_and_new_categories(lead, gunma):
    header = ["区分", "名称", "組織名", "部局", "工程表での略称", "参加形態", "運営主体", "参加日", "退会日", "表示順", "備考"]
    run = upload(lead, "members", csv_bytes([header, ["報道機関", "上毛新聞社", "", "", "", "オブザーバー", "", "2025/4/1", "", "30", ""]], "cp932"))
    assert run.status == "previewed", texts(run)
    confirm(lead, run)
    body = MemberBody.objects.get(platform=gunma, name="上毛新聞社")
    assert body.membership == MemberBody.Membership.OBSERVER and body.category.name == "報道機関"
    assert body.history.first().history_change_reason.startswith("取込（構成員名簿）")


def test_bad_member_rows_are_all_reported_and_nothing_is_saved(lead, gunma):
    header = ["区分", "名称", "組織名", "部局", "工程表での略称", "参加形態", "運営主体", "参加日", "退会日", "表示順", "備考"]
    before = list(MemberBody.objects.filter(platform=gunma).values_list("name", "membership", "order"))
    run = upload(lead, "members", csv_bytes([
        header,
        ["行政", "新機関A", "", "", "", "準会員", "", "", "", "1", ""],
        ["行政", "", "", "", "", "構成員", "", "", "", "1", ""],
        ["行政", "新機関B", "", "", "", "構成員", "", "2025-13-01", "", "-1", ""],
        ["行政", "新機関C", "", "", "", "構成員", "", "", "", "", ""],
        ["行政", "新機関C", "", "", "", "構成員", "", "", "", "", ""],
    ]))
    found = texts(run)
    assert any(t.startswith("2行目の列「参加形態」：「準会員」は選べません") for t in found), found
    assert "3行目の列「名称」：入力してください。" in found
    assert any(t.startswith("4行目の列「参加日」") for t in found) and any(t.startswith("4行目の列「表示順」") for t in found)
    assert any(t.startswith("6行目") and "5行目と同じ" in t for t in found), found
    assert list(MemberBody.objects.filter(platform=gunma).values_list("name", "membership", "order")) == before


def test_users_get_roles_of_their_own_platform_only(lead, gunma, other_platform_user):
    header = ["ユーザー名", "氏名", "メールアドレス", "所属機関・団体", "役職", "権限ロール", "有効"]
    foreign_role = other_platform_user.access_roles.first()
    run = upload(lead, "users", csv_bytes([
        header,
        ["new-staff", "新 職員", "new@example.jp", "群馬労働局", "", "構成員担当者", "はい"],
        ["bad-staff", "別 職員", "bad@example.jp", "群馬労働局", "", f"{foreign_role.name}／システム管理者", "はい"],
        [other_platform_user.username, "乗っ取り", "", "群馬労働局", "", "構成員担当者", "はい"],
    ]))
    found = texts(run)
    assert any(t.startswith("3行目の列「権限ロール」") and "システム管理者" in t for t in found), found
    assert any(t.startswith("4行目の列「ユーザー名」") for t in found), found
    assert not User.objects.filter(username="new-staff").exists()
    other_platform_user.refresh_from_db()
    assert other_platform_user.display_name != "乗っ取り"


def test_a_roadmap_row_updates_a_target_and_reports_unknown_parties(lead, gunma, plan2025):
    content = export(lead, "roadmap").decode("utf-8-sig").replace("1538,月間", "1600,月間")
    run = upload(lead, "roadmap", content.encode("utf-8-sig"))
    assert run.status == "previewed", texts(run)
    assert run.counts.get("update") == 1
    confirm(lead, run)
    assert Kpi.objects.get(measure__section__plan=plan2025, name="ハローワークにおける紹介就職件数").target_value == 1600
    bad = content.replace(",労働局,", ",架空局,", 1)
    run = upload(lead, "roadmap", bad.encode("utf-8-sig"))
    assert any("「架空局」という実施主体は登録されていません" in t for t in texts(run)), texts(run)


def test_municipal_platforms_import_by_code_or_name(client, welfare_user, gunma):
    lead = client
    lead.force_login(welfare_user)
    header = ["団体コード", "市町村名", "設置状況", "設置日", "事務局（担当部局）", "基盤とする会議体", "会議体の名称等", "ネットワーク構築済みの主体", "備考"]
    run = upload(lead, "municipal", csv_bytes([
        header, ["前橋市", "", "設置済", "2024-04-01", "福祉部", "支援会議", "", "ハローワーク／経済団体、地元の中小企業", ""],
        ["不明市", "", "未設置", "", "", "", "", "", ""],
        ["高崎市", "", "設置済", "", "", "", "", "ハローワーク／商店街", ""],
    ]))
    found = texts(run)
    assert any(t.startswith("3行目の列「団体コード」") and "不明市" in t for t in found), found
    assert any(t.startswith("4行目の列「ネットワーク構築済みの主体」") and "商店街" in t for t in found), found
    fixed = upload(lead, "municipal", csv_bytes([header, ["前橋市", "", "設置済", "2024-04-01", "福祉部", "支援会議", "", "ハローワーク／経済団体、地元の中小企業", ""]]))
    assert fixed.status == "previewed", texts(fixed)
    confirm(lead, fixed)
    maebashi = MunicipalPlatform.objects.get(platform=gunma, municipality__name="前橋市")
    assert sorted(p.name for p in maebashi.network_partners.all()) == ["ハローワーク", "経済団体、地元の中小企業"]


def test_roles_without_permission_cannot_import(client, deputy_user, welfare_user, gunma):
    client.force_login(deputy_user)
    assert client.get(reverse("imports:menu")).status_code == 403
    client.force_login(welfare_user)  # municipal liaison: municipal platforms only
    page = client.get(reverse("imports:menu")).content.decode()
    assert "市町村プラットフォーム" in page and "構成員名簿" not in page
    assert client.get(reverse("imports:template", args=["members"])).status_code == 403


def test_the_import_history_lists_only_the_kinds_the_user_may_import(client, gunma, lead_user, welfare_user):
    from imports.models import ImportRun

    ImportRun.objects.create(platform=gunma, user=lead_user, kind="figures", original_name="実績_4月.xlsx")
    ImportRun.objects.create(platform=gunma, user=welfare_user, kind="municipal", original_name="市町村ＰＦ.csv")
    client.force_login(welfare_user)  # the municipal liaison imports municipal platforms only
    html = client.get(reverse("imports:menu")).content.decode()
    assert "市町村ＰＦ.csv" in html and "実績_4月.xlsx" not in html
    client.force_login(lead_user)
    assert "実績_4月.xlsx" in client.get(reverse("imports:menu")).content.decode()
