"""Consistency rules between the figures of related KPIs."""
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError

from core.numbers import format_number


@dataclass(frozen=True)
class SubcountCheck:
    """One month's figures of a sub-count (内数) and of its parent KPI."""

    child_name: str
    child_value: Decimal | None
    parent_name: str
    parent_value: Decimal | None
    month: date
    # False when a total holds another body's figures, which the person entering may not see
    # (unconfirmed values are the entering body's and the secretariat's only).
    show_values: bool = True


def check_subcount(
    *, child_name: str, child_value: Decimal | None, parent_name: str, parent_value: Decimal | None, month: date,
    show_values: bool = True,
) -> None:
    """Raise ValidationError when a sub-count exceeds its parent; a missing value is not checked."""
    message = _violation(SubcountCheck(child_name, child_value, parent_name, parent_value, month, show_values))
    if message:
        raise ValidationError(message, code="subcount_exceeds_parent")


def subcount_violations(checks: Iterable[SubcountCheck]) -> list[str]:
    """Messages for every check that fails, in the order given (for validating many rows at once)."""
    return [message for check in checks if (message := _violation(check))]


def _violation(check: SubcountCheck) -> str | None:
    if check.child_value is None or check.parent_value is None or check.child_value <= check.parent_value:
        return None
    if not check.show_values:
        return (
            f"{check.month.year}年{check.month.month}月：「{check.child_name}」の合計が、"
            f"その親である「{check.parent_name}」の合計（他の機関の入力を含む）を上回っています。"
            "内数は親の値以下にしてください。"
        )
    return (
        f"{check.month.year}年{check.month.month}月："
        f"「{check.child_name}」（{format_number(check.child_value)}）が、"
        f"その親である「{check.parent_name}」（{format_number(check.parent_value)}）を上回っています。"
        "内数は親の値以下にしてください。"
    )
