"""Numbers as people type them into Japanese forms: full-width digits, thousands separators, units."""
import math
import re
import unicodedata
from decimal import Decimal

from django.core.exceptions import ValidationError

_PLAIN_DIGITS = frozenset("0123456789０１２３４５６７８９")
# NFKC maps the full-width minus (－) to "-" but leaves the mathematical minus sign alone.
_EXTRA_MINUS = str.maketrans({"\u2212": "-"})
_SUFFIXES = ("%", "件", "人")
_NUMBER = re.compile(r"(?P<sign>[+-]?)(?P<integer>[0-9,]*)(?:\.(?P<fraction>[0-9]+))?")
_GROUPED = re.compile(r"[1-9][0-9]{0,2}(?:,[0-9]{3})+")
_SHOWN_LENGTH = 30


def parse_number(
    text: str | int | float | Decimal | None, *, allow_negative: bool = False, allow_decimal: bool = True
) -> Decimal | None:
    """Read a number typed in a form or a spreadsheet cell; None when empty.

    Accepts full-width digits and signs, thousands separators placed every three digits
    ("1,538", "１，５３８"), surrounding spaces including the full-width space, and one trailing
    "%", "件" or "人" (dropped; "74%" reads as 74). Raises ValidationError with a Japanese message.
    An integral value such as "12.0" is accepted even when decimals are not allowed.
    """
    if text is None:
        return None
    if isinstance(text, bool):
        raise TypeError("parse_number() does not read booleans")
    if isinstance(text, int):
        value = Decimal(text)
    elif isinstance(text, float):
        # Spreadsheet cells arrive as floats; their shortest repr is what the user saw.
        if not math.isfinite(text):
            raise _unreadable(repr(text))
        value = Decimal(repr(text))
    elif isinstance(text, Decimal):
        if not text.is_finite():
            raise _unreadable(str(text))
        value = text
    elif isinstance(text, str):
        value = _parse_text(text)
        if value is None:
            return None
    else:
        raise TypeError(f"parse_number() cannot read {type(text).__name__}")
    return _checked(value, allow_negative=allow_negative, allow_decimal=allow_decimal)


def format_number(value: Decimal | int) -> str:
    """Thousands separators and no trailing zeros: Decimal("1538.00") → "1,538", Decimal("0.50") → "0.5"."""
    value = Decimal(value)
    if value == 0:
        return "0"
    integral = value.to_integral_value()
    return f"{integral if value == integral else value.normalize():,f}"


def plain_number(value: Decimal | int | None) -> str:
    """A number for a file a program reads back (CSV, an import's current data): no separators, no
    trailing zeros: Decimal("1538.00") → "1538"; '' for None."""
    return "" if value is None else format_number(value).replace(",", "")


def _parse_text(text: str) -> Decimal | None:
    shown = text.strip()
    if not shown:
        return None
    # NFKC would silently turn "10²" into 102 and "①" into 1.
    if any(c.isnumeric() and c not in _PLAIN_DIGITS for c in shown):
        raise _unreadable(shown)
    body = unicodedata.normalize("NFKC", shown).translate(_EXTRA_MINUS).strip()
    if body.endswith(_SUFFIXES):
        body = body[:-1].rstrip()
    match = _NUMBER.fullmatch(body)
    if match is None or not (match["integer"] or match["fraction"]):
        raise _unreadable(shown)
    integer = match["integer"]
    if "," in integer:
        if not _GROUPED.fullmatch(integer):
            raise ValidationError(
                f"「{_shorten(shown)}」の桁区切りのカンマの位置が正しくありません。"
                "3桁ごとに区切るか、カンマを付けずに入力してください。",
                code="invalid_grouping",
            )
        integer = integer.replace(",", "")
    fraction = f".{match['fraction']}" if match["fraction"] else ""
    return Decimal(f"{match['sign']}{integer or '0'}{fraction}")


def _checked(value: Decimal, *, allow_negative: bool, allow_decimal: bool) -> Decimal:
    if value == 0:
        value = value.copy_abs()  # "-0" is not a negative value
    if value < 0 and not allow_negative:
        raise ValidationError("負の値は入力できません。", code="negative")
    if not allow_decimal:
        integral = value.to_integral_value()
        if value != integral:
            raise ValidationError("小数は入力できません。", code="decimal")
        value = integral
    return value


def _unreadable(shown: str) -> ValidationError:
    return ValidationError(
        f"「{_shorten(shown)}」は数値として読み取れません。半角・全角の数字で入力してください。", code="invalid"
    )


def _shorten(shown: str) -> str:
    # A pasted paragraph should not become the whole error message.
    return shown if len(shown) <= _SHOWN_LENGTH else shown[:_SHOWN_LENGTH] + "…"
