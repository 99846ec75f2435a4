"""Year-to-date achievement of each kind of KPI."""
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpi.achievement import Achievement, FigureValue, rate
from kpi.kinds import achievement
from kpi.choices import Comparison, MeasureType, Outlook, TargetPeriod

D = Decimal


def counts(*monthly_values) -> list[FigureValue]:
    """One figure per month from April on."""
    return [FigureValue(month_index=i, value=D(v)) for i, v in enumerate(monthly_values, start=1)]


def count_achievement(target, period, figures, months_elapsed, comparison=Comparison.AT_LEAST) -> Achievement:
    return achievement(
        measure_type=MeasureType.COUNT,
        target=None if target is None else D(target),
        target_period=period,
        comparison=comparison,
        figures=figures,
        months_elapsed=months_elapsed,
    )


def rate_achievement(floor, figures, months_elapsed=12, comparison=Comparison.AT_LEAST) -> Achievement:
    return achievement(
        measure_type=MeasureType.RATE,
        target=None if floor is None else D(floor),
        target_period=TargetPeriod.NONE,
        comparison=comparison,
        figures=figures,
        months_elapsed=months_elapsed,
    )


def rates(*pairs) -> list[FigureValue]:
    return [FigureValue(month_index=i, numerator=D(n), denominator=D(d)) for i, (n, d) in enumerate(pairs, start=1)]


class TestCountWithMonthlyTarget:
    """例: 紹介就職件数 1,538件／月, six months into the year."""

    def test_on_track_when_the_sum_to_date_meets_the_monthly_target_times_the_months(self):
        result = count_achievement(1538, TargetPeriod.MONTH, counts(1500, 1600, 1550, 1480, 1620, 1510), 6)

        assert result == Achievement(
            actual=D(9260),
            target_to_date=D(9228),
            ratio=D("1.0034"),  # 9260 ÷ 9228 = 1.00346…, rounded towards not met
            projected_year_end=D(18520),
            annual_target=D(18456),
            outlook=Outlook.ON_TRACK,
        )

    def test_at_risk_within_ninety_percent_of_the_target_to_date(self):
        result = count_achievement(1538, TargetPeriod.MONTH, counts(1450, 1450, 1450, 1450, 1450, 1450), 6)

        assert (result.ratio, result.outlook) == (D("0.9427"), Outlook.AT_RISK)

    def test_off_track_below_ninety_percent(self):
        result = count_achievement(1538, TargetPeriod.MONTH, counts(1300, 1300, 1300, 1300, 1300, 1300), 6)

        assert (result.ratio, result.outlook) == (D("0.8452"), Outlook.OFF_TRACK)

    def test_figures_of_several_bodies_for_the_same_month_are_added_up(self):
        figures = [FigureValue(1, value=D(800)), FigureValue(1, value=D(738)), FigureValue(2, value=D(1538))]

        result = count_achievement(1538, TargetPeriod.MONTH, figures, 2)

        assert (result.actual, result.outlook) == (D(3076), Outlook.ON_TRACK)
        assert result.projected_year_end == D(18456)  # two months with figures, not three figures

    def test_figures_of_months_not_yet_elapsed_are_ignored(self):
        result = count_achievement(1538, TargetPeriod.MONTH, counts(1538, 1538, 1538, 9999), 3)

        assert result.actual == D(4614)


class TestCountWithYearlyTarget:
    """例: 203件／年."""

    def test_the_yearly_target_is_pro_rated_by_twelfths(self):
        result = count_achievement(203, TargetPeriod.YEAR, counts(20, 15, 18, 17, 16, 14), 6)

        assert result == Achievement(
            actual=D(100),
            target_to_date=D("101.5"),
            ratio=D("0.9852"),
            projected_year_end=D(200),
            annual_target=D(203),
            outlook=Outlook.AT_RISK,
        )

    def test_the_pro_rated_target_is_shown_to_one_decimal_place(self):
        result = count_achievement(203, TargetPeriod.YEAR, counts(17, 17, 17, 17, 17), 5)

        assert result.target_to_date == D("84.6")  # 203 × 5 / 12 = 84.58…
        assert result.ratio == D("1.0049")  # against the unrounded 84.58…

    def test_the_projection_averages_the_months_that_have_figures(self):
        # Six months have begun but only four were entered: the missing two are not read as zero.
        result = count_achievement(203, TargetPeriod.YEAR, counts(20, 15, 18, 17), 6)

        assert result.projected_year_end == D(210)  # 70 / 4 × 12


class TestCountWithUpperLimit:
    """A count that must stay at or below its target, e.g. 離職者数 100人／月 以下."""

    @pytest.mark.parametrize(
        ("total", "outlook"),
        [(0, Outlook.ON_TRACK), (300, Outlook.ON_TRACK), (333, Outlook.AT_RISK), (334, Outlook.OFF_TRACK)],
    )
    def test_on_track_at_or_below_and_at_risk_while_the_target_is_ninety_percent_of_the_actual(self, total, outlook):
        # The reverse of "at least": the thresholds apply to target ÷ actual (300 ÷ 333 = 0.9009).
        result = count_achievement(100, TargetPeriod.MONTH, counts(total), 3, comparison=Comparison.AT_MOST)

        assert result.outlook == outlook

    def test_a_zero_target_is_met_only_by_zero(self):
        assert count_achievement(0, TargetPeriod.YEAR, counts(0), 1, Comparison.AT_MOST).outlook == Outlook.ON_TRACK
        assert count_achievement(0, TargetPeriod.YEAR, counts(1), 1, Comparison.AT_MOST).outlook == Outlook.OFF_TRACK
        assert count_achievement(0, TargetPeriod.YEAR, counts(0), 1, Comparison.AT_MOST).ratio is None


class TestRate:
    """例: 公的職業訓練定員充足率 74%以上, entered as 受講者数／定員."""

    def test_the_rate_is_the_ratio_of_the_sums_not_the_mean_of_monthly_rates(self):
        result = rate_achievement(74, rates((10, 10), (30, 60)))  # 100 % and 50 %: their mean 75 % would pass

        assert result == Achievement(
            actual=D("57.1"),  # 40 / 70
            target_to_date=D(74),
            ratio=D("0.7716"),
            projected_year_end=D("57.1"),
            annual_target=D(74),
            outlook=Outlook.OFF_TRACK,
        )

    def test_on_track_at_or_above_the_floor(self):
        result = rate_achievement(74, rates((60, 80)))

        assert (result.actual, result.ratio, result.outlook) == (D("75.0"), D("1.0135"), Outlook.ON_TRACK)

    def test_the_rate_is_judged_as_shown_to_one_decimal_place(self):
        result = rate_achievement(74, rates((7396, 10000)))  # 73.96 % is shown as 74.0 %

        assert (result.actual, result.outlook) == (D("74.0"), Outlook.ON_TRACK)

    def test_a_month_with_only_one_side_entered_is_left_out(self):
        figures = [*rates((60, 80)), FigureValue(2, numerator=D(5)), FigureValue(3, denominator=D(100))]

        assert rate_achievement(74, figures).actual == D("75.0")

    def test_an_upper_limit_rate(self):
        assert rate_achievement(10, rates((1, 10)), comparison=Comparison.AT_MOST).outlook == Outlook.ON_TRACK
        assert rate_achievement(10, rates((11, 100)), comparison=Comparison.AT_MOST).outlook == Outlook.AT_RISK
        assert rate_achievement(10, rates((12, 100)), comparison=Comparison.AT_MOST).outlook == Outlook.OFF_TRACK

    def test_no_rate_without_a_denominator(self):
        result = rate_achievement(74, rates((0, 0)))

        assert (result.actual, result.ratio, result.outlook) == (None, None, Outlook.NO_DATA)


class TestSubcount:
    """内数: a count whose figures are part of a parent KPI's. It is computed like any count."""

    def test_a_subcount_without_a_target_of_its_own_still_shows_its_actual(self):
        result = count_achievement(None, TargetPeriod.NONE, counts(120, 80), 2)

        assert result == Achievement(
            actual=D(200),
            target_to_date=None,
            ratio=None,
            projected_year_end=D(1200),
            annual_target=None,
            outlook=Outlook.NOT_APPLICABLE,
        )

    def test_a_subcount_with_a_yearly_target_is_judged_against_it(self):
        assert count_achievement(120, TargetPeriod.YEAR, counts(10, 10), 2).outlook == Outlook.ON_TRACK


def test_a_qualitative_kpi_has_no_achievement():
    result = achievement(
        measure_type=MeasureType.QUALITATIVE,
        target=None,
        target_period=TargetPeriod.NONE,
        comparison=Comparison.AT_LEAST,
        figures=[FigureValue(1)],
        months_elapsed=6,
    )

    assert result == Achievement(None, None, None, None, None, Outlook.NOT_APPLICABLE)


def test_a_count_target_without_a_period_cannot_be_pro_rated():
    result = count_achievement(100, TargetPeriod.NONE, counts(10), 1)

    assert (result.actual, result.target_to_date, result.outlook) == (D(10), None, Outlook.NOT_APPLICABLE)


class TestNoData:
    def test_no_figures_shows_the_target_to_date_but_no_outlook(self):
        result = count_achievement(1538, TargetPeriod.MONTH, [], 6)

        assert result == Achievement(
            actual=None,
            target_to_date=D(9228),
            ratio=None,
            projected_year_end=None,
            annual_target=D(18456),
            outlook=Outlook.NO_DATA,
        )

    def test_figures_left_blank_are_no_data(self):
        assert count_achievement(203, TargetPeriod.YEAR, [FigureValue(1)], 1).outlook == Outlook.NO_DATA
        assert rate_achievement(74, [FigureValue(1)]).outlook == Outlook.NO_DATA

    def test_before_the_year_starts_nothing_counts(self):
        assert count_achievement(1538, TargetPeriod.MONTH, counts(1538), 0).outlook == Outlook.NO_DATA


@pytest.mark.parametrize(
    "change",
    [
        {"months_elapsed": 13},
        {"months_elapsed": -1},
        {"measure_type": "percent"},
        {"comparison": "equal"},
        {"at_risk_ratio": D("1.5")},
    ],
)
def test_invalid_arguments_are_programming_errors(change):
    arguments = {
        "measure_type": MeasureType.COUNT,
        "target": D(1),
        "target_period": TargetPeriod.MONTH,
        "comparison": Comparison.AT_LEAST,
        "figures": [],
        "months_elapsed": 1,
    }
    with pytest.raises(ValueError):
        achievement(**(arguments | change))


@pytest.mark.parametrize("month_index", [0, 13])
def test_a_figure_belongs_to_one_of_the_twelve_months(month_index):
    with pytest.raises(ValueError):
        FigureValue(month_index)


def test_rate_rounds_half_up_to_one_decimal_place():
    assert rate([D(1)], [D(16)]) == D("6.3")  # 6.25; banker's rounding would give 6.2


def test_rate_of_nothing_is_none():
    assert rate([], []) is None


months_of_a_rate = st.lists(
    st.tuples(st.integers(min_value=0, max_value=10**6), st.integers(min_value=1, max_value=10**6)),
    min_size=1,
    max_size=12,
)


@given(months_of_a_rate)
def test_rate_is_the_ratio_of_the_sums_and_lies_between_the_monthly_rates(months):
    result = rate([D(n) for n, _ in months], [D(d) for _, d in months])

    exact = Fraction(100 * sum(n for n, _ in months), sum(d for _, d in months))
    assert abs(Fraction(result) - exact) <= Fraction(1, 20)  # the exact ratio of sums, rounded to 0.1
    monthly = [rate([D(n)], [D(d)]) for n, d in months]
    assert min(monthly) <= result <= max(monthly)
