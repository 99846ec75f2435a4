"""One class per KPI kind: 件数, 率, 内数 and 定性, each with the same methods.

Every screen and file that reads, totals, judges or prints a KPI's value asks the KPI's kind
instead of testing `measure_type`, so that a value is written the same way everywhere (the entry
grid, the dashboard, the charts, the national view, Excel, CSV and the meeting packet) and a new
kind is one new class here. The shape is pretix's payment providers: a base class with the shared
methods, subclasses registered under an identifier, looked up from the stored value.

A kind object is bound to the KPI's settings that change how it behaves (target period,
comparison, unit, qualitative format), not to the KPI's identity, so one object serves every KPI
with the same settings; `kind_of(kpi)` returns it.

Rounding, once for all outputs:
- counts never print decimals (half up to a whole number);
- rates print one decimal and "%", half up from the Decimal (229／400 = 57.25 → "57.3%");
- achievement prints one decimal and "%", rounded towards "not yet met", so that a printed
  figure never claims a threshold the mark does not (0.99962 → "99.6%" with 注意).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import ClassVar

from django.core.exceptions import ValidationError

from core.numbers import format_number, parse_number
from kpi.achievement import AT_RISK_RATIO, Achievement, FigureValue, count_achievement, count_targets, rate, rate_achievement
from kpi.choices import Comparison, MeasureType, Outlook, TargetPeriod

ONE = Decimal(1)
TENTH = Decimal("0.1")
# Fewer events than months a year (面接会 1件／年): a twelfth of it is no month's share.
MONTHS = 12

YES_NO_TEXT = {True: "はい", False: "いいえ"}


# --- formatting shared by the kinds (and usable on its own) ------------------------------------

def format_count(value) -> str:
    """A count as people read it: thousands separators, never decimals. Decimal("1538.00") → "1,538"."""
    return f"{Decimal(value).quantize(ONE, ROUND_HALF_UP):,f}"


def format_rate(percent) -> str:
    """A rate in percent, one decimal, half up from the Decimal: Decimal("57.25") → "57.3%"."""
    return f"{Decimal(percent).quantize(TENTH, ROUND_HALF_UP):,f}%"


def format_achievement(ratio, comparison: str = Comparison.AT_LEAST) -> str:
    """達成率: ratio 0.9962 → "99.6%"; '' for None.

    One decimal, rounded towards "not met" (down for 以上, up for 以下), so the printed figure
    never crosses 100 % or another threshold the unrounded value has not crossed.
    """
    if ratio is None:
        return ""
    rounding = ROUND_CEILING if comparison == Comparison.AT_MOST else ROUND_FLOOR
    return f"{(Decimal(ratio) * 100).quantize(TENTH, rounding):,f}%"


def achievement_excel_value(ratio, comparison: str = Comparison.AT_LEAST) -> Decimal | None:
    """The ratio to write into a cell formatted "0.0%": already rounded as format_achievement does,
    because Excel itself would round half up (0.99962 → 100.0%)."""
    if ratio is None:
        return None
    rounding = ROUND_CEILING if comparison == Comparison.AT_MOST else ROUND_FLOOR
    return Decimal(ratio).quantize(Decimal("0.001"), rounding)


# --- the kinds --------------------------------------------------------------------------------

@dataclass(frozen=True)
class KpiKind:
    """The methods every kind has. Subclasses set `code`, `measure_type` and override what differs."""

    code: ClassVar[str]
    measure_type: ClassVar[str]
    # Only the kind chosen for a measure type when nothing else decides (the 内数 refines 件数).
    primary: ClassVar[bool] = True
    excel_number_format: ClassVar[str] = "@"
    figure_fields: ClassVar[tuple[str, ...]] = ()  # the KpiFigure fields this kind fills
    entry_cell_template: ClassVar[str] = ""  # the entry grid's inputs of one cell (templates/kpi/cells/)

    target_period: str = TargetPeriod.NONE
    comparison: str = Comparison.AT_LEAST
    unit: str = ""
    qualitative_format: str = ""

    @classmethod
    def from_kpi(cls, kpi) -> KpiKind:
        return _bound(cls, kpi.target_period, kpi.comparison, kpi.unit or "", kpi.qualitative_format or "")

    @classmethod
    def normalize_settings(cls, values: dict) -> dict:
        """A KPI's settings as read from a file, with what this kind implies filled in."""
        return values

    # what it is
    @property
    def label(self) -> str:
        raise NotImplementedError

    @property
    def is_numeric(self) -> bool:
        return True

    @property
    def adds_up(self) -> bool:
        """Whether months add up to a year-to-date value (counts), rather than being pooled into one rate."""
        return False

    @property
    def value_unit(self) -> str:
        """The unit a value is printed with ("件", "%"); '' for none."""
        return self.unit

    # entering a figure (the entry grid, imports)
    def input_parts(self) -> tuple[str, ...]:
        """The entry grid's inputs of one cell, as suffixes of the cell's name."""
        raise NotImplementedError

    def parse_inputs(self, typed: dict) -> tuple[dict, list[str]]:
        """The figure fields the typed inputs mean, and the messages of what cannot be read."""
        values, errors = {}, []
        for part, field_name in (("value", "value"), ("num", "numerator"), ("den", "denominator")):
            if part in typed:
                try:
                    values[field_name] = parse_number(str(typed[part]).strip())
                except ValidationError as exc:
                    errors.append(" ".join(exc.messages))
        return values, errors

    def stored_inputs(self, figure) -> dict:
        """What the inputs show for a stored figure, the inverse of parse_inputs."""
        if figure is None:
            return {}
        return {
            "value": format_number(figure.value) if figure.value is not None else "",
            "num": format_number(figure.numerator) if figure.numerator is not None else "",
            "den": format_number(figure.denominator) if figure.denominator is not None else "",
            "text": figure.text_value,
            "yn": {True: "yes", False: "no"}.get(figure.yes_no, ""),
        }

    def clean_figure(self, figure, kpi) -> dict[str, str]:
        """Errors by field when the figure fills what this kind does not use or leaves its own half-filled."""
        numbers = {"value": figure.value, "numerator": figure.numerator, "denominator": figure.denominator}
        errors = {
            name: f"「{kpi}」は{kpi.get_measure_type_display()}の指標のため、この欄には入力できません。"
            for name, number in numbers.items()
            if number is not None and name not in self.figure_fields
        }
        if "text_value" not in self.figure_fields and (figure.text_value or figure.yes_no is not None):
            errors["text_value"] = f"「{kpi}」は定性指標ではないため、記述は入力できません（コメント欄をお使いください）。"
        return errors

    def clean_kpi(self, kpi) -> dict[str, str]:
        """Errors by field in the KPI's own settings for this kind."""
        errors = {}
        if kpi.parent_id and kpi.measure_id:
            errors["parent"] = "内数は件数の指標どうしでのみ設定できます。"
        return errors

    def is_filled(self, figure) -> bool:
        """Whether a body's figure for a month counts as entered (a month is submitted only when all are)."""
        raise NotImplementedError

    # totals
    def month_value(self, figures: Iterable) -> Decimal | None:
        """One month's value over all reporting bodies; None when nothing is entered."""
        return None

    def to_date_value(self, figures: Iterable) -> Decimal | None:
        """The value over any months: the same rule as a month's (sum, or rate of the sums)."""
        return self.month_value(figures)

    def monthly_values(self, figures: Iterable, month_index) -> list[Decimal | None]:
        """Twelve months' values (April first); `month_index(figure)` gives 1…12."""
        months = [[] for _ in range(MONTHS)]
        for figure in figures:
            months[month_index(figure) - 1].append(figure)
        return [self.month_value(m) for m in months]

    # targets and achievement
    def prorated_target(self, kpi, months_elapsed: int) -> Decimal | None:
        """The target the value to date is judged against after `months_elapsed` months."""
        return None

    def annual_target(self, kpi) -> Decimal | None:
        return None

    def monthly_target(self, kpi) -> Decimal | None:
        """The target of a single month (a chart's target line); None where that means nothing."""
        return None

    def has_monthly_share(self, kpi) -> bool:
        return self.monthly_target(kpi) is not None

    def achievement(
        self, target: Decimal | None, figures: Iterable[FigureValue], months_elapsed: int, at_risk_ratio: Decimal = AT_RISK_RATIO
    ) -> Achievement:
        """Achievement to date with its outlook (kpi.achievement.achievement); figures after `months_elapsed` are ignored."""
        return Achievement(None, None, None, None, None, Outlook.NOT_APPLICABLE)

    def kpi_achievement(self, kpi, figures: Iterable[FigureValue], months_elapsed: int) -> Achievement:
        return self.achievement(kpi.target_value, figures, months_elapsed)

    # writing values
    def format_value(self, value, unit: bool = True) -> str:
        """A month's or to-date value as every screen and file prints it; '' for None."""
        raise NotImplementedError

    def format_column(self, value) -> str:
        """A value in a table column whose heading gives the unit (the grid's 累計, a month column):
        counts bare ("1,538"), rates still with "%" ("57.3%"), since a percentage is read with its sign."""
        return self.format_value(value, unit=False)

    def format_figure(self, figure) -> str:
        """One body's stored figure for one month, printed."""
        if figure is None:
            return ""
        return self.format_value(self.month_value([figure]))

    def format_inputs(self, figure) -> str:
        """One body's stored figure as it was entered ("229／400", "1,500"): what a conflict or the history shows."""
        return self.format_figure(figure)

    def describe_figure(self, figure, kpi) -> str:
        """One body's stored figure in full, for its history page."""
        return self.format_figure(figure)

    def format_target(self, kpi) -> str:
        """The target as people read it ("1,538件／月", "74.0%以上"); '' when there is none."""
        return ""

    def relation_note(self, kpi) -> str:
        """What the KPI is part of, after its target ("（「紹介就職件数」の内数）"); '' for most kinds."""
        return ""

    def format_achievement(self, ratio) -> str:
        return format_achievement(ratio, self.comparison)

    def excel_value(self, value):
        """What to write into a spreadsheet cell formatted with `excel_number_format`."""
        return value


@dataclass(frozen=True)
class CountKind(KpiKind):
    """件数: summed over bodies and months; a monthly or a yearly target (`target_period`)."""

    code: ClassVar[str] = "count"
    measure_type: ClassVar[str] = MeasureType.COUNT
    excel_number_format: ClassVar[str] = "#,##0"
    figure_fields: ClassVar[tuple[str, ...]] = ("value",)
    entry_cell_template: ClassVar[str] = "kpi/cells/count.html"

    @property
    def adds_up(self) -> bool:
        return True

    @classmethod
    def from_kpi(cls, kpi) -> KpiKind:
        if kpi.parent_id is not None and cls is CountKind:
            return SubcountKind.from_kpi(kpi)
        return super().from_kpi(kpi)

    @property
    def label(self) -> str:
        return "件数・" + ("月間目標" if self.target_period == TargetPeriod.MONTH else "年間目標")

    def input_parts(self):
        return ("value",)

    def clean_figure(self, figure, kpi):
        errors = super().clean_figure(figure, kpi)
        if figure.value is not None and figure.value != figure.value.to_integral_value():
            errors["value"] = "件数は整数で入力してください。"
        return errors

    def clean_kpi(self, kpi):
        return {}

    def is_filled(self, figure):
        return figure is not None and figure.value is not None

    def month_value(self, figures):
        values = [f.value for f in figures if f.value is not None]
        return sum(values, Decimal(0)) if values else None

    def prorated_target(self, kpi, months_elapsed):
        targets = count_targets(kpi.target_value, self.target_period, months_elapsed)
        return None if targets is None else targets[1]

    def annual_target(self, kpi):
        targets = count_targets(kpi.target_value, self.target_period, MONTHS)
        return None if targets is None else targets[0]

    def monthly_target(self, kpi):
        if count_targets(kpi.target_value, self.target_period, 1) is None:
            return None
        if self.target_period == TargetPeriod.MONTH:
            return kpi.target_value
        # A yearly target smaller than the months it spans is a few events, not a monthly pace.
        return kpi.target_value / MONTHS if kpi.target_value >= MONTHS else None

    def achievement(self, target, figures, months_elapsed, at_risk_ratio=AT_RISK_RATIO):
        counted = [f for f in figures if f.month_index <= months_elapsed]
        return count_achievement(target, self.target_period, self.comparison, counted, months_elapsed, at_risk_ratio)

    def format_value(self, value, unit=True):
        if value is None:
            return ""
        return format_count(value) + (self.unit if unit else "")

    def format_inputs(self, figure):
        return "" if figure is None or figure.value is None else format_number(figure.value)

    def format_target(self, kpi):
        if kpi.target_value is None:
            return ""
        period = {TargetPeriod.MONTH: "／月", TargetPeriod.YEAR: "／年"}.get(self.target_period, "")
        direction = "以下" if self.comparison == Comparison.AT_MOST else ""
        return f"{format_count(kpi.target_value)}{self.unit}{period}{direction}"

    def excel_value(self, value):
        return None if value is None else int(Decimal(value).quantize(ONE, ROUND_HALF_UP))


@dataclass(frozen=True)
class SubcountKind(CountKind):
    """内数: a count that is part of its parent count (専門窓口 ⊂ 紹介就職件数); month totals never exceed the parent's."""

    code: ClassVar[str] = "subcount"
    primary: ClassVar[bool] = False

    @property
    def label(self) -> str:
        return super().label + "（内数）"

    def relation_note(self, kpi):
        return f"（「{kpi.parent.name}」の内数）"

    def clean_kpi(self, kpi):
        if not kpi.measure_id:
            return {}
        parent = kpi.parent
        if parent.measure_type != MeasureType.COUNT:
            return {"parent": "内数は件数の指標どうしでのみ設定できます。"}
        if kpi.measure_id and parent.measure.section.plan_id != kpi.measure.section.plan_id:
            return {"parent": "親指標は同じ年度の事業実施計画の指標を選んでください。"}
        return {}


@dataclass(frozen=True)
class RateKind(KpiKind):
    """率: numerator／denominator per body and month; totals are the rate of the sums, against a floor or a ceiling."""

    code: ClassVar[str] = "rate"
    measure_type: ClassVar[str] = MeasureType.RATE
    excel_number_format: ClassVar[str] = "0.0%"
    figure_fields: ClassVar[tuple[str, ...]] = ("numerator", "denominator")
    entry_cell_template: ClassVar[str] = "kpi/cells/rate.html"

    @property
    def label(self) -> str:
        return f"率（{Comparison(self.comparison).label}）"

    @property
    def value_unit(self) -> str:
        return "%"

    def input_parts(self):
        return ("num", "den")

    def clean_figure(self, figure, kpi):
        errors = super().clean_figure(figure, kpi)
        if (figure.numerator is None) != (figure.denominator is None):
            missing = "denominator" if figure.denominator is None else "numerator"
            errors[missing] = f"{kpi.numerator_label or '分子'}と{kpi.denominator_label or '分母'}は両方入力してください。"
        return errors

    def clean_kpi(self, kpi):
        errors = super().clean_kpi(kpi)
        if not (kpi.numerator_label and kpi.denominator_label):
            errors["numerator_label"] = "率の指標には分子と分母の名称を入力してください。"
        return errors

    def is_filled(self, figure):
        return figure is not None and figure.numerator is not None and figure.denominator is not None

    def month_value(self, figures):
        # A body with only one side entered says nothing about the rate yet.
        complete = [f for f in figures if f.numerator is not None and f.denominator is not None]
        return rate([f.numerator for f in complete], [f.denominator for f in complete])

    def prorated_target(self, kpi, months_elapsed):
        return kpi.target_value  # a rate's target holds for any stretch of months

    def annual_target(self, kpi):
        return kpi.target_value

    def monthly_target(self, kpi):
        return kpi.target_value

    def achievement(self, target, figures, months_elapsed, at_risk_ratio=AT_RISK_RATIO):
        counted = [f for f in figures if f.month_index <= months_elapsed]
        return rate_achievement(target, self.comparison, counted, at_risk_ratio)

    def format_value(self, value, unit=True):
        if value is None:
            return ""
        text = format_rate(value)
        return text if unit else text[:-1]

    def describe_figure(self, figure, kpi):
        inputs = self.format_inputs(figure)
        return f"{inputs}（{kpi.numerator_label}／{kpi.denominator_label}）" if inputs else ""

    def format_inputs(self, figure):
        if figure is None or figure.numerator is None and figure.denominator is None:
            return ""
        numerator, denominator = (format_number(v) if v is not None else "" for v in (figure.numerator, figure.denominator))
        return f"{numerator}／{denominator}"

    def format_column(self, value):
        return self.format_value(value)

    def format_target(self, kpi):
        if kpi.target_value is None:
            return ""
        return format_rate(kpi.target_value) + Comparison(self.comparison).label

    def excel_value(self, value):
        return None if value is None else Decimal(value) / 100


@dataclass(frozen=True)
class QualitativeKind(KpiKind):
    """定性: a text or a yes／no per body and month; no total, no target, no achievement (対象外)."""

    code: ClassVar[str] = "qualitative"
    measure_type: ClassVar[str] = MeasureType.QUALITATIVE
    excel_number_format: ClassVar[str] = "@"
    figure_fields: ClassVar[tuple[str, ...]] = ("text_value", "yes_no")
    entry_cell_template: ClassVar[str] = "kpi/cells/qualitative.html"

    @property
    def label(self) -> str:
        return "定性"

    @property
    def is_numeric(self) -> bool:
        return False

    @property
    def is_yes_no(self) -> bool:
        return self.qualitative_format == "yes_no"

    @classmethod
    def normalize_settings(cls, values):
        if not values.get("target_value"):
            return {**values, "target_period": TargetPeriod.NONE}  # nothing to reach, so no period either
        return values

    def input_parts(self):
        return ("yn",) if self.is_yes_no else ("text",)

    def parse_inputs(self, typed):
        values, errors = {}, []
        if "text" in typed:
            values["text_value"] = typed["text"].strip()
        if "yn" in typed:
            answers = {"yes": True, "no": False, "": None}
            if typed["yn"] not in answers:
                errors.append("「はい」か「いいえ」を選んでください。")
            else:
                values["yes_no"] = answers[typed["yn"]]
        return values, errors

    def clean_kpi(self, kpi):
        errors = super().clean_kpi(kpi)
        if not kpi.qualitative_format:
            errors["qualitative_format"] = "定性指標の入力形式を選んでください。"
        return errors

    def is_filled(self, figure):
        return figure is not None and (bool(figure.text_value) or figure.yes_no is not None)

    def format_value(self, value, unit=True):
        if value is None:
            return ""
        if isinstance(value, bool):
            return YES_NO_TEXT[value]
        return str(value)

    def format_figure(self, figure):
        if figure is None:
            return ""
        if self.is_yes_no or figure.yes_no is not None:
            return YES_NO_TEXT.get(figure.yes_no, "")
        return figure.text_value

    def excel_value(self, value):
        return self.format_value(value)


# --- the registry -----------------------------------------------------------------------------

KINDS: dict[str, type[KpiKind]] = {}  # code → class
_BY_MEASURE_TYPE: dict[str, type[KpiKind]] = {}


def register(cls: type[KpiKind]) -> type[KpiKind]:
    if cls.code in KINDS:
        raise ValueError(f"KPI kind {cls.code!r} is registered twice")
    KINDS[cls.code] = cls
    if cls.primary:
        _BY_MEASURE_TYPE[cls.measure_type] = cls
    return cls


for _cls in (CountKind, SubcountKind, RateKind, QualitativeKind):
    register(_cls)


def kind_class(measure_type: str) -> type[KpiKind]:
    try:
        return _BY_MEASURE_TYPE[measure_type]
    except KeyError:
        raise ValueError(f"unknown measure type: {measure_type!r}") from None


def kind_of(kpi) -> KpiKind:
    """The kind of a KPI (a Kpi or anything with its fields: measure_type, target_period, comparison, unit, …)."""
    return kind_class(kpi.measure_type).from_kpi(kpi)


def kind_for(
    measure_type: str,
    *,
    target_period: str = TargetPeriod.NONE,
    comparison: str = Comparison.AT_LEAST,
    unit: str = "",
    qualitative_format: str = "",
    subcount: bool = False,
) -> KpiKind:
    """A kind from plain settings, for code that holds no Kpi (imports, plain-value tests)."""
    cls = SubcountKind if subcount and measure_type == MeasureType.COUNT else kind_class(measure_type)
    return _bound(cls, target_period, comparison, unit, qualitative_format)


@lru_cache(maxsize=None)
def _bound(cls, target_period, comparison, unit, qualitative_format) -> KpiKind:
    return cls(
        target_period=str(target_period), comparison=str(comparison), unit=unit, qualitative_format=str(qualitative_format)
    )


def achievement(
    *,
    measure_type: str,
    target: Decimal | None,
    target_period: str,
    comparison: str,
    figures: Iterable[FigureValue],
    months_elapsed: int,
    at_risk_ratio: Decimal = AT_RISK_RATIO,
) -> Achievement:
    """Achievement over the first `months_elapsed` months of the fiscal year (see fiscal.months_elapsed).

    Figures of later months are ignored. The outlook is on_track when the target to date is met,
    at_risk when missed by less than `at_risk_ratio` allows, off_track otherwise; no_data when no
    figure counts; not_applicable for qualitative KPIs and for KPIs without a usable target (the
    actual is still given for a count or a rate, e.g. a sub-count with no target of its own).
    """
    if comparison not in Comparison.values:
        raise ValueError(f"unknown comparison: {comparison!r}")
    if not 0 <= months_elapsed <= 12:
        raise ValueError(f"months_elapsed must be 0..12, got {months_elapsed}")
    if not 0 < at_risk_ratio <= 1:
        raise ValueError(f"at_risk_ratio must be in (0, 1], got {at_risk_ratio}")
    kind = kind_for(measure_type, target_period=target_period, comparison=comparison)
    return kind.achievement(target, figures, months_elapsed, at_risk_ratio)
