"""A sub-count (内数) never exceeds its parent KPI in the same month."""
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from kpi.rules import SubcountCheck, check_subcount, subcount_violations

CHILD = "専門窓口における紹介就職件数"
PARENT = "ハローワークにおける紹介就職件数"
MAY = date(2025, 5, 1)


def check(child_value, parent_value, month=MAY):
    check_subcount(
        child_name=CHILD, child_value=child_value, parent_name=PARENT, parent_value=parent_value, month=month
    )


def test_a_subcount_above_its_parent_is_refused_naming_both_kpis_and_the_month():
    with pytest.raises(ValidationError) as caught:
        check(Decimal(300), Decimal(200))

    assert caught.value.messages == [
        "2025年5月：「専門窓口における紹介就職件数」（300）が、その親である「ハローワークにおける紹介就職件数」（200）"
        "を上回っています。内数は親の値以下にしてください。"
    ]
    assert caught.value.code == "subcount_exceeds_parent"


def test_values_in_the_message_have_thousands_separators_and_no_trailing_zeros():
    with pytest.raises(ValidationError) as caught:
        check(Decimal("1600.00"), Decimal("1538.00"), month=date(2026, 1, 1))

    message = caught.value.messages[0]
    assert message.startswith("2026年1月：")
    assert "（1,600）" in message and "（1,538）" in message


@pytest.mark.parametrize(
    ("child_value", "parent_value"),
    [
        (Decimal(200), Decimal(200)),
        (Decimal(199), Decimal(200)),
        (None, Decimal(200)),
        (Decimal(300), None),
        (None, None),
    ],
)
def test_a_subcount_at_or_below_its_parent_or_not_yet_entered_passes(child_value, parent_value):
    check(child_value, parent_value)  # no error


def test_subcount_violations_lists_the_failing_months_in_order():
    checks = [
        SubcountCheck(CHILD, Decimal(300), PARENT, Decimal(200), date(2025, 4, 1)),
        SubcountCheck(CHILD, Decimal(100), PARENT, Decimal(200), date(2025, 5, 1)),
        SubcountCheck(CHILD, Decimal(250), PARENT, Decimal(240), date(2025, 6, 1)),
        SubcountCheck(CHILD, None, PARENT, Decimal(240), date(2025, 7, 1)),
    ]

    messages = subcount_violations(checks)

    assert [m.split("：")[0] for m in messages] == ["2025年4月", "2025年6月"]


def test_subcount_violations_is_empty_when_every_month_passes():
    assert subcount_violations([SubcountCheck(CHILD, Decimal(1), PARENT, Decimal(1), MAY)]) == []
