"""When cached views of the portal's data go stale: one data generation for the whole instance.

The home page's dashboard (達成状況・報告状況) is computed from a plan's figures, submissions,
KPIs, roadmap and members. Computing and rendering it costs tens of milliseconds, and on meeting
day a whole secretariat opens it at once, so it is cached: the whole page per user
(`cached_page`), its panels shared by users with the same view (`{% cache %}` fragments keyed by
`generation()`), and what every request needs (the signed-in user, their roles and platform:
`cached`). Every key names the generation it was computed in.

A cached view must never outlive a change a user has made. Rather than knowing which change
touches which panel (and missing one), every write to a model of the apps the panels read moves
the generation on: single saves and deletes through Django's signals, bulk writes through
`core.audit` (the only place the portal writes in bulk). The generation moves at the
write, so that the writer's own next page shows it, and again at commit, so that a page computed
by another request between the write and the commit (from the old data) is not kept either.
Writes are rare next to reads, so a coarse, instance-wide generation costs little.

The cache must be shared by every app server (Redis in production, settings.CACHES); each app
process also keeps copies of what it read (`process_copies`), which a generation's key makes safe.
"""
import contextvars
import pickle
import threading
import time
from collections import OrderedDict

from django.apps import apps
from django.contrib import messages
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token

# The apps whose data the cached pages show (users and roles included).
WATCHED_APPS = frozenset({"kpi", "plans", "members", "platform_portal"})
KEY = "portal:data-generation"
TIMEOUT = 600  # a safety net only: a cached view is replaced as soon as the generation moves


# Within one request the generation is read once (GenerationPerRequestMiddleware): a page asks
# for several cached parts, and each read is a round trip to the shared cache.
_request_memo: contextvars.ContextVar[dict | None] = contextvars.ContextVar("freshness_memo", default=None)


def _first_generation() -> int:
    # Microseconds, not 1: if the shared cache is emptied (a Redis restart), the count starts again
    # above every number it reached before, so no copy kept in an app process is taken as current.
    return time.time_ns() // 1000


def generation() -> int | None:
    """The current generation; None when the cache keeps nothing (unreachable, or the tests' dummy)."""
    memo = _request_memo.get()
    if memo is not None and KEY in memo:
        return memo[KEY]
    value = cache.get(KEY)
    if value is None:
        cache.add(KEY, _first_generation(), timeout=None)
        value = cache.get(KEY)
    if memo is not None:
        memo[KEY] = value
    return value


def _advance():
    memo = _request_memo.get()
    if memo is not None:
        memo.pop(KEY, None)  # this request's own next read sees its write
    try:
        cache.incr(KEY)
    except ValueError:  # the key was evicted or never set
        cache.add(KEY, _first_generation(), timeout=None)


def data_changed():
    """Call after any write the signals do not see (bulk writes): every cached view is recomputed."""
    _advance()
    transaction.on_commit(_advance)


class GenerationPerRequestMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_memo.set({})
        try:
            return self.get_response(request)
        finally:
            _request_memo.reset(token)


def _immutable(value) -> bool:
    if isinstance(value, (str, bytes, int, float, type(None))):
        return True
    return isinstance(value, (tuple, frozenset)) and all(_immutable(item) for item in value)


class _ProcessCopies:
    """Copies of cached values in the app process, in front of the shared cache.

    Safe because a key names its generation: a value under a key never changes, and a write
    moves every reader to new keys. Only the generation itself is read from the shared cache on
    each request. Model instances are kept pickled, so that no two requests share one object.
    """

    def __init__(self, size=512):
        self.size = size
        self.items: OrderedDict[str, tuple[float, object, bool]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            item = self.items.get(key)
            if item is None or item[0] < time.monotonic():
                return None
            self.items.move_to_end(key)
        expires, kept, pickled = item
        return pickle.loads(kept) if pickled else kept

    def set(self, key, value):
        # Pages (str) and permission sets need no copy; model instances do.
        pickled = not _immutable(value)
        item = (time.monotonic() + TIMEOUT, pickle.dumps(value, pickle.HIGHEST_PROTOCOL) if pickled else value, pickled)
        with self.lock:
            self.items[key] = item
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)

    def clear(self):
        with self.lock:
            self.items.clear()


process_copies = _ProcessCopies()


def _key(name, parts) -> str | None:
    current = generation()
    return None if current is None else ":".join(("portal", name, str(current), *map(str, parts)))


def _get(key):
    if key is None:
        return None
    value = process_copies.get(key)
    if value is None:
        value = cache.get(key)
        if value is not None:
            process_copies.set(key, value)
    return value


def _set(key, value):
    if key is None:
        return
    cache.set(key, value, TIMEOUT)
    process_copies.set(key, value)


def cached(name: str, parts: tuple, compute, *, shared=True):
    """`compute()` once per generation for these key parts; the result must be picklable.

    `shared=False` keeps the value in the app process only, for what should not sit in Redis.
    """
    key = _key(name, parts)
    if not shared:
        if key is None:
            return compute()
        value = process_copies.get(key)
        if value is None:
            value = compute()
            process_copies.set(key, value)
        return value
    value = _get(key)
    if value is None:
        value = compute()
        _set(key, value)
    return value


# Stands for the CSRF token in a cached page: every page carries a form (sign-out at least), and
# the token belongs to the reader's session, so it is written in when the page is served.
CSRF_SLOT = "csrf-token-slot-0d5e2f"


def cached_page(request, name: str, parts: tuple, render) -> HttpResponse:
    """A whole page for one user, kept until the data changes; `render(extra_context)` makes it.

    Pages with a one-off message (「保存しました」…) are made afresh and not kept.
    """
    if len(messages.get_messages(request)):
        return render({})
    key = _key(f"page-{name}", (request.user.pk, *parts))
    body = _get(key)
    if body is None:
        body = render({"csrf_token": CSRF_SLOT}).content.decode()
        _set(key, body)
    return HttpResponse(body.replace(CSRF_SLOT, get_token(request)))


def _on_save(sender, update_fields=None, **kwargs):
    # A sign-in stamps last_login on the user; no panel shows it.
    if update_fields != frozenset({"last_login"}):
        data_changed()


def _on_delete(sender, **kwargs):
    data_changed()


def _on_m2m(sender, action, **kwargs):
    if action.startswith("post_") and sender._meta.app_label in WATCHED_APPS:
        data_changed()


def _is_history(model) -> bool:
    return any(field.name == "history_id" for field in model._meta.fields)


def connect():
    # Per model, not for every sender: a post_delete listener turns off Django's fast deletes for
    # its senders, which other apps' housekeeping (sessions, sign-in logs) relies on.
    for label in WATCHED_APPS:
        for model in apps.get_app_config(label).get_models():
            if _is_history(model):
                continue  # written with the change it records, which is seen already
            post_save.connect(_on_save, sender=model, dispatch_uid=f"freshness-save-{model._meta.label}")
            post_delete.connect(_on_delete, sender=model, dispatch_uid=f"freshness-delete-{model._meta.label}")
    m2m_changed.connect(_on_m2m, dispatch_uid="freshness-m2m")
