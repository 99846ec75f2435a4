"""Cell readers for imports, with Japanese messages that say what the cell should hold.

django-import-export collects the ValueError a widget raises under the field's column, so each
message here is written to stand after 「N行目の列『…』：」.
"""
import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection
from import_export import widgets

from core.numbers import parse_number, plain_number

_SEPARATORS = re.compile(r"[、，,\n;；／/]+")
# Names that may themselves hold 、 (seed 004's 「経済団体、地元の中小企業」) are split on ／ only.
_SLASHES = re.compile(r"[／/\n]+")


def _text(value) -> str:
    return "" if value is None else unicodedata.normalize("NFKC", str(value)).strip()


class NumberWidget(widgets.Widget):
    """Numbers as parse_number reads them: full-width digits, thousands separators, a unit."""

    def __init__(self, *, allow_negative=False, allow_decimal=True, integer=False):
        super().__init__()
        self.allow_negative, self.allow_decimal, self.integer = allow_negative, allow_decimal, integer
        self.largest = None  # what the model field can store (limit_to), so that the database never overflows

    def limit_to(self, model_field):
        """Refuse numbers the column cannot hold (DecimalField's max_digits, an integer column's range)."""
        if getattr(model_field, "max_digits", None) is not None:
            self.largest = Decimal(10) ** (model_field.max_digits - (model_field.decimal_places or 0)) - 1
        elif model_field.get_internal_type().endswith("IntegerField"):
            self.largest = Decimal(connection.ops.integer_field_range(model_field.get_internal_type())[1])

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, (date, bool)):
            # Excel turns "4/1" or TRUE typed into a number column into a date or a boolean cell.
            raise ValueError(f"「{value}」は数値ではありません。数値を入力してください（セルの書式が日付などになっていないか確認してください）。")
        try:
            number = parse_number(value if not isinstance(value, str) else value.strip(), allow_negative=self.allow_negative, allow_decimal=self.allow_decimal)
        except ValidationError as exc:
            raise ValueError(" ".join(exc.messages)) from exc
        if number is not None and self.largest is not None and abs(number) > self.largest:
            raise ValueError(f"「{value}」は大きすぎます。{plain_number(self.largest)}以下の数値を入力してください。")
        return int(number) if number is not None and self.integer else number

    def render(self, value, obj=None, **kwargs):
        return plain_number(value)


class TextWidget(widgets.Widget):
    def __init__(self, *, required=False, label=""):
        super().__init__()
        self.required, self.label = required, label

    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value).strip()
        if self.required and not text:
            raise ValueError("入力してください。")
        return text

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class ChoiceWidget(widgets.Widget):
    """A choice given by its Japanese label (the value is accepted too)."""

    def __init__(self, choices, *, required=True, default=""):
        super().__init__()
        self.choices = list(choices)
        self.by_label = {_text(label): value for value, label in self.choices}
        self.by_label.update({value: value for value, _ in self.choices})
        self.required, self.default = required, default

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            if self.required:
                raise ValueError(f"{self.options()}のいずれかを入力してください。")
            return self.default
        if text not in self.by_label:
            raise ValueError(f"「{text}」は選べません。{self.options()}のいずれかを入力してください。")
        return self.by_label[text]

    def options(self) -> str:
        return "・".join(f"「{label}」" for _, label in self.choices)

    def render(self, value, obj=None, **kwargs):
        return dict(self.choices).get(value, value or "")


class YesNoWidget(widgets.Widget):
    YES, NO = ("はい", "○", "1", "true", "yes", "有"), ("いいえ", "×", "0", "false", "no", "無")

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        text = _text(value).lower()
        if not text:
            return None
        if text in self.YES:
            return True
        if text in self.NO:
            return False
        raise ValueError(f"「{value}」は読めません。「はい」か「いいえ」を入力してください。")

    def render(self, value, obj=None, **kwargs):
        return {True: "はい", False: "いいえ"}.get(value, "")


_DATE = re.compile(r"(\d{4})[-/年.](\d{1,2})[-/月.](\d{1,2})日?")
_MONTH = re.compile(r"(\d{4})[-/年.](\d{1,2})月?")


class DateWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = _text(value)
        if not text:
            return None
        match = _DATE.fullmatch(text)
        try:
            if match:
                return date(*map(int, match.groups()))
        except ValueError:
            pass
        raise ValueError(f"「{text}」は日付として読めません。2025-04-01 または 2025/4/1 の形で入力してください。")

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


class MonthWidget(widgets.Widget):
    """A month as 2025-04, 2025/4, 2025年4月 or a date cell; stored as its first day."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, (date, datetime)):
            return date(value.year, value.month, 1)
        text = _text(value)
        if not text:
            raise ValueError("対象月を 2025-04 の形で入力してください。")
        match = _MONTH.fullmatch(text) or _DATE.fullmatch(text)
        if match and 1 <= int(match.group(2)) <= 12:
            return date(int(match.group(1)), int(match.group(2)), 1)
        raise ValueError(f"「{text}」は対象月として読めません。2025-04 の形で入力してください。")

    def render(self, value, obj=None, **kwargs):
        return f"{value:%Y-%m}" if value else ""


class LookupWidget(widgets.ForeignKeyWidget):
    """A related object named in the cell, looked up in a dict the resource loaded once.

    One query per import instead of one per row; the dict holds only the user's platform's
    objects, so another platform's names are simply unknown.
    """

    def __init__(self, model, label: str, *, required=True, render_as=str):
        super().__init__(model)
        self.label, self.required, self.render_as = label, required, render_as
        self.objects: dict[str, object] = {}

    def load(self, objects: dict):
        self.objects = {_text(k): v for k, v in objects.items()}

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            if self.required:
                raise ValueError(f"{self.label}を入力してください。")
            return None
        try:
            return self.objects[text]
        except KeyError:
            raise ValueError(f"「{text}」という{self.label}は登録されていません。") from None

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else self.render_as(value)


class NamesWidget(widgets.ManyToManyWidget):
    """Several related objects named in one cell, separated by 、 or commas."""

    def __init__(self, model, label: str, *, render_as=str, names_hold_commas=False):
        super().__init__(model)
        self.label, self.render_as = label, render_as
        self.separators = _SLASHES if names_hold_commas else _SEPARATORS
        self.objects: dict[str, object] = {}

    def load(self, objects: dict):
        self.objects = {_text(k): v for k, v in objects.items()}

    def clean(self, value, row=None, **kwargs):
        names = [n for n in (_text(part) for part in self.separators.split(_text(value))) if n]
        unknown = [n for n in names if n not in self.objects]
        if unknown:
            raise ValueError("、".join(f"「{n}」" for n in unknown) + f"という{self.label}は登録されていません。")
        return [self.objects[n] for n in dict.fromkeys(names)]

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        items = value.all() if hasattr(value, "all") else value
        return "／".join(self.render_as(item) for item in items)
