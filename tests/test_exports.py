"""Exports read back: the Excel progress report, CSV in both encodings, the registry and the download log."""
import io
import re
import subprocess
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from exports.csv import neutralise
from exports.models import ExportLog
from exports.registry import REGISTRY, available
from kpi.models import Kpi, KpiFigure
from members.models import AccessRole, User
from plans.models import ProgressReport
from tests.factories import approve


@pytest.fixture
def figures(plan2025, gunma):
    bureau = gunma.member_bodies.get(name="群馬労働局")
    placements = Kpi.objects.get(measure__section__plan=plan2025, name="ハローワークにおける紹介就職件数")
    training = Kpi.objects.get(measure__section__plan=plan2025, name__contains="求職者支援訓練")
    KpiFigure.objects.create(kpi=placements, member_body=bureau, month=date(2025, 4, 1), value=1500, comment='=HYPERLINK("http://x")')
    KpiFigure.objects.create(kpi=placements, member_body=bureau, month=date(2025, 5, 1), value=1600)
    KpiFigure.objects.create(kpi=training, member_body=bureau, month=date(2025, 4, 1), numerator=37, denominator=50)
    approve(plan2025, bureau, date(2025, 4, 1), date(2025, 5, 1))  # files hold confirmed figures (kpi/confirmation.py)
    return placements, training


def download(client, user, export_id, **params):
    client.force_login(user)
    response = client.get(reverse("exports:download", args=[2025, export_id]), params)
    assert response.status_code == 200, response.status_code
    return response


def test_excel_report_holds_the_database_figures_and_prints_on_a4_landscape(client, lead_user, figures):
    """The download; the workbook's layout, numbers, texts and printing are in tests/test_xlsx.py."""
    placements, training = figures
    response = download(client, lead_user, "progress_xlsx")
    assert response["Content-Disposition"] == 'attachment; filename="gunma_2025_progress_xlsx.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames[:2] == ["工程表", "ＫＰＩ"]
    assert "群馬労働局" in workbook.sheetnames and "ハローワーク" in workbook.sheetnames
    kpi_sheet = workbook["ＫＰＩ"]
    rows = {row[1]: row for row in kpi_sheet.iter_rows(min_row=2, values_only=True)}
    assert rows[placements.name][3:5] == (1500, 1600)  # 4月, 5月
    assert rows[placements.name][15] == 3100  # 累計
    assert rows[training.name][3] == pytest.approx(0.74)  # 74.0 %, formatted "0.0%"
    for sheet in workbook.worksheets:
        assert sheet.page_setup.orientation == "landscape"
        assert str(sheet.page_setup.paperSize) == "9"  # A4
        assert sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.oddFooter.center.text == "&P / &N"
        assert sheet.print_title_rows
    roadmap = workbook["工程表"]
    texts = [c for row in roadmap.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert any(t.startswith("2 安定就職に向けた取組") for t in texts)


def test_csv_decodes_in_both_encodings_and_neutralises_formulas(client, lead_user, figures):
    for encoding in ("utf-8-sig", "cp932"):
        content = download(client, lead_user, "figures_csv", encoding=encoding).content
        if encoding == "utf-8-sig":
            assert content.startswith(b"\xef\xbb\xbf")
        text = content.decode(encoding)
        assert text.splitlines()[0].startswith("年度,指標,入力機関,対象月")
        assert "ハローワークにおける紹介就職件数,群馬労働局,2025-04,確定,1500" in text  # 状況: approved
        assert "'=HYPERLINK" in text and ',=HYPERLINK' not in text


def test_neutralise_covers_every_formula_start():
    assert [neutralise(v) for v in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "普通")] == ["'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\tx", "普通"]
    assert neutralise(Decimal("-3")) == "-3"  # numbers stay numbers


def test_progress_csv_leaves_out_drafts(client, lead_user, hw_user, plan2025):
    period = plan2025.reporting_periods.first()
    measure = Kpi.objects.get(measure__section__plan=plan2025, name="ハローワークにおける紹介就職件数").measure
    ProgressReport.objects.create(measure=measure, period=period, member_body=hw_user.member_body, activities="下書きの内容")
    text = download(client, lead_user, "progress_csv").content.decode("utf-8-sig")
    assert "下書きの内容" not in text
    ProgressReport.objects.update(review_status="submitted")
    assert "下書きの内容" in download(client, lead_user, "progress_csv").content.decode("utf-8-sig")


def test_menu_offers_only_what_the_user_may_take(client, gunma, lead_user):
    municipal = User.objects.create_user(username="m", password="x", member_body=gunma.member_bodies.get(name="安中市"))
    municipal.access_roles.set(AccessRole.objects.filter(platform=gunma, code="municipal_staff"))
    # Municipal staff see no member's progress report on screen, so they get no file of them either.
    assert [e.id for e in available(municipal)] == []
    assert {e.id for e in available(lead_user)} == set(REGISTRY)
    client.force_login(municipal)
    assert "工程表・進捗状況（Excel）" not in client.get(reverse("exports:menu", args=[2025])).content.decode()
    assert client.get(reverse("exports:download", args=[2025, "progress_xlsx"])).status_code == 403
    assert client.get(reverse("exports:download", args=[2025, "no_such_export"])).status_code == 404


def test_every_download_is_logged(client, lead_user, figures):
    download(client, lead_user, "progress_xlsx")
    log = ExportLog.objects.get()
    assert (log.user, log.export_id, log.fiscal_year, log.filename, log.via) == (lead_user, "progress_xlsx", 2025, "gunma_2025_progress_xlsx.xlsx", "web")
    assert log.size > 0
    assert "gunma_2025_progress_xlsx.xlsx" in client.get(reverse("exports:menu", args=[2025])).content.decode()


def test_command_line_renders_the_same_export(tmp_path, gunma, figures):
    output = tmp_path / "report.xlsx"
    call_command("export", "progress_xlsx", "--platform", "gunma", "--fiscal-year", "2025", "--output", str(output), stdout=io.StringIO())
    rows = {row[1]: row for row in load_workbook(output)["ＫＰＩ"].iter_rows(min_row=2, values_only=True)}
    assert rows["ハローワークにおける紹介就職件数"][15] == 3100
    assert ExportLog.objects.get().via == "command"


def test_another_platform_gets_its_own_data_only(client, other_platform_user, figures):
    text = download(client, other_platform_user, "figures_csv").content.decode("utf-8-sig")
    assert "群馬" not in text and "ハローワークにおける紹介就職件数" not in text


# The lead's, with their second-factor device; the 【事業実施目標】 rows read the support categories'
# goals and the numeric goals (goals, components, their KPIs' reporting bodies, counted figures).
EXCEL_QUERIES = 33


def test_excel_export_query_count_is_constant_with_tenfold_data(client, lead_user, plan2025, gunma, figures, django_assert_num_queries):
    client.force_login(lead_user)
    url = reverse("exports:download", args=[2025, "progress_xlsx"])
    with django_assert_num_queries(EXCEL_QUERIES):
        client.get(url)
    measure = figures[0].measure
    bodies = list(gunma.member_bodies.all()[:3])
    for i in range(20):
        kpi = Kpi.objects.create(measure=measure, name=f"追加指標{i}", target_value=10, target_period="month", unit="件")
        kpi.reporting_bodies.set(bodies)
        KpiFigure.objects.bulk_create(KpiFigure(kpi=kpi, member_body=b, month=date(2025, 6, 1), value=2) for b in bodies)
    for body in bodies:
        approve(plan2025, body, date(2025, 6, 1))
    with django_assert_num_queries(EXCEL_QUERIES):
        response = client.get(url)
    rows = {row[1]: row for row in load_workbook(io.BytesIO(response.content))["ＫＰＩ"].iter_rows(min_row=2, values_only=True)}
    assert rows["追加指標19"][5] == 6


# The worker commits and closes its connections as in production, so this test runs on committed
# data (and Gunma's definition is restored afterwards from the session's snapshot).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_background_export_is_queued_run_by_a_worker_and_then_downloaded(client, lead_user, figures, settings, tmp_path):
    from exports.models import ExportJob

    settings.MEDIA_ROOT = tmp_path
    client.force_login(lead_user)
    response = client.post(reverse("exports:start", args=[2025, "progress_xlsx"]))
    job = ExportJob.objects.get()
    assert response["Location"] == reverse("exports:job", args=[job.pk])
    page = client.get(response["Location"]).content.decode()
    assert "待機中" in page and 'data-poll-seconds="2"' in page  # static/js/job.js follows the job
    call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO(), stderr=io.StringIO())
    job.refresh_from_db()
    assert job.status == "done" and job.task_id
    page = client.get(reverse("exports:job", args=[job.pk])).content.decode()
    assert "完了" in page and "data-poll-seconds" not in page
    file = client.get(reverse("exports:job_file", args=[job.pk]))
    rows = {row[1]: row for row in load_workbook(io.BytesIO(file.content))["ＫＰＩ"].iter_rows(min_row=2, values_only=True)}
    assert rows["ハローワークにおける紹介就職件数"][15] == 3100
    assert ExportLog.objects.get().via == "background"


def test_a_job_is_visible_to_its_requester_only(client, lead_user, chair_user, figures):
    from exports.models import ExportJob

    job = ExportJob.objects.create(platform=lead_user.member_body.platform, user=lead_user, export_id="progress_xlsx", fiscal_year=2025)
    client.force_login(chair_user)
    assert client.get(reverse("exports:job", args=[job.pk])).status_code == 404


def test_libreoffice_opens_the_excel_report_as_it_is(client, lead_user, figures, tmp_path):
    """A workbook LibreOffice would have to repair does not convert cleanly; this one must."""
    source = tmp_path / "report.xlsx"
    source.write_bytes(download(client, lead_user, "progress_xlsx").content)
    result = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless", "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,2", "--outdir", str(tmp_path), str(source)],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    kpi_sheet = (tmp_path / "report-ＫＰＩ.csv").read_text(encoding="utf-8")
    assert "ハローワークにおける紹介就職件数" in kpi_sheet
    assert "1,500" in kpi_sheet or "1500" in kpi_sheet


# --- The exports page draws each export's own form fields --------------------------------------


def _menu(client, user):
    client.force_login(user)
    return client.get(reverse("exports:menu", args=[2025])).content.decode()


def _section(html, export_id):
    """The part of the exports page that belongs to one export."""
    start = html.index(f'aria-labelledby="export-{export_id}"')
    return html[start:html.find("</section>", start)]


def test_each_export_offers_its_own_choices(client, lead_user, plan2025):
    from meetings.models import Meeting

    Meeting.objects.create(plan=plan2025, number=2, held_on=date(2025, 10, 1))
    html = _menu(client, lead_user)
    packet = _section(html, "meeting_packet")
    assert 'name="section" value="proposals" checked' in packet
    assert 'name="meeting"' in packet and "第2回（令和7年10月1日）" in packet and "次第版（開催前）" in packet
    assert 'name="encoding"' not in packet
    for csv_export in ("figures_csv", "progress_csv"):
        assert 'name="encoding"' in _section(html, csv_export) and 'name="section"' not in _section(html, csv_export)
    # 速報値 are offered where figures are shown, to the secretariat who may see them.
    for export_id in ("progress_xlsx", "figures_csv", "meeting_packet"):
        assert "速報値（未承認）を含める" in _section(html, export_id), export_id
    assert "速報値" not in _section(html, "progress_csv")
    assert len(set(re.findall(r'id="([^"]+)"', html))) == len(re.findall(r'id="([^"]+)"', html))  # ids unique on the page


def test_readers_are_not_offered_provisional_figures(client, observer_user, chair_user):
    for user in (observer_user, chair_user):
        html = _menu(client, user)
        assert "ＫＰＩ月次実績（CSV）" in html and "速報値（未承認）を含める" not in html


class _Spy:
    """Stands in for an export's render: records the options it was given."""

    def __init__(self, export, monkeypatch):
        self.calls = []
        original = export.render

        def render(plan, **options):
            self.calls.append(options)
            return original(plan, **options)

        monkeypatch.setattr(export, "render", render)


def test_the_provisional_choice_reaches_render_only_for_those_who_may_see_it(client, lead_user, observer_user, figures, monkeypatch):
    spy = _Spy(REGISTRY["figures_csv"], monkeypatch)
    client.force_login(lead_user)
    client.post(reverse("exports:download", args=[2025, "figures_csv"]), {"encoding": "cp932", "provisional": "on"})
    client.post(reverse("exports:download", args=[2025, "figures_csv"]), {"encoding": "utf-8-sig"})
    client.force_login(observer_user)
    response = client.post(reverse("exports:download", args=[2025, "figures_csv"]), {"provisional": "on"})
    assert response.status_code == 200
    assert [(c["encoding"], c["provisional"]) for c in spy.calls] == [("cp932", True), ("utf-8-sig", False), ("utf-8-sig", False)]


def test_a_background_job_keeps_the_choices_and_the_worker_renders_them(client, lead_user, figures, monkeypatch, settings, tmp_path):
    from exports.models import ExportJob
    from exports.tasks import generate_export

    settings.MEDIA_ROOT = tmp_path
    spy = _Spy(REGISTRY["progress_xlsx"], monkeypatch)
    client.force_login(lead_user)
    client.post(reverse("exports:start", args=[2025, "progress_xlsx"]), {"provisional": "on"})
    job = ExportJob.objects.get()
    assert job.options == {"provisional": True}
    generate_export.call(job.pk)
    assert spy.calls[0]["provisional"] is True and spy.calls[0]["user"] == lead_user
    # A requester who lost the right to see 速報値 meanwhile gets confirmed figures only.
    job.user.access_roles.set(AccessRole.objects.filter(platform=job.platform, code="observer"))
    generate_export.call(job.pk)
    assert spy.calls[1]["provisional"] is False


def test_a_new_export_with_its_own_field_needs_no_change_to_the_views(client, lead_user, plan2025, monkeypatch, settings, tmp_path):
    from django import forms

    from exports.models import ExportJob
    from exports.registry import Export, ExportFile

    class Colours(Export):
        id = "colours"
        name = "色見本"
        permission = "view_plan"
        background = True

        def export_form_fields(self, plan, user):
            return {"colour": forms.ChoiceField(label="色", choices=[("red", "赤"), ("blue", "青")]), **super().export_form_fields(plan, user)}

        def render(self, plan, *, encoding="utf-8-sig", as_of=None, colour="", **options):
            return ExportFile(self.filename(plan, "txt"), "text/plain", colour.encode())

    monkeypatch.setitem(REGISTRY, "colours", Colours())
    html = _section(_menu(client, lead_user), "colours")
    assert '<label for="colours-colour">色' in html and 'value="blue">青' in html
    response = client.post(reverse("exports:download", args=[2025, "colours"]), {"colour": "blue"})
    assert response.content == b"blue"
    client.post(reverse("exports:start", args=[2025, "colours"]), {"colour": "red"})
    assert ExportJob.objects.get().options == {"colour": "red"}
    # A choice the export does not offer is refused on the exports page, and nothing is made.
    response = client.post(reverse("exports:start", args=[2025, "colours"]), {"colour": "green"})
    assert response.status_code == 400 and "選んだ内容を確認してください" in response.content.decode()
    assert ExportJob.objects.count() == 1


def test_a_meeting_of_another_year_is_refused_before_any_job_is_made(client, lead_user, plan2025):
    from exports.models import ExportJob

    client.force_login(lead_user)
    response = client.post(reverse("exports:start", args=[2025, "meeting_packet"]), {"meeting": "9", "variant": "agenda"})
    assert response.status_code == 400 and not ExportJob.objects.exists()
    assert "正しく選択してください" in _section(response.content.decode(), "meeting_packet")


def test_a_job_no_worker_has_picked_up_says_so_after_a_minute(client, lead_user, plan2025):
    from datetime import timedelta

    from django.utils import timezone

    from exports.models import ExportJob

    job = ExportJob.objects.create(platform=plan2025.platform, user=lead_user, export_id="meeting_packet", fiscal_year=2025)
    client.force_login(lead_user)
    page = client.get(reverse("exports:job", args=[job.pk])).content.decode()
    assert "待機中" in page and "ワーカー" not in page and 'data-poll-seconds="2"' in page
    ExportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(seconds=61))
    page = client.get(reverse("exports:job", args=[job.pk])).content.decode()
    assert "1分以上たっても作成が始まりません" in page and "manage.py db_worker" in page
    assert 'data-poll-seconds="10"' in page  # still watching, less often: the job is made once a worker starts
    assert "作成が始まりません" in _menu(client, lead_user)
    # A job a worker has started is not "waiting for a worker", however long it takes.
    ExportJob.objects.filter(pk=job.pk).update(status="running", started_at=timezone.now())
    assert "1分以上" not in client.get(reverse("exports:job", args=[job.pk])).content.decode()


def test_the_command_line_asks_for_provisional_figures_explicitly(tmp_path, gunma, figures, monkeypatch):
    spy = _Spy(REGISTRY["figures_csv"], monkeypatch)
    for extra in ([], ["--provisional"]):
        call_command("export", "figures_csv", "--platform", "gunma", "--fiscal-year", "2025", "--output", str(tmp_path / "f.csv"), *extra, stdout=io.StringIO())
    assert [c["provisional"] for c in spy.calls] == [False, True]


def test_a_finished_file_with_provisional_figures_is_refused_to_a_requester_who_lost_the_right(client, lead_user, figures, settings, tmp_path):
    from exports.models import ExportJob
    from exports.tasks import generate_export

    settings.MEDIA_ROOT = tmp_path
    client.force_login(lead_user)
    client.post(reverse("exports:start", args=[2025, "progress_xlsx"]), {"provisional": "on"})
    job = ExportJob.objects.get()
    generate_export.call(job.pk)
    file_url = reverse("exports:job_file", args=[job.pk])
    assert client.get(file_url).status_code == 200
    # Still allowed to take the Excel (view_figures), no longer to see 速報値: the made file is not handed out.
    role = AccessRole.objects.get(platform=job.platform, code="lead_secretariat")
    role.permissions = [code for code in role.permissions if code != "view_unconfirmed_figures"]
    role.save()
    assert client.get(file_url).status_code == 403


def test_the_command_line_takes_each_exports_own_choices_and_refuses_others(tmp_path, gunma, figures, monkeypatch):
    from django.core.management.base import CommandError

    spy = _Spy(REGISTRY["meeting_packet"], monkeypatch)
    base = ["export", "meeting_packet", "--platform", "gunma", "--fiscal-year", "2025", "--output", str(tmp_path / "p.pdf")]
    call_command(*base, "--option", "section=roadmap", "--section", "charts", stdout=io.StringIO())
    assert sorted(spy.calls[0]["sections"]) == ["charts", "roadmap"]
    with pytest.raises(CommandError, match="含める章"):
        call_command(*base, "--option", "section=nonsense", stdout=io.StringIO())
    with pytest.raises(CommandError, match="「協議会資料（PDF）」にない選択肢です：colour"):
        call_command(*base, "--option", "colour=red", stdout=io.StringIO())
    assert len(spy.calls) == 1
