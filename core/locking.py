"""Optimistic locking for every edit form: nobody's save silently overwrites another's.

A versioned model has `version = PositiveIntegerField(default=0)`. A form carries the version the
user saw (a hidden field); the save locks the row (`select_for_update`), refuses a version that
has moved since (`StaleEdit`: nothing is saved and the form keeps what was typed) and stores the
next version. The row lock makes the check and the write one step, so two saves of one row
cannot both pass the check on PostgreSQL.

    with locking.edit(instance, form.cleaned_data["version"]) as before:
        ...  # change `instance`; `before` is the locked row as stored (None for a new row)

The kernel knows no feature model: anything with a `version` field and a primary key will do.
"""
from contextlib import contextmanager

from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

STALE = "他の利用者が先に保存しました。何も保存していません。入力内容は残しています。最新の内容を確かめてから、もう一度保存してください。"


class StaleEdit(ValidationError):
    """The row was saved by someone else after the user loaded the form."""

    def __init__(self, message: str = STALE):
        super().__init__(message, code="stale")


def _text(version) -> str:
    return "" if version is None else str(version).strip()


def is_stale(stored, posted_version) -> bool:
    """Whether the version a form carried no longer matches the row.

    `stored` is the row as it is now, None when there is none; a form for a new row carries "".
    """
    return _text(None if stored is None else stored.version) != _text(posted_version)


def stale_message(instance) -> str:
    """The model's own wording (`stale_message`), else the portal's."""
    return getattr(instance, "stale_message", STALE)


def lock(instance):
    """The row as stored now, locked until the surrounding transaction ends."""
    return type(instance)._default_manager.select_for_update().get(pk=instance.pk)


def lock_unchanged(instance, posted_version, *, message: str | None = None):
    """Lock the row and refuse it if the version moved since the form was shown; the locked row."""
    current = lock(instance)
    if is_stale(current, posted_version):
        raise StaleEdit(message or stale_message(instance))
    return current


def next_version(instance, before=None) -> None:
    """Mark `instance` as the version after `before` (the locked row; the instance itself if omitted)."""
    instance.version = (before if before is not None else instance).version + 1


@contextmanager
def edit(instance, posted_version, *, message: str | None = None):
    """Save `instance` on exit as the next version, unless someone saved it since `posted_version`.

    Yields the locked row as stored before this edit (None for a new row, which is not checked:
    the database's unique constraints decide between two simultaneous first saves). An exception
    in the block, StaleEdit included, rolls everything back.
    """
    with transaction.atomic():
        before = lock_unchanged(instance, posted_version, message=message) if instance.pk else None
        yield before
        next_version(instance, before)
        instance.save()


def saved(form, *, first_save_race: bool = False) -> bool:
    """Save a versioned form (VersionedFormMixin); when it is stale, put the message on the form
    (the page shows the input again with it) and answer False.

    `first_save_race`: the model allows one row per parent (a one-to-one or a unique constraint),
    so of two first saves at once the constraint lets one in; the other is told what a stale save
    is told (the model's `stale_message`), not shown a server error.
    """
    try:
        form.save()
    except StaleEdit as exc:
        form.add_error(None, exc)
        return False
    except IntegrityError:
        if not first_save_race:
            raise
        form.add_error(None, StaleEdit(getattr(form.instance, "stale_message", STALE)))
        return False
    return True


class VersionedFormMixin:
    """For a ModelForm of a versioned model: the version shown travels in a hidden `version` field.

    `save()` is the locked save of `edit()`; a stale one raises StaleEdit, which the view adds to
    the form (`form.add_error(None, exc)`), so the page shows the input again with the message.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"] = forms.CharField(
            widget=forms.HiddenInput, required=False, initial=self.instance.version if self.instance.pk else ""
        )

    def save(self, commit=True):
        if not commit:
            return super().save(commit=False)
        with edit(self.instance, self.cleaned_data.get("version")):
            pass
        self._save_m2m()
        return self.instance
