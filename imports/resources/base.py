"""The base of every portal import: django-import-export resources scoped to one platform.

Each resource declares its columns (Japanese headings, which are also the template's), the
columns that identify an existing row (`key_fields`) and how to load the platform's related
objects once. The base adds what every import needs: a header check that names missing and
extra columns, duplicate-row detection, lookups without a query per row, and writes through the
audit trail, including the bulk path.
"""
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from import_export import resources
from import_export.instance_loaders import BaseInstanceLoader

from imports.reading import normalise_header
from imports.widgets import NamesWidget, NumberWidget
from core.audit import bulk_create_audited, bulk_update_audited


@dataclass(frozen=True)
class Issue:
    row: int  # spreadsheet row; 1 is the header, 0 the file as a whole
    column: str
    message: str

    def __str__(self):
        where = "ファイル" if self.row == 0 else f"{self.row}行目"
        return f"{where}" + (f"の列「{self.column}」" if self.column else "") + f"：{self.message}"


class KeyedInstanceLoader(BaseInstanceLoader):
    """Finds existing rows in a dict the resource builds in one query."""

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        self.existing = resource.existing_by_key()

    def get_instance(self, row):
        try:
            key = self.resource.row_key(row)
        except ValueError:
            return None  # the key cell itself is wrong; its field reports it
        return self.existing.get(key)


class PortalResource(resources.ModelResource):
    key_fields: tuple[str, ...] = ()
    bulk = False

    class Meta:
        instance_loader_class = KeyedInstanceLoader
        skip_unchanged = True
        report_skipped = True
        skip_diff = True
        clean_model_instances = True
        use_transactions = True

    def __init__(self, *, platform, plan=None, user=None, reason=""):
        super().__init__()
        self.platform, self.plan, self.user = platform, plan, user
        self.reason = reason  # the audit trail's change reason: which file brought the change
        self.row_numbers = None  # spreadsheet row of each dataset row, for messages raised after the rows
        self.dry_run = True  # set by import_data: a preview takes no locks
        self._meta.use_bulk = self.bulk
        self._meta.batch_size = 1000 if self.bulk else None
        self._meta.import_id_fields = list(self.key_fields)
        self._limit_numbers()
        for field in self.fields.values():
            field.clean = _naming_column(field)
        self.load_lookups()

    def _limit_numbers(self):
        for field in self.get_import_fields():
            if isinstance(field.widget, NumberWidget) and field.attribute and "__" not in field.attribute:
                try:
                    field.widget.limit_to(self._meta.model._meta.get_field(field.attribute))
                except FieldDoesNotExist:
                    continue  # a column the resource stores itself

    # --- what each resource provides -------------------------------------------------------
    def load_lookups(self):
        """Fill each LookupWidget/NamesWidget with the platform's objects, keyed by their names."""

    def get_queryset(self):
        raise NotImplementedError

    def instance_key(self, instance) -> tuple:
        return tuple(self.fields[name].get_value(instance) for name in self.key_fields)

    # --- shared machinery ------------------------------------------------------------------
    def import_data(self, dataset, dry_run=False, **kwargs):
        self.dry_run = dry_run  # import-export does not pass it on to before_import
        return super().import_data(dataset, dry_run=dry_run, **kwargs)

    def columns(self) -> list[str]:
        return [field.column_name for field in self.get_import_fields()]

    def column_of(self, attribute: str) -> str:
        for field in self.get_import_fields():
            if attribute in (field.attribute, field.column_name):
                return field.column_name
        return ""

    def row_key(self, row) -> tuple:
        return _hashable(tuple(self.fields[name].clean(row) for name in self.key_fields))

    def existing_by_key(self) -> dict:
        return {_hashable(self.instance_key(obj)): obj for obj in self.get_queryset()}

    def canonical_headers(self, headers) -> list[str]:
        """Headings as typed (full-width letters, ／ or /) mapped onto the resource's own."""
        expected = {normalise_header(c): c for c in self.columns()}
        return [expected.get(normalise_header(h), h) for h in headers]

    def header_issues(self, headers) -> list[Issue]:
        expected = self.columns()
        issues = [Issue(1, c, "必要な列がありません。テンプレートの見出しをそのまま使ってください。") for c in expected if c not in headers]
        issues += [Issue(1, h or "（見出しなし）", "この取込では使わない列です。テンプレートにない列は削除してください。") for h in headers if h not in expected]
        seen = set()
        issues += [Issue(1, h, "同じ見出しの列が二つあります。") for h in headers if h in seen or seen.add(h)]
        return issues

    def key_label(self) -> str:
        """The columns that identify a row: where a problem of the row as a whole is reported."""
        return "・".join(self.fields[name].column_name for name in self.key_fields) or "（行全体）"

    def duplicate_issues(self, dataset, row_numbers) -> list[Issue]:
        first_row = {}
        issues = []
        label = self.key_label()
        for index, values in enumerate(dataset.dict):
            try:
                key = self.row_key(values)
            except ValueError:
                continue
            number = row_numbers[index]
            if key in first_row:
                issues.append(Issue(number, label, f"{first_row[key]}行目と同じ行です（{label}が重複しています）。"))
            else:
                first_row[key] = number
        return issues

    def sheet_row(self, index: int) -> int:
        return self.row_numbers[index - 1] if self.row_numbers else index + 1

    def import_instance(self, instance, row, **kwargs):
        # import-export leaves many-to-many cells to save time; check them here so that an
        # unknown name is reported under its column in the preview too.
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except Exception as exc:
            if not hasattr(exc, "update_error_dict"):
                raise
            errors = exc.update_error_dict(errors)
        for field in self.get_import_fields():
            if isinstance(field.widget, NamesWidget) and field.column_name in row:
                try:
                    field.clean(row)
                except ValueError as exc:
                    errors[field.attribute] = [str(exc)]
        if errors:
            raise ValidationError(errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        try:
            super().validate_instance(instance, import_validation_errors, validate_unique)
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                raise
            # A row with a bad cell stops before the new 役割 or 区分 it names is saved; Django's
            # 「NULL を指定できません」 for that pending object would only confuse.
            pending = {
                f.name for f in instance._meta.concrete_fields
                if f.is_relation and f.name in instance._state.fields_cache and getattr(instance._state.fields_cache[f.name], "pk", 0) is None
            }
            errors = {k: v for k, v in exc.message_dict.items() if k not in pending or k in (import_validation_errors or {})}
            if errors:
                raise ValidationError(errors) from None

    def after_init_instance(self, instance, new, row, **kwargs):
        instance._imported_from = None if new else self.snapshot(instance)

    def snapshot(self, instance, row=None) -> dict:
        """The imported fields' values: stored ones, or with `row` the ones the row brings."""
        values = {}
        for field in self.get_import_fields():
            if not field.attribute or field.readonly or "__" in field.attribute:
                continue
            if isinstance(field.widget, NamesWidget):
                related = field.clean(row) if row is not None else getattr(instance, field.attribute).all()
                values[field.attribute] = {obj.pk for obj in related}
            else:
                values[field.attribute] = getattr(instance, field.attribute)
        return values

    def skip_row(self, instance, original, row, import_validation_errors=None):
        # An unchanged row writes nothing, so that re-importing an exported file leaves the audit
        # trail as it was. (import-export's own check needs the costly diff.)
        before = getattr(instance, "_imported_from", None)
        if import_validation_errors or before is None:
            return False
        return self.snapshot(instance, row) == before

    def do_instance_save(self, instance, is_create):
        instance._change_reason = self.reason
        if self.user is not None:
            instance._history_user = self.user  # commands have no request to take the user from
        super().do_instance_save(instance, is_create)

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        if self.create_instances and (using_transactions or not dry_run):
            try:
                bulk_create_audited(self.create_instances, self._meta.model, user=self.user, batch_size=batch_size or 1000, reason=self.reason)
            except Exception as exc:
                self.handle_import_error(result, exc, raise_errors)
            finally:
                self.create_instances.clear()

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        if self.update_instances and (using_transactions or not dry_run):
            try:
                bulk_update_audited(self.update_instances, self._meta.model, self.bulk_update_fields(), user=self.user, batch_size=batch_size or 1000, reason=self.reason)
            except Exception as exc:
                self.handle_import_error(result, exc, raise_errors)
            finally:
                self.update_instances.clear()

    def bulk_update_fields(self) -> list[str]:
        return [
            f.attribute for f in self.get_import_fields()
            if f.attribute and not isinstance(f.widget, NamesWidget) and f.attribute not in self.key_attributes()
        ]

    def key_attributes(self) -> set[str]:
        return {self.fields[name].attribute for name in self.key_fields}


class CellError(ValueError):
    """A cell's error that knows its column, even when the resource reads the cell itself (a
    role's 機能) and import-export reports it as an error of the whole row."""

    def __init__(self, message: str, column: str):
        super().__init__(message)
        self.column = column


def _naming_column(field):
    clean = field.clean

    def clean_naming_column(row, **kwargs):
        try:
            return clean(row, **kwargs)
        except CellError:
            raise
        except ValueError as exc:
            raise CellError(str(exc), field.column_name) from exc

    return clean_naming_column


def _hashable(key: tuple) -> tuple:
    # A key may hold an object a row is about to create (a new 区分 or 役割), which has no pk yet.
    return tuple(
        (type(v).__name__, v.pk or f"new:{v}") if isinstance(v, models.Model) else v for v in key
    )


def issues_from_result(result, resource, row_numbers) -> list[Issue]:
    """Every problem django-import-export found, as row-and-column messages."""
    issues = []
    for error in result.base_errors:
        issues.append(Issue(0, "", _message(error.error)))
    for invalid in result.invalid_rows:
        number = row_numbers[invalid.number - 1]
        for attribute, messages in invalid.error_dict.items():
            column = resource.column_of(attribute) if attribute != "__all__" else ""
            issues.extend(Issue(number, column or resource.key_label(), m) for m in messages)
    for error_row in result.error_rows:
        for error in error_row.errors:
            if isinstance(error.error, CellError):
                issues.append(Issue(row_numbers[error_row.number - 1], error.error.column, str(error.error)))
            else:
                issues.append(Issue(row_numbers[error_row.number - 1], resource.key_label(), _message(error.error)))
    return issues


def _message(exc) -> str:
    """A message for an unexpected exception: never a bare class name."""
    if hasattr(exc, "messages"):  # a ValidationError raised for the file as a whole
        return " ".join(exc.messages)
    text = str(exc).strip()
    return f"取り込めませんでした（{text}）。" if text else f"取り込めませんでした（{type(exc).__name__}）。"
