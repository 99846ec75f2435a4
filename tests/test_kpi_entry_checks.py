"""The entry grid checks everything in one pass: all errors at once (with aria attributes and a linked
summary), plausibility warnings that need an explanation, clearing a value as a confirmed deletion,
and the history page as people read it."""
import re
from datetime import date
from decimal import Decimal

from django.urls import reverse

from kpi.entry import cell_name
from kpi.models import Kpi, KpiFigure, PlausibilityRule
from tests.test_kpi_entry import field, kpis, stored, url  # noqa: F401 (kpis is a fixture)

APRIL, MAY = date(2025, 4, 1), date(2025, 5, 1)
PLACEMENTS, REFERRALS = "ハローワークにおける紹介就職件数", "ハローワークにおける紹介件数"
SPECIALIST = "専門窓口における紹介就職件数"  # 内数 of PLACEMENTS
TRAINING = "公的職業訓練定員充足率（求職者支援訓練）"  # 受講者数／定員
TRIAL = "トライアル雇用助成金支給実績"


def posted(*cells, **extra):
    """Form data for (kpi, month, {part: text}) cells, each with the version the page would carry."""
    data = {}
    for kpi, month, parts in cells:
        data[f"{cell_name(kpi.pk, month)}_v"] = str(getattr(KpiFigure.objects.filter(kpi=kpi, month=month).first(), "version", ""))
        for part, text in parts.items():
            data[field(kpi, month, part)] = text
    return {**data, **extra}


def described(html, input_id):
    """The texts an input's aria-describedby points to, and whether it is marked invalid."""
    tag = re.search(rf'<(?:input|select|textarea)[^>]*\bid="{input_id}"[^>]*>', html).group(0)
    invalid = 'aria-invalid="true"' in tag
    ids = re.search(r'aria-describedby="([^"]*)"', tag)
    texts = [re.search(rf'id="{i}"[^>]*>(.*?)</span>', html, re.S).group(1) for i in (ids.group(1).split() if ids else [])]
    return invalid, texts


def test_every_error_is_reported_in_one_save_beside_its_cell_and_linked_from_the_summary(client, bureau_staff, bureau, kpis):
    training = kpis[TRAINING]
    training.numerator_within_denominator = True
    training.save()
    client.force_login(bureau_staff)
    response = client.post(url(bureau), posted(
        (kpis[REFERRALS], APRIL, {"value": "abc"}),
        (kpis[TRIAL], APRIL, {"value": "-3"}),
        (kpis["キャリアアップ助成金支給実績"], APRIL, {"value": "1.5"}),
        (kpis[PLACEMENTS], MAY, {"value": "100"}),
        (kpis[SPECIALIST], MAY, {"value": "120"}),
        (training, APRIL, {"num": "70", "den": "50"}),
    ))
    html = response.content.decode()
    assert response.status_code == 200
    summary = html[html.index('id="errors"'):html.index("</div>", html.index('id="errors"'))]
    expected = {
        field(kpis[REFERRALS]): "数値として読み取れません",
        field(kpis[TRIAL]): "負の値は入力できません",
        field(kpis["キャリアアップ助成金支給実績"]): "件数は整数で入力してください",
        field(kpis[SPECIALIST], MAY): "内数は親の値以下にしてください",
        field(training, part="num"): "受講者数（70）が定員（50）を超えています",
    }
    for input_id, message in expected.items():
        assert re.search(rf'<a href="#{input_id}">[^<]*{re.escape(message)}', summary), (input_id, message)
        invalid, texts = described(html, input_id)
        assert invalid and any(message in t for t in texts), (input_id, texts)
    assert "5件の誤りがあります" in summary
    assert not KpiFigure.objects.filter(member_body=bureau).exists()


def test_an_unexplained_warning_holds_the_save_and_the_explanation_is_saved_for_the_approver(client, bureau_staff, bureau, kpis):
    training = kpis[TRAINING]  # a 充足率 may exceed 100 %: a warning, not an error
    client.force_login(bureau_staff)
    data = posted((training, APRIL, {"num": "70", "den": "50"}), (kpis[REFERRALS], APRIL, {"value": "5229"}))
    html = client.post(url(bureau), data).content.decode()
    note = f"{cell_name(training.pk, APRIL)}_note"
    assert "率が100%を超えています（140.0%）" in html and f'<a href="#{note}">' in html
    assert f'<input id="{note}" name="{note}"' in html
    assert 'value="70"' in html and 'value="5229"' in html  # nothing typed is lost
    assert not KpiFigure.objects.filter(member_body=bureau).exists()

    response = client.post(url(bureau), {**data, note: "定員を超えて受け入れた"})
    assert response.status_code == 302
    figure = stored(training, bureau)
    assert (figure.numerator, figure.denominator) == (70, 50)
    assert figure.warnings == "率が100%を超えています（140.0%）。" and figure.warning_comment == "定員を超えて受け入れた"
    assert figure.warning_summary == "要確認：率が100%を超えています（140.0%）。／説明：定員を超えて受け入れた"
    assert stored(kpis[REFERRALS], bureau).warnings == ""
    # The history page shows the approver both.
    history = client.get(reverse("kpi:figure_history", args=[2025, bureau.pk, training.pk, 2025, 4])).content.decode()
    assert "率が100%を超えています" in history and "定員を超えて受け入れた" in history


def test_min_max_previous_month_last_year_and_target_share_warn_by_the_platforms_rule(client, bureau_staff, bureau, kpis, plan2025, gunma):
    from plans.rollover import copy_plan

    placements = kpis[PLACEMENTS]
    placements.max_value = Decimal(2500)
    placements.save()
    copy_plan(plan2025, 2024)
    old = Kpi.objects.get(measure__section__plan__fiscal_year=2024, name=PLACEMENTS)
    KpiFigure.objects.create(kpi=old, member_body=bureau, month=date(2024, 5, 1), value=1000)
    KpiFigure.objects.create(kpi=placements, member_body=bureau, month=APRIL, value=1500, version=1)
    client.force_login(bureau_staff)
    html = client.post(url(bureau), posted((placements, MAY, {"value": "3100"}))).content.decode()
    for message in ("上限（2,500件）を上回っています", "前月（1,500件）から107%増えています", "前年同月（1,000件）から210%増えています",
                    "月間目標相当（1,538件）の2倍を超えています"):  # 1,538件／月
        assert message in html, message
    assert not stored(placements, bureau, MAY)

    # Thresholds are data: a looser rule for counts leaves only the bound and the target.
    PlausibilityRule.objects.create(platform=gunma, measure_type="count", max_change_ratio=Decimal("3"), max_target_share_ratio=Decimal("5"))
    html = client.post(url(bureau), posted((placements, MAY, {"value": "3100"}))).content.decode()
    assert "上限（2,500件）を上回っています" in html and "前月" not in html.split('id="warnings"')[1].split("</div>")[0]
    # The grid shows what each month is compared with.
    page = client.get(url(bureau)).content.decode()
    assert "前年 1,000" in page and "前月 1,500" in page


def test_clearing_a_saved_value_asks_first_and_is_recorded_as_a_deletion(client, bureau_staff, bureau, kpis):
    kpi = kpis[REFERRALS]
    client.force_login(bureau_staff)
    client.post(url(bureau), posted((kpi, APRIL, {"value": "1,800"})))
    data = posted((kpi, APRIL, {"value": ""}))
    html = client.post(url(bureau), data).content.decode()
    assert "保存済みの値を削除しようとしています" in html and "1,800" in html
    assert stored(kpi, bureau).value == 1800

    response = client.post(url(bureau), {**data, "confirm_clear": "1"}, follow=True)
    assert "1件の値を削除しました" in response.content.decode()
    assert stored(kpi, bureau) is None
    history = client.get(reverse("kpi:figure_history", args=[2025, bureau.pk, kpi.pk, 2025, 4])).content.decode()
    assert "削除" in history and "1,800件 → （削除）" in history


def test_history_page_reads_as_people_write_it(client, bureau_staff, bureau, kpis):
    kpi = kpis[REFERRALS]
    client.force_login(bureau_staff)
    client.post(url(bureau), posted((kpi, date(2026, 2, 1), {"value": "1800"})))
    client.post(url(bureau), posted((kpi, date(2026, 2, 1), {"value": "1850"})))
    html = client.get(reverse("kpi:figure_history", args=[2025, bureau.pk, kpi.pk, 2026, 2])).content.decode()
    assert "令和8年2月分" in html and "令和8年2月1日分" not in html
    assert "1,800件 → 1,850件" in html and "1800.00" not in html
    assert re.search(r"令和\d+年\d+月\d+日 \d\d:\d\d", html)
    assert '<textarea id="id_comment" name="comment"' in html  # the comment form the README promises
    assert "2(1)ア①" in html


def test_rollover_keeps_a_kpis_bounds_and_rate_rule(plan2025, kpis):
    from plans.rollover import copy_plan

    training = kpis[TRAINING]
    training.min_value, training.max_value, training.numerator_within_denominator = Decimal(10), Decimal(100), True
    training.save()
    copy_plan(plan2025, 2026)
    copied = Kpi.objects.get(measure__section__plan__fiscal_year=2026, name=TRAINING)
    assert (copied.min_value, copied.max_value, copied.numerator_within_denominator) == (10, 100, True)


def test_grid_queries_stay_constant_with_last_years_plan_as_data_grows(client, bureau_staff, bureau, plan2025, kpis, django_assert_num_queries):
    from plans.rollover import copy_plan

    from tests.test_kpi_entry import GRID_QUERIES
    copy_plan(plan2025, 2024)
    client.force_login(bureau_staff)
    # Last year's plan adds two: its KPIs and their figures.
    with django_assert_num_queries(GRID_QUERIES + 2):
        client.get(url(bureau))
    old_measure = Kpi.objects.get(measure__section__plan__fiscal_year=2024, name=PLACEMENTS).measure
    measure = kpis[PLACEMENTS].measure
    for i in range(10):
        for m, year in ((measure, 2025), (old_measure, 2024)):
            kpi = Kpi.objects.create(measure=m, name=f"追加指標{i}", target_value=10, unit="件")
            kpi.reporting_bodies.add(bureau)
            KpiFigure.objects.bulk_create(
                KpiFigure(kpi=kpi, member_body=bureau, month=date(year + (n < 4), n, 1), value=n) for n in range(1, 13)
            )
    with django_assert_num_queries(GRID_QUERIES + 2):
        html = client.get(url(bureau)).content.decode()
    assert "追加指標9" in html and "前年 12" in html  # last year's March beside this year's, matched by name


def test_a_platforms_json_sets_a_kpis_bounds_and_rate_rule(tmp_path, settings, db):
    import json
    import shutil

    from onboarding.loader import load_directory

    target = tmp_path / "pref"
    shutil.copytree(settings.BASE_DIR / "fixtures/sample_tochigi", target)
    path = target / "plan_2025.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    item = data["sections"][0]["measures"][0]["kpis"][0]
    item.update(min_value=5, max_value="2500")
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    plan = load_directory(target).plans[0]
    kpi = Kpi.objects.get(measure__section__plan=plan, name=item["name"])
    assert (kpi.min_value, kpi.max_value, kpi.numerator_within_denominator) == (5, 2500, False)
