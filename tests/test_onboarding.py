"""A second platform set up from files alone, and kept apart from the first."""
import re
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from kpi.models import Kpi
from members.models import AccessRole, MemberBody, Role, User
from core.models import Platform
from tests.imports_helpers import confirm, csv_bytes, texts, upload

EXAMPLE = Path(settings.BASE_DIR) / "docs" / "onboarding_example"


@pytest.fixture
def system_admin(db):
    user = User.objects.create_user("sysadmin", password="x")
    user.access_roles.add(AccessRole.objects.get(platform__isnull=True, code="system_admin"))
    return user


def open_tottori(client, system_admin, capture_on_commit):
    client.force_login(system_admin)
    with capture_on_commit(execute=True):  # the invitation goes once the opening is committed
        response = client.post(reverse("platforms"), {
            "prefecture": Platform._meta.get_field("prefecture").related_model.objects.get(name="鳥取県").pk,
            "code": "tottori", "name": "とっとり中高年世代活躍応援プラットフォーム", "from_fiscal_year": 2026,
            "secretariat_body": "鳥取労働局", "username": "tottori-lead", "display_name": "因幡 一郎", "email": "lead@example.jp",
        })
    assert response.status_code == 302, response.content.decode()[:3000]
    return Platform.objects.get(code="tottori"), User.objects.get(username="tottori-lead")


def import_file(client, kind, name, fiscal_year=None):
    run = upload(client, kind, (EXAMPLE / name).read_bytes(), name=name, fiscal_year=fiscal_year)
    assert run.status == "previewed", texts(run)
    run = confirm(client, run)
    assert run.status == "imported", texts(run)
    return run


def test_a_new_prefecture_is_set_up_from_its_own_files_only(client, system_admin, gunma, lead_user, django_capture_on_commit_callbacks):
    tottori, first_user = open_tottori(client, system_admin, django_capture_on_commit_callbacks)
    assert str(tottori) == "とっとり中高年世代活躍応援プラットフォーム"
    assert "lead@example.jp" in mail.outbox[-1].to and "/password-reset/" in mail.outbox[-1].body

    client.force_login(first_user)
    import_file(client, "members", "members.csv")
    import_file(client, "roles", "roles.csv")
    import_file(client, "users", "users.csv")
    import_file(client, "roadmap", "roadmap_2026.csv", fiscal_year=2026)

    bodies = MemberBody.objects.filter(platform=tottori)
    assert bodies.count() == 6
    assert bodies.get(name="とっとり若者サポートステーション").membership == MemberBody.Membership.OBSERVER
    assert set(tottori.member_categories.values_list("name", flat=True)) == {"行政", "市町村", "経済団体", "労働団体", "就労支援機関"}
    secretariat = Role.objects.get(platform=tottori, name="事務局")
    assert secretariat.function == Role.Function.SECRETARIAT and secretariat.assignments.count() == 2
    deputy = User.objects.get(username="tottori-pref")
    assert deputy.member_body.name == "鳥取県（商工労働部）" and [r.code for r in deputy.access_roles.all()] == ["deputy_secretariat"]
    plan = tottori.plans.get(fiscal_year=2026)
    kpis = {k.name: k for k in Kpi.objects.filter(measure__section__plan=plan)}
    assert set(kpis) == {"紹介就職件数", "専門窓口の紹介就職件数", "説明会の開催"}
    assert kpis["専門窓口の紹介就職件数"].parent == kpis["紹介就職件数"]
    assert [b.name for b in kpis["説明会の開催"].reporting_bodies.all()] == ["鳥取県経営者協会"]
    assert kpis["紹介就職件数"].measure.responsible_parties.get().label == "労働局"

    # The new platform's roadmap page shows its own plan and nothing of Gunma's.
    page = client.get(reverse("plans:roadmap", args=[2026])).content.decode()
    assert "紹介就職件数" in page and "ハローワークにおける紹介就職件数" not in page
    assert client.get(reverse("plans:roadmap", args=[2025])).status_code == 404  # Gunma's year is not theirs

    # Names of Gunma's bodies are unknown to Tottori's imports.
    header = ["取組", "指標名", "入力機関", "対象月", "実績値", "分子", "分母", "記述", "はい／いいえ", "コメント"]
    run = upload(client, "figures", csv_bytes([header, ["1(1)①", "紹介就職件数", "群馬労働局", "2026-04", "1", "", "", "", "", ""]]), fiscal_year=2026)
    assert "2行目の列「入力機関」：「群馬労働局」という機関・団体は登録されていません。" in texts(run)

    # Each platform's import records are invisible to the other.
    client.force_login(lead_user)
    assert client.get(reverse("imports:run", args=[run.pk])).status_code == 404
    assert "members.csv" not in client.get(reverse("imports:menu")).content.decode()
    gunma_run = upload(client, "members", csv_bytes([["区分", "名称", "組織名", "部局", "工程表での略称", "参加形態", "運営主体", "参加日", "退会日", "表示順", "備考"]]))
    client.force_login(first_user)
    assert client.get(reverse("imports:run", args=[gunma_run.pk])).status_code == 404
    assert client.post(reverse("imports:confirm", args=[gunma_run.pk])).status_code == 404
    assert MemberBody.objects.filter(platform=gunma).count() == MemberBody.objects.filter(platform=gunma).count()
    assert not MemberBody.objects.filter(platform=gunma, name__startswith="鳥取").exists()


def test_only_a_system_administrator_opens_a_platform(client, lead_user):
    client.force_login(lead_user)
    assert client.get(reverse("platforms")).status_code == 403


def test_the_first_user_needs_an_unused_username_and_code(client, system_admin, gunma, lead_user):
    client.force_login(system_admin)
    response = client.post(reverse("platforms"), {"code": gunma.code, "username": lead_user.username, "name": "x", "from_fiscal_year": 2026})
    page = response.content.decode()
    assert "この識別子は既に使われています。" in page and "このユーザー名は既に使われています。" in page
    assert Platform.objects.count() == 1


def test_a_name_change_for_a_new_fiscal_year_is_recorded_and_used_from_that_year(client, lead_user, gunma):
    client.force_login(lead_user)
    response = client.post(reverse("platform_names"), {"name": "ぐんま新名称協議会", "from_fiscal_year": 2027, "reason": "改組"})
    assert response.status_code == 302
    gunma.refresh_from_db()
    assert gunma.name_for_fiscal_year(2027).name == "ぐんま新名称協議会"
    assert gunma.name_for_fiscal_year(2025).name != "ぐんま新名称協議会"
    again = client.post(reverse("platform_names"), {"name": "別名", "from_fiscal_year": 2027})
    assert "2027年度からの名称は既に登録されています。" in again.content.decode()


def test_a_recorded_name_is_corrected_on_the_platforms_version_and_kept_in_its_history(client, lead_user, gunma):
    client.force_login(lead_user)
    client.post(reverse("platform_names"), {"name": "ぐんま新名小協議会", "from_fiscal_year": 2027, "reason": "改組"})
    name = gunma.names.get(from_fiscal_year=2027)
    url = reverse("platform_name_edit", args=[name.pk])
    gunma.refresh_from_db()
    seen = gunma.version
    assert f'href="{url}"' in client.get(reverse("platform_names")).content.decode()
    response = client.post(url, {"name": "ぐんま新名称協議会", "from_fiscal_year": 2027, "reason": "改組", "version": seen})
    assert response.status_code == 302
    name.refresh_from_db()
    assert name.name == "ぐんま新名称協議会" and name.history.count() == 2
    gunma.refresh_from_db()
    assert gunma.version == seen + 1 and gunma.history.first().history_change_reason == "2027年度からの名称を修正"
    # A page shown before that save is refused, its input kept; another year's start is refused by name.
    stale = client.post(url, {"name": "別の名称", "from_fiscal_year": 2027, "version": seen})
    assert stale.status_code == 400 and "他の利用者が先に保存しました" in stale.content.decode() and "別の名称" in stale.content.decode()
    taken = gunma.names.exclude(pk=name.pk).first().from_fiscal_year
    clash = client.post(url, {"name": "x", "from_fiscal_year": taken, "version": seen + 1})
    assert f"{taken}年度からの名称は既に登録されています。" in clash.content.decode()
    name.refresh_from_db()
    assert name.name == "ぐんま新名称協議会"


def test_the_system_administrator_is_led_to_opening_a_platform_not_to_a_platforms_pages(client, system_admin, lead_user):
    # A global role that also says import_data: the import page is a platform's page, 404 to them.
    AccessRole.objects.filter(platform__isnull=True, code="system_admin").update(permissions=["administer_system", "view_all_platforms", "import_data"])
    client.force_login(system_admin)
    page = client.get(reverse("home"), follow=True).content.decode()
    assert f'href="{reverse("platforms")}">プラットフォームの開設</a>' in page
    assert reverse("imports:menu") not in page
    client.force_login(lead_user)
    page = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("imports:menu")}"' in page and reverse("platforms") not in page


def test_a_new_platforms_secretariat_downloads_every_template_before_any_plan(client, system_admin, django_capture_on_commit_callbacks):
    tottori, first_user = open_tottori(client, system_admin, django_capture_on_commit_callbacks)
    client.force_login(first_user)
    page = client.get(reverse("imports:menu")).content.decode()
    links = re.findall(r'href="(/imports/[a-z]+/template/\?[^"]+)"', page)
    assert any(link.startswith("/imports/roadmap/") for link in links) and any(link.startswith("/imports/figures/") for link in links)
    for link in links:
        response = client.get(link.replace("&amp;", "&"))
        assert response.status_code == 200, link  # the 工程表's answered 500 (fiscal_year=None)
        assert "テンプレート" in response["Content-Disposition"] or "%E3%83%86%E3%83%B3%E3%83%97%E3%83%AC%E3%83%BC%E3%83%88" in response["Content-Disposition"]
