"""Year-to-date achievement of a KPI against its target, computed from monthly figures.

Plain functions over plain values, so that the dashboard, exports and tests share one definition.
"""
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from kpi.choices import Comparison, Outlook, TargetPeriod

PERCENT_PLACES = Decimal("0.1")
RATIO_PLACES = Decimal("0.0001")
COUNT_PLACES = Decimal("0.1")
AT_RISK_RATIO = Decimal("0.9")


@dataclass(frozen=True)
class FigureValue:
    """One body's figure for one month; several bodies may report the same month."""

    month_index: int  # 1 = April … 12 = March
    value: Decimal | None = None  # counts
    numerator: Decimal | None = None  # rates
    denominator: Decimal | None = None

    def __post_init__(self):
        if not 1 <= self.month_index <= 12:
            raise ValueError(f"month_index must be 1..12, got {self.month_index}")


@dataclass(frozen=True)
class Achievement:
    actual: Decimal | None  # count: sum to date; rate: percent of the sums, to 0.1
    target_to_date: Decimal | None  # count: target pro-rated to the months elapsed; rate: the target itself
    ratio: Decimal | None  # actual / target_to_date (1 = 100 %), to 4 places, rounded towards not met
    projected_year_end: Decimal | None  # count: mean of the months with figures × 12; rate: the rate to date
    annual_target: Decimal | None  # monthly target × 12, yearly target, or the rate's target
    outlook: str  # an Outlook member, so `.label` gives the mark's text


def rate(numerators: Iterable[Decimal], denominators: Iterable[Decimal]) -> Decimal | None:
    """Percent of the sums, to 0.1 (half up); None when the denominators sum to 0.

    Each month weighs by its denominator: 10/10 and 30/60 give 40/70 = 57.1, not the mean 75.0.
    """
    denominator = sum(denominators, Decimal(0))
    if denominator == 0:
        return None
    return (sum(numerators, Decimal(0)) * 100 / denominator).quantize(PERCENT_PLACES, ROUND_HALF_UP)


def count_achievement(
    target: Decimal | None,
    target_period: str,
    comparison: str,
    counted: list[FigureValue],
    months_elapsed: int,
    at_risk_ratio: Decimal = AT_RISK_RATIO,
) -> Achievement:
    """A count's achievement over figures already limited to the months elapsed (kpi.kinds.CountKind)."""
    entered = [figure for figure in counted if figure.value is not None]
    actual = sum((figure.value for figure in entered), Decimal(0)) if entered else None
    projected = None
    if entered:
        # Months not yet entered are left out rather than read as zero, as entry lags behind.
        months_with_data = len({figure.month_index for figure in entered})
        projected = _round_to(actual * 12 / months_with_data, COUNT_PLACES)
    targets = count_targets(target, target_period, months_elapsed)
    if targets is None:
        return Achievement(actual, None, None, projected, None, Outlook.NOT_APPLICABLE)
    annual, to_date = targets
    if target_period == TargetPeriod.YEAR and comparison == Comparison.AT_LEAST and 0 < annual < 12 and months_elapsed < 12:
        return _few_events_achievement(actual, annual, comparison, projected, at_risk_ratio)
    if actual is None:
        return Achievement(None, _round_to(to_date, COUNT_PLACES), None, None, annual, Outlook.NO_DATA)
    return Achievement(
        actual,
        _round_to(to_date, COUNT_PLACES),
        _ratio(actual, to_date, comparison),
        projected,
        annual,
        _outlook(actual, to_date, comparison, at_risk_ratio),
    )


def _few_events_achievement(actual, annual, comparison, projected, at_risk_ratio) -> Achievement:
    """A yearly target of fewer events than months (面接会 1件／年): a twelfth of it by month is no pace
    to judge against, so before the year ends it is either met already or judged at the year's end."""
    if actual is not None and _outlook(actual, annual, comparison, at_risk_ratio) == Outlook.ON_TRACK:
        return Achievement(actual, annual, _ratio(actual, annual, comparison), projected, annual, Outlook.ON_TRACK)
    return Achievement(actual, None, None, projected, annual, Outlook.PENDING if actual is not None else Outlook.NO_DATA)


def count_targets(target: Decimal | None, target_period: str, months_elapsed: int) -> tuple[Decimal, Decimal] | None:
    """A count's (annual target, target pro-rated to the months elapsed), unrounded; None without a usable target."""
    if target is None or target_period not in (TargetPeriod.MONTH, TargetPeriod.YEAR):
        return None
    if target_period == TargetPeriod.MONTH:
        return target * 12, target * months_elapsed
    if 0 < target < 12:
        # A few events a year (面接会 1件／年) have no monthly pace: the year's target is the measure.
        return target, target
    return target, target * months_elapsed / 12


def rate_achievement(
    target: Decimal | None, comparison: str, counted: list[FigureValue], at_risk_ratio: Decimal = AT_RISK_RATIO
) -> Achievement:
    """A rate's achievement over figures already limited to the months elapsed (kpi.kinds.RateKind)."""
    # A month with only one side entered says nothing about the rate yet.
    complete = [f for f in counted if f.numerator is not None and f.denominator is not None]
    actual = rate([f.numerator for f in complete], [f.denominator for f in complete])
    if target is None:
        return Achievement(actual, None, None, actual, None, Outlook.NOT_APPLICABLE)
    if actual is None:
        return Achievement(None, target, None, None, target, Outlook.NO_DATA)
    # Judged on the rate as shown, so that "74.0 %" against a 74 % floor is never marked behind.
    outlook = _outlook(actual, target, comparison, at_risk_ratio)
    return Achievement(actual, target, _ratio(actual, target, comparison), actual, target, outlook)


def _outlook(actual: Decimal, target: Decimal, comparison: str, at_risk_ratio: Decimal) -> Outlook:
    # Multiplying instead of dividing keeps a zero target or a zero actual meaningful.
    if comparison == Comparison.AT_LEAST:
        met, near = actual >= target, actual >= target * at_risk_ratio
    else:
        met, near = actual <= target, actual * at_risk_ratio <= target
    if met:
        return Outlook.ON_TRACK
    return Outlook.AT_RISK if near else Outlook.OFF_TRACK


def _ratio(actual: Decimal, target: Decimal, comparison: str) -> Decimal | None:
    # Rounded towards "not met", so that 0.99996 of a floor is never stored (and printed) as 1.0000.
    rounding = ROUND_CEILING if comparison == Comparison.AT_MOST else ROUND_FLOOR
    return (actual / target).quantize(RATIO_PLACES, rounding) if target else None


def _round_to(value: Decimal, places: Decimal) -> Decimal:
    """Half up to `places`, but a whole number stays whole: 84.583… → 84.6, 9228.00 → 9228."""
    integral = value.to_integral_value()
    if value == integral:
        return integral
    return value.quantize(places, ROUND_HALF_UP) if value.as_tuple().exponent < places.as_tuple().exponent else value
