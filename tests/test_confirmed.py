"""確定値 and 速報値 (issue 12, items 1 and 2): what counts, what each output says it shows, and who
sees what is not yet confirmed.

One plan-year of figures with every state a month can be in:
- 群馬労働局's placements: April approved (1,111), May submitted (2,222), June returned (7,777);
- its 求職者支援訓練 充足率: February returned at 70／50 (140 %), as in the issue;
- 群馬県（産業経済部）'s 相談件数: May submitted (444), July only entered (555, no submission).
Every reporting body's April is approved, so the 確定 cut-off is 令和7年4月.
"""
import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from exports.data import gather
from exports.registry import REGISTRY, available
from kpi.confirmation import (
    CONFIRMED, PROVISIONAL, Basis, basis_for, confirmed_through, confirmed_through_matrix, cutoff_label, may_see_unconfirmed,
)
from kpi.models import Kpi, KpiFigure
from kpi.reporting import reporting_bodies, reporting_matrix
from kpi.services import plan_achievements
from members.models import User
from plans.models import ProgressReport
from tests.factories import approve

APRIL, MAY, JUNE, JULY = date(2025, 4, 1), date(2025, 5, 1), date(2025, 6, 1), date(2025, 7, 1)
FEBRUARY = date(2026, 2, 1)
AS_OF = date(2026, 11, 24)  # FY2025 has ended: every month is due
UNCONFIRMED_VALUES = ("2222", "2,222", "7777", "7,777", "444", "555", "3333", "3,333")


def kpi_named(plan, name):
    return Kpi.objects.get(measure__section__plan=plan, name=name)


@pytest.fixture
def year(plan2025, bureau, industry):
    placements = kpi_named(plan2025, "ハローワークにおける紹介就職件数")
    training = kpi_named(plan2025, "公的職業訓練定員充足率（求職者支援訓練）")
    consultations = kpi_named(plan2025, "相談件数")
    KpiFigure.objects.create(kpi=placements, member_body=bureau, month=APRIL, value=1111)
    KpiFigure.objects.create(kpi=placements, member_body=bureau, month=MAY, value=2222)
    KpiFigure.objects.create(kpi=placements, member_body=bureau, month=JUNE, value=7777)
    KpiFigure.objects.create(kpi=training, member_body=bureau, month=FEBRUARY, numerator=70, denominator=50)
    KpiFigure.objects.create(kpi=consultations, member_body=industry, month=MAY, value=444)
    KpiFigure.objects.create(kpi=consultations, member_body=industry, month=JULY, value=555)
    for body in reporting_bodies(plan2025):
        approve(plan2025, body, APRIL)
    approve(plan2025, bureau, MAY, status="submitted")
    approve(plan2025, bureau, JUNE, FEBRUARY, status="returned")
    approve(plan2025, industry, MAY, status="submitted")
    return {"placements": placements, "training": training, "consultations": consultations}


@pytest.fixture
def municipal_user(gunma):
    user = User.objects.create_user(username="muni", password="x", member_body=gunma.member_bodies.get(name="安中市"))
    user.access_roles.set(gunma.access_roles.filter(code="municipal_staff"))
    return user


def page(client, user, url, **params):
    client.force_login(user)
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def row_of(html, header):
    row = html[html.index(f"{header}</th>"):]
    return row[: row.index("</tr>")]


# What counts


def test_only_approved_figures_count_unless_provisional_ones_are_asked_for(plan2025, year):
    confirmed = plan_achievements(plan2025, AS_OF)
    assert confirmed[year["placements"].pk].actual == Decimal(1111)
    assert confirmed[year["training"].pk].actual is None  # the returned 140 % is nowhere
    assert confirmed[year["consultations"].pk].actual is None
    provisional = plan_achievements(plan2025, AS_OF, provisional=True)
    assert provisional[year["placements"].pk].actual == Decimal(3333)  # + May submitted, never June returned
    assert provisional[year["training"].pk].actual is None
    assert provisional[year["consultations"].pk].actual == Decimal(444)  # July was only entered


def test_achievement_is_judged_over_the_months_with_counted_values(plan2025, year, client, observer_user):
    # Approval lags: a month nobody's figures count for yet is not owed in the target either.
    assert plan_achievements(plan2025, AS_OF)[year["placements"].pk].target_to_date == Decimal(1538)  # April only
    assert plan_achievements(plan2025, AS_OF, provisional=True)[year["placements"].pk].target_to_date == Decimal(3076)
    html = page(client, observer_user, reverse("home"))
    assert "ＫＰＩの達成状況（令和7年度（2025年度）・令和7年4月分まで・1か月）" in html


def test_a_body_choosing_provisional_figures_adds_its_own_only(plan2025, year, bureau):
    own = plan_achievements(plan2025, AS_OF, provisional=Basis(own_body_id=bureau.pk))
    assert own[year["placements"].pk].actual == Decimal(3333)
    assert own[year["consultations"].pk].actual is None  # 県's submitted May is not the bureau's


def test_the_cut_off_is_the_last_month_every_body_has_approved_from_april(plan2025, year, bureau):
    assert confirmed_through(plan2025) == APRIL
    assert confirmed_through_matrix(reporting_matrix(plan2025, AS_OF)) == APRIL
    assert cutoff_label(APRIL) == "令和7年4月分まで確定"
    assert cutoff_label(date(2026, 1, 1)) == "令和8年1月分まで確定"
    assert cutoff_label(None) == "確定した月はありません"
    for body in reporting_bodies(plan2025):
        approve(plan2025, body, MAY)
    assert confirmed_through(plan2025) == MAY == confirmed_through_matrix(reporting_matrix(plan2025, AS_OF))
    approve(plan2025, bureau, APRIL, status="returned")  # reopened and returned: nothing is confirmed any more
    assert confirmed_through(plan2025) is None


def test_the_cut_off_takes_one_query(plan2025, year, django_assert_num_queries):
    with django_assert_num_queries(1):
        confirmed_through(plan2025)


# Every output says which it shows, and a returned month is in none of them


def test_home_shows_confirmed_values_with_the_cut_off_and_no_returned_month(client, observer_user, year):
    html = page(client, observer_user, reverse("home"))
    assert "確定値（令和7年4月分まで）" in html
    placements = row_of(html, "ハローワークにおける紹介就職件数")
    assert "1,111" in placements and "速報" not in placements
    assert not any(value in html for value in UNCONFIRMED_VALUES)
    assert "140" not in row_of(html, "公的職業訓練定員充足率（求職者支援訓練）")


def test_the_secretariat_may_include_provisional_values_which_are_marked(client, lead_user, year):
    html = page(client, lead_user, reverse("home"))
    assert "速報値（未承認）を含めて表示する" in html and "3,333" not in html
    html = page(client, lead_user, reverse("home"), provisional="1")
    assert "速報値を含む（令和7年4月分まで確定" in html
    placements = row_of(html, "ハローワークにおける紹介就職件数")
    assert "3,333" in placements and '<span class="badge provisional">速報</span>' in placements
    assert "※「速報」" in html
    assert "7,777" not in html and "7777" not in html  # returned: not even with 速報値
    assert "確定値のみ表示する" in html


def test_read_only_roles_asking_for_provisional_values_get_confirmed_ones(client, observer_user, chair_user, municipal_user, year):
    for user in (observer_user, chair_user):
        html = page(client, user, reverse("home"), provisional="1")
        assert "確定値（令和7年4月分まで）" in html and "速報値（未承認）を含めて" not in html
        assert not any(value in html for value in UNCONFIRMED_VALUES)
    assert basis_for(municipal_user, True) == CONFIRMED


def test_a_body_may_include_its_own_provisional_values_only(client, bureau_staff, year):
    html = page(client, bureau_staff, reverse("home"), provisional="1")
    assert "自機関は速報値を含む" in html
    assert "3,333" in row_of(html, "ハローワークにおける紹介就職件数")
    assert "444" not in row_of(html, "相談件数")


def test_the_home_page_cache_keeps_each_choice_apart(client, lead_user, observer_user, year, real_cache):
    assert "3,333" in page(client, lead_user, reverse("home"), provisional="1")
    assert "3,333" not in page(client, lead_user, reverse("home"))
    assert "3,333" in page(client, lead_user, reverse("home"), provisional="1")  # served from the cache
    # Fragments are shared by users with the same view: the observer's may not come from the lead's.
    assert "3,333" not in page(client, observer_user, reverse("home"), provisional="1")


def test_roadmap_says_which_values_it_shows(client, observer_user, lead_user, year):
    html = page(client, observer_user, reverse("plans:roadmap", args=[2025]))
    assert "確定値（令和7年4月分まで）" in html
    assert "実績 1,111件" in html and not any(value in html for value in UNCONFIRMED_VALUES)
    html = page(client, lead_user, reverse("plans:roadmap", args=[2025]), provisional="1")
    assert "実績 3,333件" in html and '<span class="badge provisional">速報</span>' in html
    assert "7777" not in html
    assert 'name="provisional" value="1"' in html  # the filter form keeps the choice


def test_charts_count_confirmed_values_and_name_provisional_months(client, observer_user, lead_user, year):
    html = page(client, observer_user, reverse("kpi:charts", args=[2025]))
    assert "確定値（令和7年4月分まで）" in html and "速報" not in html.split("<main", 1)[-1].replace("速報値（未承認）", "")
    html = page(client, lead_user, reverse("kpi:charts", args=[2025]), provisional="1")
    assert "5月は提出済・未承認の値（速報値）を含みます" in html


def test_national_view_counts_confirmed_values_with_each_cut_off(client, plan2025, year):
    from dashboard.national import national_overview
    from members.models import AccessRole

    gunma = next(line for line in national_overview(AS_OF) if line.plan and line.plan.pk == plan2025.pk)
    assert gunma.confirmed_through == APRIL and gunma.cutoff_label == "令和7年4月分まで確定"
    user = User.objects.create_user(username="national", password="x")
    user.access_roles.set(AccessRole.objects.filter(platform=None, code="national_viewer"))
    html = page(client, user, reverse("national"))
    assert "令和7年4月分まで確定" in html and "確定値（事務局が承認した月の実績）だけから" in html


def test_gather_holds_confirmed_values_and_marks_provisional_ones(plan2025, year):
    data = gather(plan2025, AS_OF)
    rows = {row.kpi.pk: row for row in data.kpi_rows}
    placements, training = rows[year["placements"].pk], rows[year["training"].pk]
    assert (data.provisional, data.confirmed_through, data.cutoff_label) == (False, APRIL, "令和7年4月分まで確定")
    assert placements.monthly[:3] == [Decimal(1111), None, None] and placements.achievement.actual == Decimal(1111)
    assert placements.monthly_provisional == [False] * 12
    assert training.monthly[10] is None  # February: returned
    data = gather(plan2025, AS_OF, provisional=True)
    placements = {row.kpi.pk: row for row in data.kpi_rows}[year["placements"].pk]
    assert data.provisional and placements.monthly[:3] == [Decimal(1111), Decimal(2222), None]
    assert placements.monthly_provisional[:3] == [False, True, False]
    assert placements.achievement.actual == Decimal(3333) and placements.provisional


def read_csv(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_figures_csv_has_a_status_column_and_only_counted_months(plan2025, lead_user, observer_user, year):
    exported = REGISTRY["figures_csv"].render(plan2025, user=lead_user)
    assert exported.filename == f"gunma_2025_figures_csv_confirmed-to-{confirmed_through(plan2025):%Y-%m}.csv"
    assert REGISTRY["figures_csv"].render(plan2025, user=lead_user, provisional=True).filename.endswith("_with-provisional.csv")
    assert REGISTRY["figures_csv"].render(plan2025, user=observer_user, provisional=True).filename.endswith(f"{confirmed_through(plan2025):%Y-%m}.csv")
    rows = read_csv(exported.content)
    assert rows[0][4] == "状況"
    assert {tuple(r[2:5]) for r in rows[1:] if r[1] == "ハローワークにおける紹介就職件数"} == {("群馬労働局", "2025-04", "確定")}
    assert not any(r[3] in ("2025-06", "2026-02", "2025-07") for r in rows[1:])  # returned and only-entered months
    rows = read_csv(REGISTRY["figures_csv"].render(plan2025, user=lead_user, provisional=True).content)
    statuses = {(r[1], r[3]): r[4] for r in rows[1:]}
    assert statuses[("ハローワークにおける紹介就職件数", "2025-05")] == "速報"
    assert statuses[("相談件数", "2025-05")] == "速報"
    assert ("ハローワークにおける紹介就職件数", "2025-06") not in statuses


def test_an_observers_downloads_hold_no_unconfirmed_value(client, observer_user, year):
    client.force_login(observer_user)
    for params in ({}, {"provisional": "1"}, {"provisional": "on"}):
        response = client.get(reverse("exports:download", args=[2025, "figures_csv"]), params)
        assert response.status_code == 200
        rows = read_csv(response.content)
        assert {r[4] for r in rows[1:]} == {"確定"}
        assert not any(value in cell for r in rows for cell in r for value in UNCONFIRMED_VALUES)
        response = client.get(reverse("exports:download", args=[2025, "progress_xlsx"]), params)
        assert response.status_code == 200
        cells = [
            str(value) for sheet in load_workbook(io.BytesIO(response.content)).worksheets
            for row in sheet.iter_rows(values_only=True) for value in row if value is not None
        ]
        assert not any(cell in ("2222", "2222.0", "3333", "3333.0", "7777", "7777.0", "444", "444.0") for cell in cells)
        assert not any("速報" in cell for cell in cells)


def test_the_secretariat_downloads_provisional_values_marked_when_it_asks(client, lead_user, year):
    client.force_login(lead_user)
    url = reverse("exports:download", args=[2025, "figures_csv"])
    rows = read_csv(client.get(url).content)
    assert {r[4] for r in rows[1:]} == {"確定"}
    rows = read_csv(client.get(url, {"provisional": "on"}).content)
    assert ("ハローワークにおける紹介就職件数", "2025-05", "速報") in {(r[1], r[3], r[4]) for r in rows[1:]}
    assert not any(r[3] == "2025-06" and r[1] == "ハローワークにおける紹介就職件数" for r in rows[1:])  # returned


def test_a_file_for_someone_who_may_not_see_provisional_values_has_none(plan2025, observer_user, year):
    rows = read_csv(REGISTRY["figures_csv"].render(plan2025, user=observer_user, provisional=True).content)
    assert {r[4] for r in rows[1:]} == {"確定"}


# Entry grids and histories


@pytest.mark.parametrize("who", ["observer_user", "chair_user", "municipal_user", "hw_user", "rengo_user"])
def test_readers_and_other_bodies_cannot_open_another_bodys_grid_or_history(client, request, bureau, year, who):
    client.force_login(request.getfixturevalue(who))
    grid = reverse("kpi:entry_body", args=[2025, bureau.pk])
    history = reverse("kpi:figure_history", args=[2025, bureau.pk, year["placements"].pk, 2025, 6])
    assert client.get(grid).status_code == 403
    assert client.get(history).status_code == 403


def test_another_platforms_user_gets_404_for_the_grid(client, other_platform_user, bureau, year):
    client.force_login(other_platform_user)
    assert client.get(reverse("kpi:entry_body", args=[2025, bureau.pk])).status_code == 404


def test_the_body_itself_and_the_secretariat_see_the_returned_month_in_the_grid(client, bureau_staff, lead_user, deputy_user, bureau, year):
    for user in (bureau_staff, lead_user, deputy_user):
        html = page(client, user, reverse("kpi:entry_body", args=[2025, bureau.pk]))
        assert "7777" in html or "7,777" in html
        assert may_see_unconfirmed(user, bureau)


def test_readers_home_page_links_to_no_entry_grid(client, observer_user, lead_user, bureau, year):
    grid = reverse("kpi:entry_body", args=[2025, bureau.pk])
    assert grid not in page(client, observer_user, reverse("home"))
    assert grid in page(client, lead_user, reverse("home"))


# Progress reports


@pytest.fixture
def reports(plan2025, hw_user, rengo_user):
    period = plan2025.reporting_periods.order_by("starts_on").first()
    placements = kpi_named(plan2025, "ハローワークにおける紹介就職件数")
    ProgressReport.objects.create(
        measure=placements.measure, period=period, member_body=hw_user.member_body, activities="窓口の活動",
        review_status=ProgressReport.Review.RETURNED, review_comment="数字を確認してください",
    )
    from plans.models import Measure

    everyone = Measure.objects.get(section__plan=plan2025, section__number="(1)", section__parent__number="1", number="①")
    ProgressReport.objects.create(
        measure=everyone, period=period, member_body=rengo_user.member_body, activities="連合の周知",
        review_status=ProgressReport.Review.SUBMITTED,
    )


def test_a_municipal_user_gets_no_members_progress_reports(client, municipal_user, reports):
    assert "progress_csv" not in [e.id for e in available(municipal_user)]
    client.force_login(municipal_user)
    assert client.get(reverse("exports:download", args=[2025, "progress_csv"])).status_code == 403


def test_the_progress_csv_holds_what_its_taker_sees(client, lead_user, rengo_user, observer_user, reports):
    text = REGISTRY["progress_csv"].render(rengo_user.member_body.platform.plans.get(fiscal_year=2025), user=rengo_user).content.decode("utf-8-sig")
    assert "連合の周知" in text and "窓口の活動" not in text and "数字を確認してください" not in text
    client.force_login(lead_user)
    text = client.get(reverse("exports:download", args=[2025, "progress_csv"])).content.decode("utf-8-sig")
    assert "連合の周知" in text and "窓口の活動" in text and "数字を確認してください" in text
    client.force_login(observer_user)
    assert client.get(reverse("exports:download", args=[2025, "progress_csv"])).status_code == 403


def test_the_default_roles_give_the_secretariat_the_unconfirmed_view_only():
    import json

    from django.conf import settings

    for path in ("fixtures/default_access_roles.json", "fixtures/gunma/platform.json"):
        roles = {r["code"]: r["permissions"] for r in json.loads((settings.BASE_DIR / path).read_text())["access_roles"]}
        holders = {code for code, permissions in roles.items() if "view_unconfirmed_figures" in permissions}
        assert holders == {"lead_secretariat", "deputy_secretariat"}, path


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_gives_existing_secretariat_roles_the_unconfirmed_figures():
    """A platform opened before 確定値／速報値 keeps its secretariat seeing what it saw; readers do not gain it."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("members", "0006_representatives")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    AccessRole = old.get_model("members", "AccessRole")
    lead = AccessRole.objects.create(code="old_lead", name="事務局", permissions=["view_plan", "approve_figures"])
    deputy = AccessRole.objects.create(code="old_deputy", name="副担当", permissions=["view_plan", "review_progress"])
    reader = AccessRole.objects.create(code="old_reader", name="オブザーバー", permissions=["view_plan", "view_figures"])
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    from members.models import AccessRole as Current

    granted = {role.code: "view_unconfirmed_figures" in role.permissions for role in Current.objects.filter(pk__in=[lead.pk, deputy.pk, reader.pk])}
    assert granted == {"old_lead": True, "old_deputy": True, "old_reader": False}
