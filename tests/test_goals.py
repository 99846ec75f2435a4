"""The plan's numeric goal (数値目標): 正規雇用者を１年間で３，３２５人増やす, tracked through its parts' KPIs.

Its parts are KPIs of the measures they belong to (群馬労働局 under 2(1)ア①, ジョブカフェぐんま's desk under
2(1)イ), so their figures go through the entry grid, submission and approval like any KPI; the goal's
actual counts approved months only unless 速報値 are asked for, and it is shown with its ※ note.
"""
import json
import shutil
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kpi.entry import cell_name
from kpi.models import FigureSubmission, Kpi, KpiFigure
from onboarding.loader import LoadError, load_directory
from plans.goals import headline_progress, plans_headline_progress
from plans.models import GoalComponent, Measure, NumericGoal, RoadmapSection
from plans.rollover import copy_plan
from tests.factories import approve, load_sample_platform

APRIL, MAY, JUNE, JULY = (date(2025, m, 1) for m in (4, 5, 6, 7))
AUGUST_10 = date(2025, 8, 10)  # April to July have ended


@pytest.fixture
def parts(plan2025):
    """The two parts' KPIs: the bureau's 正社員就職 and the ジョブカフェぐんま desk's."""
    goal = plan2025.numeric_goals.get()
    return [c.kpi for c in goal.components.order_by("order")]


def goal_of(html):
    """The home page's numeric-goal block."""
    return html[html.index("数値目標："):html.index("支援対象者の類型と目標")]


def put(kpi, body, month, value):
    KpiFigure.objects.create(kpi=kpi, member_body=body, month=month, value=Decimal(value))


# What the goal adds up


def test_the_goal_adds_up_its_parts_approved_months(plan2025, parts, bureau, industry):
    put(parts[0], bureau, APRIL, 250)
    put(parts[0], bureau, MAY, 240)
    put(parts[1], industry, APRIL, 30)
    approve(plan2025, bureau, APRIL, MAY)
    approve(plan2025, industry, APRIL)
    [goal] = headline_progress(plan2025, AUGUST_10)
    assert (goal.label, goal.target, goal.unit) == ("正規雇用者の増加数", Decimal("3325"), "人")
    assert [c.actual for c in goal.components] == [Decimal(490), Decimal(30)]
    assert [c.body for c in goal.components] == ["群馬労働局", "群馬県（産業経済部）"]
    assert [c.target for c in goal.components] == [None, None]  # the plan gives only the sum
    assert goal.actual == Decimal(520)
    # Judged over April and May, the last month its figures count for: 3,325 × 2 ÷ 12 = 554.2
    assert goal.months_elapsed == 2 and goal.through == MAY and goal.through_label == "令和7年5月分まで"
    assert goal.target_to_date == Decimal("554.2")
    assert goal.ratio_text == "93.8%" and goal.outlook_label == "注意"
    assert goal.actual_text == "520人" and goal.target_text == "3,325人" and goal.share_of_year_text == "15.6%"
    assert "ジョブカフェぐんま内の中高年齢者向け就職支援相談窓口" in goal.note


def test_submitted_months_count_only_when_provisional_figures_are_asked_for(plan2025, parts, bureau):
    put(parts[0], bureau, APRIL, 250)
    put(parts[0], bureau, MAY, 240)
    approve(plan2025, bureau, APRIL)
    approve(plan2025, bureau, MAY, status=FigureSubmission.Status.SUBMITTED)
    confirmed = headline_progress(plan2025, AUGUST_10)[0]
    provisional = headline_progress(plan2025, AUGUST_10, provisional=True)[0]
    assert (confirmed.actual, confirmed.provisional, confirmed.has_provisional) == (Decimal(250), False, False)
    assert (provisional.actual, provisional.provisional, provisional.has_provisional) == (Decimal(490), True, True)
    assert [c.has_provisional for c in provisional.components] == [True, False]


def test_the_home_page_marks_a_provisional_actual(client, lead_user, plan2025, parts, bureau):
    put(parts[0], bureau, APRIL, 250)
    approve(plan2025, bureau, APRIL, status=FigureSubmission.Status.SUBMITTED)
    client.force_login(lead_user)
    confirmed = client.get(reverse("home"), {"fiscal_year": 2025}).content.decode()
    provisional = client.get(reverse("home"), {"fiscal_year": 2025, "provisional": "1"}).content.decode()
    assert "250人" not in goal_of(confirmed) and "速報" not in goal_of(confirmed)
    assert '250人 <span class="badge provisional">速報</span>' in goal_of(provisional)
    assert "提出済で未承認の月（速報値）を含みます" in goal_of(provisional)


@pytest.mark.parametrize("status", [FigureSubmission.Status.RETURNED, FigureSubmission.Status.DRAFT, None])
def test_returned_draft_and_unsubmitted_months_never_count(plan2025, parts, bureau, status):
    put(parts[0], bureau, APRIL, 250)
    if status:
        approve(plan2025, bureau, APRIL, status=status)
    for provisional in (False, True):
        goal = headline_progress(plan2025, AUGUST_10, provisional=provisional)[0]
        assert goal.actual is None and goal.actual_text == "－" and goal.outlook_label == "未入力"


def test_a_plan_without_numeric_goals_has_none(plan2025):
    plan2025.numeric_goals.all().delete()
    assert headline_progress(plan2025, AUGUST_10) == []


def test_a_part_must_be_a_count_kpi_of_the_same_plan(plan2025, parts):
    goal = plan2025.numeric_goals.get()
    rate = Kpi.objects.get(measure__section__plan=plan2025, name="公的職業訓練定員充足率（求職者支援訓練）")
    with pytest.raises(ValidationError, match="件数のＫＰＩ"):
        GoalComponent(goal=goal, kpi=rate, label="率").full_clean()
    other = load_sample_platform().plans.get()
    other_kpi = Kpi.objects.get(measure__section__plan=other)
    with pytest.raises(ValidationError):
        GoalComponent(goal=goal, kpi=other_kpi, label="他県").full_clean()


def test_a_kpi_feeding_a_goal_cannot_be_deleted_alone(parts):
    from django.db.models import RestrictedError

    with pytest.raises(RestrictedError):
        parts[0].delete()


# Through the same grid and workflow


def test_the_parts_are_entered_in_their_bodies_grids_and_hold_up_submission(client, bureau_staff, plan2025, parts, bureau):
    client.force_login(bureau_staff)
    html = client.get(reverse("kpi:entry", args=[2025])).content.decode()
    assert "中高年層の正社員就職件数" in html
    assert "中高年齢者向け就職支援相談窓口の正社員就職件数" not in html  # entered by the prefecture
    cell = cell_name(parts[0].pk, APRIL)
    response = client.post(reverse("kpi:entry_body", args=[2025, bureau.pk]), {f"{cell}_value": "２５０", f"{cell}_v": ""})
    assert response.status_code == 302
    assert KpiFigure.objects.get(kpi=parts[0], member_body=bureau, month=APRIL).value == 250

    from kpi.workflow import missing_kpis

    assert "中高年層の正社員就職件数" not in missing_kpis(plan2025, bureau, APRIL)
    assert "中高年層の正社員就職件数" in missing_kpis(plan2025, bureau, MAY)


# Where it is shown


def test_home_shows_the_goal_with_its_actual_parts_and_note(client, lead_user, plan2025, parts, bureau):
    put(parts[0], bureau, APRIL, 250)
    approve(plan2025, bureau, APRIL)
    client.force_login(lead_user)
    html = client.get(reverse("home"), {"fiscal_year": 2025}).content.decode()
    assert "数値目標：正規雇用者の増加数（年間目標 <strong>3,325人</strong>）" in html
    assert "群馬労働局（中高年層の正社員就職）" in html and "ジョブカフェぐんま（中高年齢者向け就職支援相談窓口の正社員就職）" in html
    assert html.count('<td class="num">250人</td>') == 2  # the part and the sum, in the goal's unit
    assert "※ 群馬労働局における令和７年度の就職氷河期世代を含む中高年層の正社員就職目標件数＋ジョブカフェぐんま" in html
    # The parts are not listed a second time among the KPIs.
    kpi_table = html[html.index('<table class="achievement">'):]
    kpi_table = kpi_table[: kpi_table.index("</table>")]
    assert "正社員就職件数" not in kpi_table


def test_readers_without_figures_see_the_goal_and_note_but_no_actual(client, gunma, plan2025, parts, bureau):
    from members.models import User

    put(parts[0], bureau, APRIL, 250)
    approve(plan2025, bureau, APRIL)
    user = User.objects.create_user(username="muni", password="x", member_body=gunma.member_bodies.get(name="安中市"))
    user.access_roles.set(gunma.access_roles.filter(code="municipal_staff"))
    client.force_login(user)
    html = client.get(reverse("home"), {"fiscal_year": 2025}).content.decode()
    assert "数値目標：正規雇用者の増加数" in html and "※ 群馬労働局における" in html
    assert "250人" not in html and "入力機関" not in html


def test_the_roadmap_and_the_files_print_the_parts_only_with_the_goal(client, lead_user, plan2025, parts):
    from exports.data import gather

    client.force_login(lead_user)
    html = client.get(reverse("plans:roadmap", args=[2025])).content.decode()
    assert "中高年層の正社員就職件数" not in html and "ハローワークにおける紹介就職件数" in html
    data = gather(plan2025, AUGUST_10)
    assert {row.kpi.name for row in data.kpi_rows}.isdisjoint({k.name for k in parts})
    assert len(data.kpi_rows) == 14


def test_the_national_view_shows_each_platforms_goal_with_its_actual(client, plan2025, parts, bureau):
    from tests.test_national import national_user

    put(parts[0], bureau, APRIL, 250)
    approve(plan2025, bureau, APRIL)
    client.force_login(national_user())
    html = client.get(reverse("national")).content.decode()
    assert "正規雇用者の増加数（年間目標 3,325人）：実績 250人" in html
    assert "※ 群馬労働局における令和７年度" in html


def test_many_plans_goals_take_the_same_queries_as_one(plan2025, parts, bureau):
    put(parts[0], bureau, APRIL, 250)
    approve(plan2025, bureau, APRIL)
    with CaptureQueriesContext(connection) as one:
        plans_headline_progress([plan2025], AUGUST_10)
    plans = [plan2025]
    for n in range(5):
        other = load_sample_platform() if n == 0 else None
        plan = other.plans.get() if other else copy_plan(plan2025, 2026 + n)
        section = RoadmapSection.objects.create(plan=plan, number=f"目{n}", title="目標")
        measure = Measure.objects.create(section=section, description="取組")
        goal = NumericGoal.objects.create(plan=plan, label=f"追加の目標{n}", target=100, unit="人")
        for i in range(3):
            kpi = Kpi.objects.create(measure=measure, name=f"内訳{n}-{i}", target_period="year", unit="件")
            GoalComponent.objects.create(goal=goal, kpi=kpi, label=f"内訳{n}-{i}")
        plans.append(plan)
    with CaptureQueriesContext(connection) as many:
        result = plans_headline_progress(plans, AUGUST_10)
    assert len(many) == len(one) == 4  # goals, parts with their KPIs, their reporting bodies, counted figures
    assert sum(len(goals) for goals in result.values()) > 6


# Carried over and loaded


def test_rollover_copies_the_goal_onto_the_copied_kpis(plan2025, parts):
    plan2026 = copy_plan(plan2025, 2026)
    goal = plan2026.numeric_goals.get()
    assert (goal.label, goal.target, goal.unit, goal.note) == ("正規雇用者の増加数", Decimal("3325"), "人", plan2025.numeric_goals.get().note)
    copied = [c.kpi for c in goal.components.order_by("order")]
    assert [k.name for k in copied] == [k.name for k in parts]
    assert all(k.measure.section.plan_id == plan2026.pk for k in copied)
    assert plan2026.headline_goal_value == Decimal("3325")  # the old field names read the first goal


def test_a_file_with_the_older_single_headline_goal_still_loads(db):
    plan = load_sample_platform().plans.get()
    goal = plan.numeric_goals.get()
    assert (goal.label, goal.target, goal.unit) == ("正規雇用者の増加数", Decimal("1200"), "人")
    assert not goal.components.exists()
    assert headline_progress(plan, AUGUST_10)[0].actual is None


def test_a_part_under_an_unknown_measure_names_its_place(tmp_path, settings, db):
    target = tmp_path / "pref"
    shutil.copytree(settings.BASE_DIR / "fixtures" / "sample_tochigi", target)
    path = target / "plan_2025.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data.pop("headline_goal")
    data["numeric_goals"] = [{
        "label": "正規雇用者の増加数", "target": 1200, "unit": "人",
        "components": [{"label": "労働局", "measure": "9(9)", "kpi": {"name": "正社員就職件数", "reporting_bodies": ["栃木労働局"]}}],
    }]
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(LoadError, match=r"numeric_goals\[0\]\.components\[0\]\.measure: 取組の番号「9\(9\)」が見つかりません。"):
        load_directory(target)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_moves_the_old_headline_fields_into_a_goal():
    from django.db.migrations.executor import MigrationExecutor

    # The platform's own later columns (version) go back too, so the old state's models can save.
    before = [("plans", "0002_progressreport_version_historicalprogressreport_and_more"), ("platform_portal", "0002_prefectures")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    prefecture = old.get_model("platform_portal", "Prefecture").objects.get(code="47")  # one with no platform yet
    platform = old.get_model("platform_portal", "Platform").objects.create(prefecture=prefecture, code="migr")
    old.get_model("plans", "BusinessPlan").objects.create(
        platform=platform, fiscal_year=2025, title="計画", headline_goal_label="正規雇用者の増加数",
        headline_goal_value=Decimal(3325), headline_goal_unit="人／年", headline_goal_note="※の注記",
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    goal = NumericGoal.objects.get(plan__platform__code="migr")
    assert (goal.label, goal.target, goal.unit, goal.note) == ("正規雇用者の増加数", Decimal(3325), "人", "※の注記")
