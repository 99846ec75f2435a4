"""Sign-ins are logged, not audited.

Signing in writes to the user row: Django stamps `last_login`, and `check_password` stores the
password again when the hashing parameters changed since it was set (every Django upgrade raises
them). Neither is a change anyone made to the user, and as history rows they buried the real
changes (roles, names) under one row per sign-in. Such saves name only those fields
(`update_fields`), which is how they are told apart from an edit; the sign-in itself goes to the
`core.signin` log.
"""
import logging

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

logger = logging.getLogger(__name__)

SIGN_IN_FIELDS = frozenset({"last_login", "password"})
_MARK = "_sign_in_bookkeeping"


@receiver(pre_save, sender=settings.AUTH_USER_MODEL)
def _no_history_for_sign_in_bookkeeping(sender, instance, update_fields=None, **kwargs):
    if update_fields and set(update_fields) <= SIGN_IN_FIELDS and not hasattr(instance, "skip_history_when_saving"):
        # django-simple-history's own switch; removed again below, after its post_save receiver.
        instance.skip_history_when_saving = True
        setattr(instance, _MARK, True)


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def _history_again_for_the_next_save(sender, instance, **kwargs):
    if instance.__dict__.pop(_MARK, False):
        del instance.skip_history_when_saving


@receiver(user_logged_in)
def _log_sign_in(sender, request, user, **kwargs):
    logger.info("sign-in: user=%s (pk %s)", user.get_username(), user.pk)
