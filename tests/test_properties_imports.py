"""Property-based tests of import parsing: any file, any cell, gives a value or a message, never a crash."""
from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from exports.csv import render_csv
from imports.reading import ReadError, read_sheet
from imports.widgets import ChoiceWidget, DateWidget, MonthWidget, NumberWidget, YesNoWidget

FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
WIDGETS = [NumberWidget(), NumberWidget(allow_decimal=False, integer=True), DateWidget(), MonthWidget(), YesNoWidget(),
           ChoiceWidget([("member", "構成員"), ("observer", "オブザーバー")])]


@FAST
@given(st.binary(max_size=400), st.sampled_from(["a.csv", "a.xlsx", "a.txt"]))
def test_any_bytes_are_read_or_refused_with_a_message(content, name):
    try:
        sheet = read_sheet(content, name)
    except ReadError as exc:
        assert str(exc).endswith("。")
    else:
        assert sheet.dataset.headers is not None and len(sheet.row_numbers) == len(sheet.dataset)


@FAST
@given(st.one_of(st.text(max_size=30), st.integers(), st.floats(allow_nan=True), st.none(), st.dates()), st.sampled_from(WIDGETS))
def test_any_cell_gives_a_value_or_a_japanese_message(value, widget):
    try:
        widget.clean(value)
    except ValueError as exc:
        message = str(exc)
        assert message and not message.startswith(("invalid", "Invalid", "could not")), message


@FAST
@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_a_number_the_portal_writes_reads_back_the_same(number):
    widget = NumberWidget()
    assert widget.clean(widget.render(number)) == number
    full_width = widget.render(number).translate(str.maketrans("0123456789.", "０１２３４５６７８９．"))
    assert widget.clean(full_width) == number


@FAST
@given(st.integers(min_value=2000, max_value=2100), st.integers(min_value=1, max_value=12))
def test_months_in_every_spelling_read_as_the_first_day(year, month):
    widget = MonthWidget()
    for spelling in (f"{year}-{month:02}", f"{year}/{month}", f"{year}年{month}月", date(year, month, 17)):
        assert widget.clean(spelling) == date(year, month, 1)


cell_text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)


@FAST
@given(st.lists(st.lists(cell_text, min_size=3, max_size=3), min_size=1, max_size=6), st.sampled_from(["utf-8-sig", "cp932"]))
@example([["'=1", "=SUM(A1)", "''"], ["-", "@x", "'ab"]], "utf-8-sig")
def test_a_csv_the_portal_writes_reads_back_cell_for_cell(rows, encoding):
    header = ["列A", "列B", "列C"]
    if encoding == "cp932":
        rows = [[c for c in row] for row in rows if all(_cp932(c) for c in row)]
    rows = [row for row in rows if any(c.strip() for c in row)]
    if not rows:
        return
    sheet = read_sheet(render_csv(header, rows, encoding), "round.csv")
    assert [list(r) for r in sheet.dataset] == [[c.strip() for c in row] for row in rows]


def _cp932(text):
    try:
        return text.encode("cp932").decode("cp932") == text
    except UnicodeError:
        return False


def test_decimal_comparison_sanity():
    assert NumberWidget().clean("１，５３８") == Decimal(1538)


@FAST
@given(st.one_of(st.text(max_size=40), st.integers(), st.floats(), st.decimals(allow_nan=True)), st.booleans(), st.booleans())
def test_parse_number_gives_a_number_or_a_japanese_message_for_any_input(value, allow_negative, allow_decimal):
    from django.core.exceptions import ValidationError

    from core.numbers import parse_number

    try:
        number = parse_number(value, allow_negative=allow_negative, allow_decimal=allow_decimal)
    except ValidationError as exc:
        assert all(m and not m.isascii() for m in exc.messages), exc.messages
    else:
        assert number is None or isinstance(number, Decimal)
        if number is not None and not allow_negative:
            assert number >= 0


@FAST
@given(st.decimals(min_value=-10**9, max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_parse_number_reads_what_format_number_writes(number):
    from core.numbers import format_number, parse_number

    assert parse_number(format_number(number), allow_negative=True) == number
