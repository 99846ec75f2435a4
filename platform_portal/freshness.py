"""When cached views of the portal's data go stale: one data generation for the whole instance.

The home page's dashboard (達成状況・報告状況) is computed from a plan's figures, submissions,
KPIs, roadmap and members. Computing and rendering it costs tens of milliseconds, and on meeting
day a whole secretariat opens it at once, so it is cached (`cached`, and `{% cache %}` fragments
keyed by `generation()`).

A cached view must never outlive a change a user has made. Rather than knowing which change
touches which panel (and missing one), every write to a model of the apps the panels read moves
the generation on: single saves and deletes through Django's signals, bulk writes through
`platform_portal.audit` (the only place the portal writes in bulk). The generation moves at the
write, so that the writer's own next page shows it, and again at commit, so that a page computed
by another request between the write and the commit (from the old data) is not kept either.
Writes are rare next to reads, so a coarse, instance-wide generation costs little.

The cache must be shared by every app server (Redis in production, settings.CACHES).
"""
from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

# The apps whose data the cached panels show (historical models included: they move with them).
WATCHED_APPS = frozenset({"kpi", "plans", "members", "platform_portal"})
KEY = "portal:data-generation"
TIMEOUT = 600  # a safety net only: a cached view is replaced as soon as the generation moves


def generation() -> int:
    value = cache.get(KEY)
    if value is None:
        cache.add(KEY, 1, timeout=None)
        value = cache.get(KEY, 1)
    return value


def _advance():
    try:
        cache.incr(KEY)
    except ValueError:  # the key was evicted or never set
        cache.add(KEY, 2, timeout=None)


def data_changed():
    """Call after any write the signals do not see (bulk writes): every cached view is recomputed."""
    _advance()
    transaction.on_commit(_advance)


def cached(name: str, parts: tuple, compute):
    """`compute()` once per generation for these key parts; the result must be picklable."""
    key = ":".join(("portal", name, str(generation()), *map(str, parts)))
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value


def _on_save(sender, update_fields=None, **kwargs):
    # A sign-in stamps last_login on the user; no panel shows it.
    if update_fields != frozenset({"last_login"}):
        data_changed()


def _on_delete(sender, **kwargs):
    data_changed()


def _on_m2m(sender, action, **kwargs):
    if action.startswith("post_") and sender._meta.app_label in WATCHED_APPS:
        data_changed()


def connect():
    # Per model, not for every sender: a post_delete listener turns off Django's fast deletes for
    # its senders, which other apps' housekeeping (sessions, sign-in logs) relies on.
    for label in WATCHED_APPS:
        for model in apps.get_app_config(label).get_models():
            post_save.connect(_on_save, sender=model, dispatch_uid=f"freshness-save-{model._meta.label}")
            post_delete.connect(_on_delete, sender=model, dispatch_uid=f"freshness-delete-{model._meta.label}")
    m2m_changed.connect(_on_m2m, dispatch_uid="freshness-m2m")
