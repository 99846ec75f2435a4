"""Reading numbers the way people type them in Japanese forms."""
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from core.numbers import format_number, parse_number

UNREADABLE = "「{}」は数値として読み取れません。半角・全角の数字で入力してください。"
MISPLACED_COMMA = "「{}」の桁区切りのカンマの位置が正しくありません。3桁ごとに区切るか、カンマを付けずに入力してください。"
FULL_WIDTH = str.maketrans("0123456789,", "０１２３４５６７８９，")


def error_of(text, **options) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        parse_number(text, **options)
    return caught.value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1538", "1538"),
        ("１５３８", "1538"),
        ("1,538", "1538"),
        ("１，５３８", "1538"),
        ("12,345,678.5", "12345678.5"),
        ("１２．５", "12.5"),
        ("0.5", "0.5"),
        (".5", "0.5"),
        ("007", "7"),
        ("+5", "5"),
        ("  42 ", "42"),
        ("\u3000４２\u3000", "42"),
        ("74%", "74"),
        ("７４％", "74"),
        ("74.5 %", "74.5"),
        ("30件", "30"),
        ("１２人", "12"),
    ],
)
def test_reads_what_people_type(text, expected):
    assert parse_number(text) == Decimal(expected)


@pytest.mark.parametrize("text", [None, "", "   ", "\u3000"])
def test_nothing_typed_is_none(text):
    assert parse_number(text) is None


@pytest.mark.parametrize("text", ["-1200", "－１２００", "\u22121,200", "－１，２００"])
def test_minus_signs_ascii_full_width_and_mathematical(text):
    assert parse_number(text, allow_negative=True) == Decimal(-1200)


@pytest.mark.parametrize("text", ["-5", "－５", "\u22125"])
def test_negative_values_are_refused_unless_allowed(text):
    error = error_of(text)

    assert error.messages == ["負の値は入力できません。"]
    assert error.code == "negative"


def test_minus_zero_is_zero_not_a_negative_value():
    assert str(parse_number("-0")) == "0"


def test_decimals_are_refused_when_not_allowed():
    assert error_of("12.5", allow_decimal=False).messages == ["小数は入力できません。"]


def test_a_whole_number_written_with_a_decimal_point_is_a_whole_number():
    assert str(parse_number("12.0", allow_decimal=False)) == "12"


@pytest.mark.parametrize(
    "text",
    ["abc", "12a", "1、538", "1 538", "1e3", "NaN", "Infinity", "1.2.3", "5.", "--5", "5-", "%", "件", "10²", "①", "一万"],
)
def test_text_that_is_not_a_number_is_refused_with_the_text_quoted(text):
    error = error_of(text)

    assert error.messages == [UNREADABLE.format(text)]
    assert error.code == "invalid"


@pytest.mark.parametrize("text", ["1,2,3", "12,34", "1,5380", ",538", "1,538,", "0,538", "１，２，３"])
def test_commas_are_accepted_only_between_groups_of_three_digits(text):
    assert error_of(text).messages == [MISPLACED_COMMA.format(text)]


def test_a_pasted_paragraph_is_shortened_in_the_message():
    message = error_of("あ" * 100).messages[0]

    assert "あ" * 30 + "…" in message
    assert "あ" * 31 not in message


def test_numbers_that_are_already_numbers_pass_through_the_same_checks():
    assert parse_number(1538) == Decimal(1538)
    assert parse_number(Decimal("12.50")) == Decimal("12.5")
    assert parse_number(1538.0, allow_decimal=False) == Decimal(1538)  # a spreadsheet cell
    assert error_of(-3).code == "negative"
    assert error_of(Decimal("0.5"), allow_decimal=False).code == "decimal"
    assert error_of(Decimal("NaN")).code == "invalid"
    assert error_of(float("inf")).code == "invalid"


def test_booleans_are_a_programming_error():
    with pytest.raises(TypeError):
        parse_number(True)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("1538.00"), "1,538"),
        (Decimal("12345.50"), "12,345.5"),
        (Decimal("0.50"), "0.5"),
        (Decimal("-1200"), "-1,200"),
        (Decimal("-0.00"), "0"),
        (Decimal("1.5E+3"), "1,500"),
        (203, "203"),
    ],
)
def test_format_number_groups_thousands_and_drops_trailing_zeros(value, text):
    assert format_number(value) == text


@given(st.integers(min_value=0))
def test_any_whole_number_reads_back_in_every_common_form(n):
    for text in (str(n).translate(FULL_WIDTH), f"{n:,}", f"{n:,}".translate(FULL_WIDTH), f"{n:,}件"):
        assert parse_number(text) == Decimal(n)


@given(st.integers(max_value=-1))
def test_any_negative_number_is_refused_unless_allowed(n):
    with pytest.raises(ValidationError):
        parse_number(f"{n:,}")
    assert parse_number(f"{n:,}", allow_negative=True) == Decimal(n)


number_like_text = st.text(alphabet="0123456789０１２３４５６７８９,，.．-－−+%％件人 \u3000、eE²①")


@given(st.one_of(st.text(), number_like_text))
def test_any_text_is_read_or_refused_with_a_validation_error(text):
    try:
        result = parse_number(text, allow_negative=True)
    except ValidationError as error:
        assert error.messages
    else:
        assert result is None or (isinstance(result, Decimal) and result.is_finite())


@given(st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-(10**12), max_value=10**12))
def test_formatted_numbers_read_back_to_the_same_value(value):
    assert parse_number(format_number(value), allow_negative=True) == value


def test_a_share_is_whole_percent_rounded_down_so_it_never_reads_100_too_early():
    from core.templatetags.portal import share

    assert [share(value) for value in (Decimal("0.996"), 1, Decimal("0.78"), 0, None)] == ["99%", "100%", "78%", "0%", ""]
