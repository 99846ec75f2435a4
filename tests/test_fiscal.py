"""Japanese fiscal year (年度): April to March, named after the year it starts in."""
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.fiscal import (
    fiscal_month_index,
    fiscal_months,
    fiscal_year_end,
    fiscal_year_of,
    fiscal_year_start,
    month_label,
    months_elapsed,
    months_ended,
)

# Fiscal years whose both ends fit in datetime.date (years 1 to 9999).
supported_dates = st.dates(min_value=date(1, 4, 1), max_value=date(9999, 3, 31))
supported_fiscal_years = st.integers(min_value=1, max_value=9998)


@pytest.mark.parametrize(
    ("day", "fiscal_year"),
    [
        (date(2025, 4, 1), 2025),
        (date(2025, 12, 31), 2025),
        (date(2026, 1, 1), 2025),
        (date(2026, 3, 31), 2025),
        (date(2026, 4, 1), 2026),
    ],
)
def test_a_date_belongs_to_the_fiscal_year_that_began_on_the_last_april_1(day, fiscal_year):
    assert fiscal_year_of(day) == fiscal_year


def test_fiscal_year_2025_runs_from_april_1_2025_to_march_31_2026():
    assert fiscal_year_start(2025) == date(2025, 4, 1)
    assert fiscal_year_end(2025) == date(2026, 3, 31)


def test_fiscal_months_are_the_first_days_of_april_to_the_following_march():
    months = fiscal_months(2025)

    assert months[0] == date(2025, 4, 1)
    assert months[8] == date(2025, 12, 1)
    assert months[9] == date(2026, 1, 1)
    assert months[-1] == date(2026, 3, 1)


@pytest.mark.parametrize(
    ("day", "index"),
    [
        (date(2025, 4, 1), 1),
        (date(2025, 9, 30), 6),
        (date(2025, 12, 15), 9),
        (date(2026, 1, 1), 10),
        (date(2026, 3, 31), 12),
    ],
)
def test_month_index_counts_from_april(day, index):
    assert fiscal_month_index(day) == index


def test_month_labels_read_in_fiscal_order():
    assert [month_label(m) for m in fiscal_months(2025)] == [
        "4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月", "1月", "2月", "3月",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("as_of", "elapsed"),
    [
        (date(2025, 3, 31), 0),  # the year has not started
        (date(2025, 4, 1), 1),  # April has begun
        (date(2025, 5, 10), 2),  # the month in progress counts
        (date(2025, 9, 30), 6),
        (date(2025, 10, 1), 7),
        (date(2026, 3, 31), 12),
        (date(2027, 1, 1), 12),  # the year is over
    ],
)
def test_months_elapsed_counts_the_months_of_the_year_begun_by_a_date(as_of, elapsed):
    assert months_elapsed(2025, as_of) == elapsed


@given(supported_dates)
def test_every_date_lies_within_its_fiscal_year(day):
    fiscal_year = fiscal_year_of(day)

    assert fiscal_year_start(fiscal_year) <= day <= fiscal_year_end(fiscal_year)


@given(supported_fiscal_years)
def test_a_fiscal_year_has_twelve_distinct_months_in_order(fiscal_year):
    months = fiscal_months(fiscal_year)

    assert len(set(months)) == 12
    assert months == sorted(months)
    assert all(m.day == 1 and fiscal_year_of(m) == fiscal_year for m in months)
    assert [fiscal_month_index(m) for m in months] == list(range(1, 13))


@given(supported_dates)
def test_month_index_is_the_position_of_the_month_in_its_fiscal_year(day):
    months = fiscal_months(fiscal_year_of(day))

    assert months[fiscal_month_index(day) - 1] == day.replace(day=1)


@given(supported_fiscal_years, supported_dates)
def test_months_elapsed_is_the_number_of_fiscal_months_begun(fiscal_year, as_of):
    assert months_elapsed(fiscal_year, as_of) == sum(1 for m in fiscal_months(fiscal_year) if m <= as_of)


class TestMonthsEnded:
    """Achievement is judged on months that are over: their figures are due."""

    @pytest.mark.parametrize(
        "as_of, expected",
        [
            (date(2025, 3, 31), 0),
            (date(2025, 4, 1), 0),
            (date(2025, 4, 30), 1),
            (date(2025, 5, 10), 1),
            (date(2025, 9, 30), 6),
            (date(2026, 2, 28), 11),
            (date(2026, 3, 30), 11),
            (date(2026, 3, 31), 12),
            (date(2027, 1, 1), 12),
        ],
    )
    def test_counts_only_finished_months(self, as_of, expected):
        assert months_ended(2025, as_of) == expected

    @given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)))
    def test_is_the_begun_months_less_the_one_in_progress(self, as_of):
        fy = fiscal_year_of(as_of)
        begun = months_elapsed(fy, as_of)
        assert months_ended(fy, as_of) in (begun - 1, begun)
