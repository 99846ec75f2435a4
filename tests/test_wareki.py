"""Japanese era (和暦) names of dates and fiscal years."""
from datetime import date, datetime

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from core.wareki import era_year, fiscal_era_year, format_era_year, wareki_date, wareki_fiscal_year

# Written out here rather than imported, so that a wrong table in the module fails these tests.
ERA_STARTS = {"昭和": date(1926, 12, 25), "平成": date(1989, 1, 8), "令和": date(2019, 5, 1)}
NEXT_ERA_START = {"昭和": date(1989, 1, 8), "平成": date(2019, 5, 1), "令和": date.max}


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(1926, 12, 25), ("昭和", 1)),
        (date(1989, 1, 7), ("昭和", 64)),
        (date(1989, 1, 8), ("平成", 1)),
        (date(2019, 4, 30), ("平成", 31)),
        (date(2019, 5, 1), ("令和", 1)),
        (date(2025, 4, 1), ("令和", 7)),
    ],
)
def test_era_year_of_a_date(day, expected):
    assert era_year(day) == expected


def test_dates_before_showa_are_not_supported():
    with pytest.raises(ValueError):
        era_year(date(1926, 12, 24))


def test_the_first_year_of_an_era_is_called_gannen():
    assert format_era_year("令和", 1) == "令和元年"
    assert format_era_year("令和", 7) == "令和7年"


def test_digits_are_half_width_unless_full_width_is_asked_for():
    assert format_era_year("平成", 31, full_width=True) == "平成３１年"
    assert wareki_date(date(2025, 4, 1), with_western=True, full_width=True) == "令和７年４月１日（２０２５年）"


def test_an_era_has_no_year_zero():
    with pytest.raises(ValueError):
        format_era_year("令和", 0)


def test_wareki_date():
    assert wareki_date(date(2025, 4, 1)) == "令和7年4月1日"
    assert wareki_date(date(2025, 4, 1), with_western=True) == "令和7年4月1日（2025年）"


@pytest.mark.parametrize(
    ("day", "text"),
    [(date(2019, 4, 30), "平成31年4月30日"), (date(2019, 5, 1), "令和元年5月1日"), (date(1989, 1, 7), "昭和64年1月7日")],
)
def test_wareki_date_across_an_era_change(day, text):
    assert wareki_date(day) == text


def test_a_datetime_is_named_by_its_calendar_date():
    assert wareki_date(datetime(2019, 5, 1, 9, 30)) == "令和元年5月1日"


@pytest.mark.parametrize(
    ("fiscal_year", "text"),
    [
        (1988, "昭和63年度"),  # 平成 began in January 1989, inside FY1988, yet the year keeps 昭和
        (1989, "平成元年度"),
        (2018, "平成30年度"),
        (2019, "令和元年度"),  # 令和 began in May 2019, and the government calls the whole year 令和元年度
        (2020, "令和2年度"),
        (2025, "令和7年度"),
    ],
)
def test_fiscal_year_names_follow_government_usage(fiscal_year, text):
    assert wareki_fiscal_year(fiscal_year) == text


def test_fiscal_year_with_the_western_year():
    assert wareki_fiscal_year(2025, with_western=True) == "令和7年度（2025年度）"
    assert wareki_fiscal_year(2019, with_western=True, full_width=True) == "令和元年度（２０１９年度）"


def test_a_fiscal_year_begun_before_showa_is_not_supported():
    with pytest.raises(ValueError):
        wareki_fiscal_year(1926)


@given(st.dates(min_value=date(1927, 1, 1)))
def test_era_year_counts_calendar_years_from_the_era_start(day):
    era, year = era_year(day)

    assert ERA_STARTS[era] <= day < NEXT_ERA_START[era]
    assert ERA_STARTS[era].year + year - 1 == day.year


@given(st.integers(min_value=1927, max_value=9998))
@example(1988)
@example(2018)
def test_consecutive_fiscal_years_count_up_by_one_or_start_a_new_era_at_gannen(fiscal_year):
    era, year = fiscal_era_year(fiscal_year)
    next_era, next_year = fiscal_era_year(fiscal_year + 1)

    if next_era == era:
        assert next_year == year + 1
    else:
        assert next_year == 1
        assert wareki_fiscal_year(fiscal_year + 1).endswith("元年度")
