"""Monthly KPI entry: the grid as their Excel sheet, saving all or nothing, conflicts, locks and history."""
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from kpi.entry import cell_name
from kpi.models import FigureSubmission, Kpi, KpiFigure

APRIL = date(2025, 4, 1)


@pytest.fixture
def kpis(plan2025):
    return {k.name: k for k in Kpi.objects.filter(measure__section__plan=plan2025)}


def url(body):
    return reverse("kpi:entry_body", args=[2025, body.pk])


def field(kpi, month=APRIL, part="value"):
    return f"{cell_name(kpi.pk, month)}_{part}"


def version(kpi, month=APRIL):
    return f"{cell_name(kpi.pk, month)}_v"


def stored(kpi, body, month=APRIL):
    return KpiFigure.objects.filter(kpi=kpi, member_body=body, month=month).first()


def test_grid_lists_the_bodys_kpis_by_month_with_labels(client, bureau_staff, bureau, kpis):
    client.force_login(bureau_staff)
    html = client.get(reverse("kpi:entry", args=[2025])).content.decode()
    assert "ハローワークにおける紹介就職件数" in html and "トライアル雇用助成金支給実績" in html
    assert "相談件数" not in html  # entered by the prefecture, not the bureau
    for month in ("4月", "9月", "3月"):
        assert f'<label class="visually-hidden" for="{cell_name(kpis["ハローワークにおける紹介就職件数"].pk, APRIL)}_value">ハローワークにおける紹介就職件数 4月</label>' in html
        assert month in html
    assert "受講者数" in html  # the rate is entered as numerator / denominator


def test_full_width_digits_and_commas_are_saved(client, bureau_staff, bureau, kpis):
    client.force_login(bureau_staff)
    kpi = kpis["ハローワークにおける紹介就職件数"]
    response = client.post(url(bureau), {field(kpi): "１，５３８", version(kpi): ""})
    assert response.status_code == 302
    figure = stored(kpi, bureau)
    assert figure.value == 1538 and figure.updated_by == bureau_staff and figure.version == 1


def test_rate_is_saved_as_numerator_and_denominator(client, bureau_staff, bureau, kpis):
    client.force_login(bureau_staff)
    kpi = next(k for k in kpis.values() if k.measure_type == "rate" and k.reporting_bodies.filter(pk=bureau.pk).exists())
    client.post(url(bureau), {field(kpi, part="num"): "37", field(kpi, part="den"): "50", version(kpi): ""})
    figure = stored(kpi, bureau)
    assert (figure.numerator, figure.denominator) == (37, 50)
    assert "74.0%" in client.get(url(bureau)).content.decode()


def test_bad_input_names_kpi_and_month_and_saves_nothing(client, bureau_staff, bureau, kpis):
    client.force_login(bureau_staff)
    good, negative, text = kpis["ハローワークにおける紹介件数"], kpis["ハローワークにおける紹介就職件数"], kpis["トライアル雇用助成金支給実績"]
    response = client.post(
        url(bureau),
        {field(good): "5229", version(good): "", field(negative): "-3", version(negative): "", field(text): "たくさん", version(text): ""},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "ハローワークにおける紹介就職件数 4月」：負の値は入力できません。" in html
    assert "トライアル雇用助成金支給実績 4月」" in html and "数値" in html
    assert 'value="たくさん"' in html and 'value="5229"' in html  # what was typed is kept
    assert not KpiFigure.objects.filter(member_body=bureau).exists()


def test_a_subcount_above_its_parent_saves_nothing(client, bureau_staff, bureau, kpis):
    client.force_login(bureau_staff)
    parent, child = kpis["ハローワークにおける紹介就職件数"], kpis["専門窓口における紹介就職件数"]
    response = client.post(url(bureau), {field(parent): "100", version(parent): "", field(child): "120", version(child): ""})
    assert "内数は親の値以下にしてください" in response.content.decode()
    assert "2025年4月" in response.content.decode()
    assert not KpiFigure.objects.filter(member_body=bureau).exists()
    client.post(url(bureau), {field(parent): "130", version(parent): "", field(child): "120", version(child): ""})
    assert stored(child, bureau).value == 120


def test_qualitative_kpi_takes_text(client, welfare_user, gunma, kpis):
    client.force_login(welfare_user)
    body = welfare_user.member_body
    kpi = next(k for k in kpis.values() if k.measure_type == "qualitative")
    client.post(url(body), {field(kpi, part="text"): "前橋市PFから好事例の報告", version(kpi): ""})
    assert stored(kpi, body).text_value == "前橋市PFから好事例の報告"


def test_second_saver_gets_a_conflict_and_loses_nothing(client, bureau_staff, lead_user, bureau, kpis):
    kpi = kpis["ハローワークにおける紹介就職件数"]
    KpiFigure.objects.create(kpi=kpi, member_body=bureau, month=APRIL, value=1000, version=1)
    client.force_login(lead_user)
    client.post(url(bureau), {field(kpi): "1100", version(kpi): "1"})  # first saver
    client.force_login(bureau_staff)
    response = client.post(url(bureau), {field(kpi): "1200", version(kpi): "1"})  # loaded before the first save
    html = response.content.decode()
    assert "他の利用者が先に保存しました" in html and "何も保存していません" in html
    assert 'value="1200"' in html
    assert stored(kpi, bureau).value == 1100


def test_a_locked_month_refuses_even_a_forged_post(client, bureau_staff, bureau, kpis, plan2025, lead_user):
    kpi = kpis["ハローワークにおける紹介就職件数"]
    KpiFigure.objects.create(kpi=kpi, member_body=bureau, month=APRIL, value=1000, version=1)
    FigureSubmission.objects.create(plan=plan2025, member_body=bureau, month=APRIL, status="approved", decided_by=lead_user)
    client.force_login(bureau_staff)
    page = client.get(url(bureau)).content.decode()
    assert "4月は承認済" in page and "のため編集できません" in page
    assert f'name="{field(kpi)}"' not in page
    response = client.post(url(bureau), {field(kpi): "5", version(kpi): "1"})
    assert "4月は承認済" in response.content.decode()
    assert stored(kpi, bureau).value == 1000


def test_another_bodys_staff_can_look_but_not_save(client, deputy_user, bureau, kpis):
    client.force_login(deputy_user)
    page = client.get(url(bureau)).content.decode()
    assert "閲覧のみ" in page and "<input id=" not in page
    kpi = kpis["ハローワークにおける紹介就職件数"]
    assert client.post(url(bureau), {field(kpi): "1", version(kpi): ""}).status_code == 403
    assert not KpiFigure.objects.exists()


def test_another_platforms_body_is_not_found(client, other_platform_user, bureau):
    client.force_login(other_platform_user)
    assert client.get(url(bureau)).status_code == 404


def test_history_page_shows_each_change_and_takes_a_comment(client, bureau_staff, lead_user, bureau, kpis):
    kpi = kpis["ハローワークにおける紹介就職件数"]
    client.force_login(bureau_staff)
    client.post(url(bureau), {field(kpi): "1000", version(kpi): ""})
    client.post(url(bureau), {field(kpi): "1050", version(kpi): "1"})
    history_url = reverse("kpi:figure_history", args=[2025, bureau.pk, kpi.pk, 2025, 4])
    html = client.get(history_url).content.decode()
    assert "実績値：1,000件 → 1,050件" in html
    assert "作成" in html and "変更" in html and str(bureau_staff) in html
    client.post(history_url, {"comment": "4月は窓口を一部休止", "version": "2"})
    assert stored(kpi, bureau).comment == "4月は窓口を一部休止"
    assert "コメント有" in client.get(url(bureau)).content.decode()
    # a stale comment form is refused
    client.post(history_url, {"comment": "上書き", "version": "2"})
    assert stored(kpi, bureau).comment == "4月は窓口を一部休止"


# Session, user, the user's body, platform (+ names, stages), roles, navigation plan, plan, body,
# KPIs, figures, the body list, submissions, entered months and the request's savepoint pair;
# for the plausibility benchmarks: the platform's rules, last year's plan, and which KPIs the body reports alone;
# the platform's due day (提出期限).
GRID_QUERIES = 21  # with the menu's check that the body reports a KPI (実績入力)


def test_grid_query_count_is_pinned_and_constant_with_tenfold_data(client, bureau_staff, bureau, plan2025, kpis, django_assert_num_queries):
    client.force_login(bureau_staff)
    with django_assert_num_queries(GRID_QUERIES):
        client.get(url(bureau))
    measure = kpis["ハローワークにおける紹介就職件数"].measure
    for i in range(20):
        kpi = Kpi.objects.create(measure=measure, name=f"追加指標{i}", target_value=10, unit="件")
        kpi.reporting_bodies.add(bureau)
        KpiFigure.objects.bulk_create(KpiFigure(kpi=kpi, member_body=bureau, month=date(2025 + (m < 4), m, 1), value=m) for m in range(1, 13))
    with django_assert_num_queries(GRID_QUERIES):
        response = client.get(url(bureau))
    assert "追加指標19" in response.content.decode()


def test_the_grid_shows_each_months_due_date_and_marks_late_months(client, bureau_staff, bureau, plan2025, gunma):
    from kpi.models import FigureSubmission, ReportingSchedule

    ReportingSchedule.objects.update_or_create(platform=gunma, defaults={"due_day": 15})
    FigureSubmission.objects.create(plan=plan2025, member_body=bureau, month=date(2025, 4, 1), status="submitted")
    client.force_login(bureau_staff)
    html = client.get(url(bureau)).content.decode()
    months = html[html.index('id="months-heading"'):]
    # FY2025 has ended: April is submitted (nothing owed), May was owed by 令和7年6月15日 and is late.
    april, may = months[months.index(">4月<"):months.index(">5月<")], months[months.index(">5月<"):months.index(">6月<")]
    assert "期限超過" not in april
    assert "期限超過（令和7年6月15日）" in may
