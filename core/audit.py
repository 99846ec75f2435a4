"""The audit trail (変更履歴): who changed what, when, from what to what.

django-simple-history keeps a historical row per save of every audited model (figures,
submissions, progress reports, proposals, roles and role assignments, users' access roles).
Each row also carries the id of the request that made it, so that the entries of one action
(a month's grid saved at once, an import) can be read together. The portal shows history and
never edits it; bulk writes go through `bulk_create_audited` so that they are recorded too.
"""
import contextvars
import uuid
from dataclasses import dataclass

from django.db import models
from django.dispatch import receiver
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.freshness import data_changed

_request_id = contextvars.ContextVar("audit_request_id", default="")


class AuditedChange(models.Model):
    """Abstract base of every historical model: the request that made the change."""

    request_id = models.CharField("操作ID", max_length=36, blank=True, db_index=True)

    class Meta:
        abstract = True


def audited(**options) -> HistoricalRecords:
    """The history descriptor every audited model declares, with the portal's common settings."""
    return HistoricalRecords(bases=[AuditedChange], **options)


def current_request_id() -> str:
    return _request_id.get()


class RequestIdMiddleware:
    """Gives every request an id for its audit entries (and for commands, see `audit_scope`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_id.set(uuid.uuid4().hex)
        try:
            return self.get_response(request)
        finally:
            _request_id.reset(token)


class audit_scope:
    """Context manager that ties the audit entries of a command or a task together."""

    def __enter__(self):
        self._token = _request_id.set(uuid.uuid4().hex)
        return _request_id.get()

    def __exit__(self, *exc):
        _request_id.reset(self._token)


@receiver(pre_create_historical_record)
def _stamp_request_id(sender, history_instance, **kwargs):
    history_instance.request_id = current_request_id()


def bulk_create_audited(objs, model, *, user=None, batch_size=500, reason=None):
    created = bulk_create_with_history(
        objs, model, batch_size=batch_size, default_user=user, default_change_reason=reason,
        custom_historical_attrs={"request_id": current_request_id()},
    )
    data_changed()  # bulk writes send no signals
    return created


def bulk_update_audited(objs, model, fields, *, user=None, batch_size=500, reason=None):
    updated = bulk_update_with_history(
        objs,
        model,
        fields,
        batch_size=batch_size,
        default_user=user,
        default_change_reason=reason,
        custom_historical_attrs={"request_id": current_request_id()},
    )
    data_changed()  # bulk writes send no signals
    return updated


@dataclass(frozen=True)
class FieldChange:
    field: str  # verbose name
    old: object
    new: object


@dataclass(frozen=True)
class HistoryEntry:
    when: object
    who: object
    kind: str  # 作成 / 変更 / 削除
    reason: str
    changes: list[FieldChange]


_KINDS = {"+": "作成", "~": "変更", "-": "削除"}
_HIDDEN = {"version", "updated_at", "updated_by"}


def history_entries(records) -> list[HistoryEntry]:
    """Readable entries, newest first, from an object's historical records (newest first).

    Each entry lists only the fields that changed against the record before it.
    """
    records = list(records)
    entries = []
    for index, record in enumerate(records):
        previous = records[index + 1] if index + 1 < len(records) else None
        model = record.instance_type
        changes = []
        if previous is not None:
            delta = record.diff_against(previous, excluded_fields=_HIDDEN & {f.name for f in model._meta.fields})
            for change in delta.changes:
                field = model._meta.get_field(change.field)
                changes.append(FieldChange(str(field.verbose_name), _display(field, change.old), _display(field, change.new)))
        entries.append(
            HistoryEntry(record.history_date, record.history_user, _KINDS.get(record.history_type, ""), record.history_change_reason or "", changes)
        )
    return entries


def _display(field, value):
    if value in (None, ""):
        return "（空欄）"
    if field.is_relation and field.many_to_one:
        # Shown by name, as the user chose it; the record may since have been deleted.
        related = field.related_model._base_manager.filter(pk=value).first()
        return str(related) if related is not None else f"（削除済み: {value}）"
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    return value
