"""Municipal platforms' reports: municipal staff report for their own municipality; the liaison answers."""
import pytest
from django.urls import reverse

from members.models import AccessRole, User
from municipal_pf.models import MunicipalAccount, MunicipalPlatform, MunicipalReport


@pytest.fixture
def mpfs(gunma):
    return {
        name: MunicipalPlatform.objects.create(platform=gunma, municipality=gunma.prefecture.municipalities.get(name=name), status="established")
        for name in ("前橋市", "高崎市")
    }


def municipal_user(gunma, mpf, username):
    user = User.objects.create_user(username, password="x", display_name=f"{mpf.municipality}担当")
    user.access_roles.add(AccessRole.objects.get(platform=gunma, code="municipal_staff"))
    MunicipalAccount.objects.create(user=user, municipal_platform=mpf)
    return user


@pytest.fixture
def period(plan2025):
    return plan2025.reporting_periods.order_by("starts_on").first()


def report_data(mpf, period, **extra):
    return {"municipal_platform": mpf.pk, "period": period.pk, "kind": "request", "request_type": "placements",
            "title": "職場実習先の開拓", "body": "経済団体への働きかけをお願いしたい。", **extra}


def test_municipal_staff_report_for_their_own_municipality_only(client, gunma, mpfs, period):
    maebashi_staff = municipal_user(gunma, mpfs["前橋市"], "maebashi")
    client.force_login(maebashi_staff)
    page = client.get(reverse("municipal_pf:report_new")).content.decode()
    assert "前橋市" in page and "高崎市" not in page
    refused = client.post(reverse("municipal_pf:report_new"), report_data(mpfs["高崎市"], period))
    assert refused.status_code == 400 and not MunicipalReport.objects.exists()
    response = client.post(reverse("municipal_pf:report_new"), report_data(mpfs["前橋市"], period))
    report = MunicipalReport.objects.get()
    assert response.status_code == 302 and report.submitted_by == maebashi_staff and report.status == "received"

    takasaki_staff = municipal_user(gunma, mpfs["高崎市"], "takasaki")
    client.force_login(takasaki_staff)
    assert client.get(reverse("municipal_pf:report", args=[report.pk])).status_code == 404
    assert "職場実習先の開拓" not in client.get(reverse("municipal_pf:reports")).content.decode()


def test_a_request_needs_its_type_and_an_answer_needs_a_response(client, gunma, mpfs, period, welfare_user):
    client.force_login(welfare_user)
    response = client.post(reverse("municipal_pf:report_new"), report_data(mpfs["高崎市"], period, request_type="", status="received"))
    assert "県ＰＦへの要望は「要望の内容」を選んでください。" in response.content.decode()
    client.post(reverse("municipal_pf:report_new"), report_data(mpfs["高崎市"], period, status="received"))
    report = MunicipalReport.objects.get()
    url = reverse("municipal_pf:report", args=[report.pk])
    data = {k: v for k, v in report_data(mpfs["高崎市"], period).items() if k != "municipal_platform"}
    no_answer = client.post(url, {**data, "status": "answered", "response": "", "version": report.version})
    assert "対応状況を「回答済」にするには、「回答」を入力してください。" in no_answer.content.decode()
    client.post(url, {**data, "status": "answered", "response": "経営者協会に依頼しました。", "version": report.version})
    report.refresh_from_db()
    assert report.status == "answered" and report.responded_by == welfare_user and report.response.startswith("経営者協会")
    assert report.history.count() == 2


def test_a_stale_save_is_refused(client, gunma, mpfs, period, welfare_user):
    report = MunicipalReport.objects.create(municipal_platform=mpfs["前橋市"], period=period, kind="issue", title="課題", body="人手不足")
    client.force_login(welfare_user)
    url = reverse("municipal_pf:report", args=[report.pk])
    data = {"period": period.pk, "kind": "issue", "title": "課題", "body": "更新A", "status": "in_progress", "response": ""}
    client.post(url, {**data, "version": 0})
    stale = client.post(url, {**data, "body": "更新B", "version": 0})
    assert "他の利用者が更新しました" in stale.content.decode()
    report.refresh_from_db()
    assert report.body == "更新A"


def test_municipal_staff_cannot_change_a_report_once_handling_started(client, gunma, mpfs, period):
    staff = municipal_user(gunma, mpfs["前橋市"], "maebashi")
    report = MunicipalReport.objects.create(municipal_platform=mpfs["前橋市"], period=period, kind="issue", title="課題", body="x", status="in_progress")
    client.force_login(staff)
    assert client.post(reverse("municipal_pf:report", args=[report.pk]), {"body": "y"}).status_code == 403


def test_the_list_filters_and_keeps_its_query_count(client, gunma, mpfs, period, deputy_user, django_assert_max_num_queries):
    for i, kind in enumerate(["good_practice", "issue", "good_practice"]):
        MunicipalReport.objects.create(municipal_platform=mpfs["前橋市"], period=period, kind=kind, title=f"報告{i}", body="x")
    client.force_login(deputy_user)
    page = client.get(reverse("municipal_pf:reports"), {"kind": "issue"}).content.decode()
    assert "報告1" in page and "報告0" not in page
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("municipal_pf:reports"))
    for i in range(10):
        MunicipalReport.objects.create(municipal_platform=mpfs["高崎市"], period=period, kind="issue", title=f"追加{i}", body="x")
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("municipal_pf:reports"))
    assert len(many.captured_queries) == len(few.captured_queries) == 14  # the menu asks whether the body reports figures


def contact_data(**extra):
    data = {"contacts-TOTAL_FORMS": "2", "contacts-INITIAL_FORMS": "0", "contacts-MIN_NUM_FORMS": "0", "contacts-MAX_NUM_FORMS": "1000",
            "status": "established", "established_on": "2024-04-01", "secretariat_department": "福祉政策課", "forum": "support_meeting",
            "forum_note": "", "note": "", "network_partners": [], "contacts-0-name": "前橋 太郎", "contacts-0-department": "福祉政策課",
            "contacts-0-phone": "027-000-0000", "contacts-0-email": "maebashi@example.jp", "version": "0"}
    data.update(extra)
    return data


def test_the_liaison_edits_a_platform_and_its_contacts_all_or_nothing(client, gunma, mpfs, welfare_user):
    from municipal_pf.models import NetworkPartnerType

    mpf = mpfs["前橋市"]
    client.force_login(welfare_user)
    url = reverse("municipal_pf:platform_edit", args=[mpf.pk])
    bad = client.post(url, contact_data(status="preparing", **{"contacts-1-name": "高崎 花子", "contacts-1-email": "メールではない"}))
    assert bad.status_code == 400 and "2行目" in bad.content.decode()
    mpf.refresh_from_db()
    assert mpf.status == "established" and not mpf.contacts.exists()
    hello_work = NetworkPartnerType.objects.get(name="ハローワーク")
    client.post(url, contact_data(network_partners=[hello_work.pk]))
    page = client.get(reverse("municipal_pf:platform", args=[mpf.pk])).content.decode()
    assert "前橋 太郎" in page and "○ 構築済：ハローワーク" in page and "× 未構築：民生委員" in page


def test_a_platform_record_saved_from_a_stale_page_is_refused(client, gunma, mpfs, welfare_user):
    mpf = mpfs["前橋市"]
    client.force_login(welfare_user)
    url = reverse("municipal_pf:platform_edit", args=[mpf.pk])
    client.post(url, contact_data(secretariat_department="一人目の課"))
    stale = client.post(url, contact_data(secretariat_department="二人目の課", **{"contacts-0-name": "二人目 花子"}))
    html = stale.content.decode()
    assert stale.status_code == 400 and "他の利用者が先にこの市町村の記録を更新しました" in html and "二人目の課" in html
    mpf.refresh_from_db()
    assert mpf.secretariat_department == "一人目の課" and list(mpf.contacts.values_list("name", flat=True)) == ["前橋 太郎"]


def test_municipal_staff_see_their_own_platform_only(client, gunma, mpfs):
    staff = municipal_user(gunma, mpfs["前橋市"], "maebashi")
    client.force_login(staff)
    assert client.get(reverse("municipal_pf:platform", args=[mpfs["前橋市"].pk])).status_code == 200
    assert client.get(reverse("municipal_pf:platform", args=[mpfs["高崎市"].pk])).status_code == 403
    assert client.get(reverse("municipal_pf:platform_edit", args=[mpfs["前橋市"].pk])).status_code == 403
