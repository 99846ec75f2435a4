"""One class per KPI kind (kpi/kinds.py): each kind from typed input to printed text, one text per value
on every screen, and a registry that no measure type can escape."""
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.fiscal import fiscal_month_index, fiscal_months
from kpi.achievement import FigureValue
from kpi.choices import Comparison, MeasureType, Outlook, TargetPeriod
from kpi.entry import cell_name
from kpi.kinds import (
    KINDS,
    CountKind,
    KpiKind,
    QualitativeKind,
    RateKind,
    SubcountKind,
    achievement_excel_value,
    format_achievement,
    format_count,
    format_rate,
    kind_class,
    kind_for,
    kind_of,
)
from kpi.models import Kpi, KpiFigure
from kpi.services import monthly_totals
from tests.factories import approve

D = Decimal
APRIL, MAY, JUNE = date(2025, 4, 1), date(2025, 5, 1), date(2025, 6, 1)


def kpi_named(plan, name) -> Kpi:
    return Kpi.objects.select_related("parent").get(measure__section__plan=plan, name=name)


def store(kpi, body, month, typed: dict) -> KpiFigure:
    """What the grid does with one cell: the kind reads the inputs, the model checks them, the row is saved."""
    values, errors = kpi.kind.parse_inputs(typed)
    assert errors == []
    figure = KpiFigure(kpi=kpi, member_body=body, month=month, **values)
    figure.full_clean()
    figure.save()
    return KpiFigure.objects.get(pk=figure.pk)


def figure_values(figures) -> list[FigureValue]:
    return [
        FigureValue(fiscal_month_index(f.month), value=f.value, numerator=f.numerator, denominator=f.denominator)
        for f in figures
    ]


# --- each kind, from typed input to printed text -------------------------------------------------


def test_count_with_a_monthly_target(plan2025, bureau, industry):
    kpi = kpi_named(plan2025, "ハローワークにおける紹介就職件数")  # 1,538件／月
    kpi.reporting_bodies.add(industry)
    kind = kind_of(kpi)
    assert (type(kind), kind.code, kind.label) == (CountKind, "count", "件数・月間目標")

    figures = [
        store(kpi, bureau, APRIL, {"value": "１，５００"}),  # full-width digits and a comma
        store(kpi, industry, APRIL, {"value": "38件"}),
        store(kpi, bureau, MAY, {"value": "1600"}),
    ]
    assert figures[0].value == 1500
    assert kind.month_value(figures[:2]) == 1538  # one month over all reporting bodies
    assert monthly_totals(kpi, figures)[:3] == [1538, 1600, None]
    assert kind.to_date_value(figures) == 3138
    assert kind.prorated_target(kpi, 2) == 3076 and kind.annual_target(kpi) == 18456
    assert kind.has_monthly_share(kpi) and kind.monthly_target(kpi) == 1538

    result = kind.kpi_achievement(kpi, figure_values(figures), months_elapsed=2)
    assert (result.actual, result.target_to_date, result.ratio) == (3138, 3076, D("1.0201"))
    assert result.outlook == Outlook.ON_TRACK
    # A third month with nothing entered: 3,138 of 4,614 is 68 %, below the 90 % line.
    assert kind.achievement(kpi.target_value, figure_values(figures), 3).outlook == Outlook.OFF_TRACK
    assert kind.format_value(result.actual) == "3,138件" and kind.format_column(result.actual) == "3,138"
    assert kind.format_target(kpi) == "1,538件／月"
    assert kind.format_achievement(result.ratio) == "102.0%"
    assert (kind.excel_value(result.actual), kind.excel_number_format) == (3138, "#,##0")
    assert kind.is_filled(figures[0]) and not kind.is_filled(None)


def test_count_with_a_yearly_target_of_a_few_events_has_no_monthly_share(plan2025, bureau, industry):
    kpi = kpi_named(plan2025, "面接会の開催")  # 1件／年, entered by two bodies
    kind = kind_of(kpi)
    assert (type(kind), kind.label) == (CountKind, "件数・年間目標")
    figures = [store(kpi, bureau, JUNE, {"value": "1"}), store(kpi, industry, JUNE, {"value": ""})]
    assert figures[1].value is None and not kind.is_filled(figures[1])
    assert kind.month_value(figures) == 1 and kind.month_value(figures[1:]) is None  # blank is not zero
    # A twelfth of one event is no month's target: the chart draws no target line for it.
    assert not kind.has_monthly_share(kpi) and kind.monthly_target(kpi) is None
    assert kind.prorated_target(kpi, 6) == 1 == kind.annual_target(kpi)
    # Nor is half an event by September a pace: the event is held (the year's target met) or still to come.
    result = kind.kpi_achievement(kpi, figure_values(figures), months_elapsed=6)
    assert (result.actual, result.target_to_date, result.ratio, result.outlook) == (1, 1, 1, Outlook.ON_TRACK)
    assert kind.format_value(result.target_to_date) == "1件"
    none_held = [FigureValue(3, value=D(0))]
    not_yet = kind.kpi_achievement(kpi, none_held, months_elapsed=6)
    assert (not_yet.actual, not_yet.ratio, not_yet.outlook) == (0, None, Outlook.PENDING)
    assert Outlook.PENDING.label == "年度末に判定"
    at_year_end = kind.kpi_achievement(kpi, none_held, months_elapsed=12)
    assert at_year_end.outlook == Outlook.OFF_TRACK
    assert kind.format_target(kpi) == "1件／年"

    yearly = kpi_named(plan2025, "相談件数")  # 1,500件／年: twelve months' worth, so a monthly pace exists
    assert kind_of(yearly).has_monthly_share(yearly) and kind_of(yearly).monthly_target(yearly) == 125


def test_subcount_is_a_count_within_its_parent(plan2025, bureau):
    parent = kpi_named(plan2025, "ハローワークにおける紹介就職件数")
    kpi = kpi_named(plan2025, "専門窓口における紹介就職件数")  # 273件／月（①の内数）
    kind = kind_of(kpi)
    assert (type(kind), kind.code, kind.label) == (SubcountKind, "subcount", "件数・月間目標（内数）")
    assert kind.relation_note(kpi) == "（「ハローワークにおける紹介就職件数」の内数）"
    assert kind_of(parent).relation_note(parent) == ""

    store(parent, bureau, APRIL, {"value": "300"})
    with pytest.raises(ValidationError, match="内数は親の値以下にしてください"):
        store(kpi, bureau, APRIL, {"value": "301"})
    figures = [store(kpi, bureau, APRIL, {"value": "280"}), store(kpi, bureau, MAY, {"value": "250"})]
    assert kind.month_value(figures[:1]) == 280 and kind.to_date_value(figures) == 530
    assert kind.prorated_target(kpi, 2) == 546
    result = kind.kpi_achievement(kpi, figure_values(figures), months_elapsed=2)
    assert (result.ratio, result.outlook) == (D("0.9706"), Outlook.AT_RISK)
    assert kind.format_achievement(result.ratio) == "97.0%" and kind.format_value(result.actual) == "530件"
    with pytest.raises(ValidationError, match="件数は整数で入力してください"):
        store(kpi, bureau, JUNE, {"value": "1.5"})


def test_rate_is_the_rate_of_the_sums_against_a_floor(plan2025, bureau, industry):
    kpi = kpi_named(plan2025, "公的職業訓練定員充足率（求職者支援訓練）")  # 74%以上
    kpi.reporting_bodies.add(industry)
    kind = kind_of(kpi)
    assert (type(kind), kind.code, kind.label, kind.value_unit) == (RateKind, "rate", "率（以上）", "%")
    assert kind.input_parts() == ("num", "den")

    figures = [
        store(kpi, bureau, APRIL, {"num": "229", "den": "４００"}),
        store(kpi, industry, APRIL, {"num": "", "den": ""}),
        store(kpi, bureau, MAY, {"num": "71", "den": "100"}),
    ]
    assert kind.month_value(figures[:1]) == D("57.3")  # 57.25, half up
    assert kind.month_value(figures[:2]) == D("57.3")  # an empty body is left out, not read as 0／0
    assert monthly_totals(kpi, figures)[:3] == [D("57.3"), D("71.0"), None]
    assert kind.to_date_value(figures) == D("60.0")  # 300／500, not the mean of 57.3 and 71.0
    assert kind.prorated_target(kpi, 2) == 74 == kind.monthly_target(kpi) and kind.has_monthly_share(kpi)

    result = kind.kpi_achievement(kpi, figure_values(figures), months_elapsed=2)
    assert (result.actual, result.ratio, result.outlook) == (D("60.0"), D("0.8108"), Outlook.OFF_TRACK)
    assert kind.format_value(result.actual) == "60.0%" == kind.format_column(result.actual)
    assert kind.format_value(result.actual, unit=False) == "60.0"
    assert kind.format_target(kpi) == "74.0%以上"
    assert kind.format_achievement(result.ratio) == "81.0%"
    assert (kind.excel_value(D("57.25")), kind.excel_number_format) == (D("0.5725"), "0.0%")
    assert kind.format_inputs(figures[0]) == "229／400"
    with pytest.raises(ValidationError, match="受講者数と定員は両方入力してください"):
        store(kpi, bureau, JUNE, {"num": "10", "den": ""})


def test_qualitative_has_text_and_no_total_target_or_achievement(plan2025, gunma):
    kpi = kpi_named(plan2025, "市町村PF設置主体による情報共有")
    body = gunma.member_bodies.get(name="群馬県（健康福祉部）")
    kind = kind_of(kpi)
    assert (type(kind), kind.code, kind.label, kind.is_numeric) == (QualitativeKind, "qualitative", "定性", False)
    assert kind.input_parts() == ("text",)

    figures = [store(kpi, body, APRIL, {"text": "  前橋市PFから好事例の報告  "})]
    assert figures[0].text_value == "前橋市PFから好事例の報告" and kind.is_filled(figures[0])
    assert kind.month_value(figures) is None and kind.to_date_value(figures) is None
    assert monthly_totals(kpi, figures) == [None] * 12
    assert kind.prorated_target(kpi, 6) is None and not kind.has_monthly_share(kpi)
    result = kind.kpi_achievement(kpi, figure_values(figures), months_elapsed=6)
    assert (result.actual, result.ratio, result.outlook) == (None, None, Outlook.NOT_APPLICABLE)
    assert kind.format_figure(figures[0]) == "前橋市PFから好事例の報告"
    assert kind.format_target(kpi) == ""  # the roadmap's "target" is the KPI's own name; never print it twice
    assert (kind.excel_value("記述"), kind.excel_number_format) == ("記述", "@")
    with pytest.raises(ValidationError, match="定性の指標のため、この欄には入力できません"):
        _store_number_into(kpi, body)

    yes_no = kind_for(MeasureType.QUALITATIVE, qualitative_format=Kpi.QualitativeFormat.YES_NO)
    assert yes_no.input_parts() == ("yn",)
    assert yes_no.parse_inputs({"yn": "yes"}) == ({"yes_no": True}, [])
    assert yes_no.parse_inputs({"yn": "maybe"})[1] == ["「はい」か「いいえ」を選んでください。"]
    assert yes_no.format_value(True) == "はい" and yes_no.format_value(False) == "いいえ"


def _store_number_into(kpi, body):
    """A number in a qualitative KPI's figure is refused, not silently ignored."""
    figure = KpiFigure(kpi=kpi, member_body=body, month=MAY, value=D(3))
    figure.full_clean()


def test_a_number_typed_wrong_is_reported_by_the_kind(plan2025):
    kind = kind_of(kpi_named(plan2025, "ハローワークにおける紹介就職件数"))
    values, errors = kind.parse_inputs({"value": "たくさん"})
    assert values == {} and len(errors) == 1 and "数値として読み取れません" in errors[0]


# --- one text per value, on every screen ---------------------------------------------------------


def grid_html(client, user, body):
    client.force_login(user)
    return client.get(reverse("kpi:entry_body", args=[2025, body.pk])).content.decode()


def home_html(client, user):
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def grid_row(html, kpi):
    start = html.index(f"{kpi.name}")
    return html[start: html.index("</tr>", start)]


def home_row(html, kpi):
    start = html.index(f"{kpi.name}</th>") if f"{kpi.name}</th>" in html else html.index(kpi.name, html.index('class="achievement"'))
    return html[start: html.index("</tr>", start)]


def test_229_of_400_reads_57_3_percent_in_the_grid_the_dashboard_and_the_kind(client, bureau_staff, observer_user, plan2025, bureau):
    kpi = kpi_named(plan2025, "公的職業訓練定員充足率（求職者支援訓練）")
    client.force_login(bureau_staff)
    posted = {f"{cell_name(kpi.pk, APRIL)}_num": "229", f"{cell_name(kpi.pk, APRIL)}_den": "400", f"{cell_name(kpi.pk, APRIL)}_v": ""}
    assert client.post(reverse("kpi:entry_body", args=[2025, bureau.pk]), posted).status_code == 302
    figure = KpiFigure.objects.get(kpi=kpi, member_body=bureau, month=APRIL)

    expected = kind_of(kpi).format_value(kind_of(kpi).month_value([figure]))
    assert expected == "57.3%"

    grid = grid_row(grid_html(client, bureau_staff, bureau), kpi)
    assert '<span class="rate">57.3%</span>' in grid  # the month's cell
    assert '<td class="num total">57.3%</td>' in grid  # 累計
    assert "57.2" not in grid

    approve(plan2025, bureau, APRIL)  # the dashboard counts confirmed figures only
    locked = grid_row(grid_html(client, bureau_staff, bureau), kpi)
    assert '<span class="rate">57.3%</span>' in locked

    row = home_row(home_html(client, observer_user), kpi)
    assert "57.3%" in row and "57.2" not in row


def achievement_cells(row):
    return re.findall(r'<td class="num">([^<]*)</td>', row)


def twelve_approved_months(plan, kpi, body, values):
    """A figure for every month of FY2025, all approved: achievement is then judged over the whole year."""
    months = fiscal_months(2025)
    for month, value in zip(months, values):
        KpiFigure.objects.create(kpi=kpi, member_body=body, month=month, value=value)
    approve(plan, body, *months)
    return [FigureValue(i, value=D(v)) for i, v in enumerate(values, start=1)]


def test_99_62_percent_reads_99_6_with_the_mark_of_the_unrounded_value(client, observer_user, plan2025, bureau):
    kpi = kpi_named(plan2025, "ハローワークにおける紹介就職件数")
    kpi.target_value = D(5000)  # ／月: 60,000 over the year, so that 59,772 is exactly 99.62 %
    kpi.save()
    figures = twelve_approved_months(plan2025, kpi, bureau, [4981] * 12)
    result = kind_of(kpi).kpi_achievement(kpi, figures, months_elapsed=12)
    assert result.ratio == D("0.9962") and result.outlook == Outlook.AT_RISK
    assert format_achievement(result.ratio) == "99.6%"

    row = home_row(home_html(client, observer_user), kpi)
    assert "99.6%" in achievement_cells(row)
    assert '<span class="badge outlook-at_risk">注意</span>' in row
    assert "100%" not in row and "100.0%" not in row


def test_the_dashboard_never_rounds_an_achievement_up_to_100_percent(client, observer_user, plan2025, bureau):
    kpi = kpi_named(plan2025, "ハローワークにおける紹介就職件数")
    kpi.target_value = D(5000)
    kpi.save()
    twelve_approved_months(plan2025, kpi, bureau, [5000] * 11 + [4997])  # 59,997 of 60,000: 99.995 %, 注意
    row = home_row(home_html(client, observer_user), kpi)
    assert '<span class="badge outlook-at_risk">注意</span>' in row
    assert "99.9%" in achievement_cells(row)


# --- rounding rules, once for all outputs --------------------------------------------------------


@pytest.mark.parametrize(
    "ratio, comparison, text",
    [
        (D("0.9962"), Comparison.AT_LEAST, "99.6%"),
        (D("0.99996"), Comparison.AT_LEAST, "99.9%"),  # half up would claim 100.0 % with a 注意 mark
        (D("0.89999"), Comparison.AT_LEAST, "89.9%"),  # the 90 % line of 注意／遅れ
        (D("1"), Comparison.AT_LEAST, "100.0%"),
        (D("1.00001"), Comparison.AT_MOST, "100.1%"),  # for a ceiling, over is the side not met
        (D("0.5"), Comparison.AT_MOST, "50.0%"),
        (None, Comparison.AT_LEAST, ""),
    ],
)
def test_achievement_is_rounded_towards_not_met(ratio, comparison, text):
    assert format_achievement(ratio, comparison) == text


def test_achievement_ratio_is_stored_rounded_towards_not_met():
    kind = kind_for(MeasureType.COUNT, target_period=TargetPeriod.YEAR)
    result = kind.achievement(D(20000), [FigureValue(1, value=D(19999))], months_elapsed=12)  # 0.99995
    assert result.ratio == D("0.9999") and result.outlook == Outlook.AT_RISK
    assert format_achievement(result.ratio) == "99.9%"
    assert achievement_excel_value(result.ratio) == D("0.999")  # Excel's own "0.0%" would round 0.9999 up


def test_counts_never_print_decimals_and_rates_print_one_half_up():
    assert format_count(D("1538.00")) == "1,538"
    assert format_count(D("640.5")) == "641" and format_count(D("0.4")) == "0"
    assert format_rate(D("57.25")) == "57.3%" and format_rate(D("57.35")) == "57.4%"  # half up, never half even
    assert format_rate(D("74")) == "74.0%" and format_rate(D("100")) == "100.0%"


# --- the registry ------------------------------------------------------------------------------


@pytest.mark.parametrize("measure_type", MeasureType.values)
def test_every_measure_type_has_a_kind_with_every_method(measure_type):
    cls = kind_class(measure_type)
    assert issubclass(cls, KpiKind) and KINDS[cls.code] is cls
    # The methods a kind must write for itself: the base class only says "not implemented".
    for name in ("label", "input_parts", "is_filled", "format_value"):
        assert getattr(cls, name) is not getattr(KpiKind, name), f"{cls.__name__} does not define {name}"
    kind = kind_of(Kpi(measure_type=measure_type, qualitative_format=Kpi.QualitativeFormat.TEXT))
    assert isinstance(kind, cls) and kind.label


def test_every_registered_kind_is_reachable_and_an_unknown_type_is_refused():
    reachable = {kind_class(t) for t in MeasureType.values} | {SubcountKind}
    assert set(KINDS.values()) == reachable
    with pytest.raises(ValueError, match="unknown measure type"):
        kind_class("percent")
    assert kind_of(Kpi(measure_type=MeasureType.COUNT, parent_id=1)).code == "subcount"


def test_kpi_kind_label_is_the_kinds():
    assert Kpi(measure_type="count", target_period="year").kind_label == "件数・年間目標"
    assert Kpi(measure_type="rate", comparison="at_most").kind_label == "率（以下）"
    assert Kpi(measure_type="qualitative").kind_label == "定性"
