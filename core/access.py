"""The one mechanism that decides who may do what in the portal.

Roles are data (members.AccessRole lists permission codes from core.permissions);
this module turns them into answers for `user.has_perm("portal.<code>", obj)`, so that views,
templates (`perms.portal.<code>`) and exports all ask the same question the same way.

Two layers:
- the role layer: does any of the user's access roles hold the code?
- the object layer: is the object on the user's platform, and for the "own" permissions
  (enter_own_figures, report_own_progress …), does it belong to the user's member body (or,
  for municipal staff, their municipal platform)? The object's model answers that.

Objects of another platform answer False here, but views fetch objects through the user's
platform first, so that such objects are a 404 and their existence does not leak.
"""
from functools import wraps

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.functional import SimpleLazyObject

from core import freshness
from core.permissions import PERMISSIONS, unknown_permissions
from core.tenancy import NOTHING, of_platform, platform_id_of, platform_of, required_platform_id, user_platform_id

APP_LABEL = "portal"

# Permissions that act on the user's own body's objects only; the rest act platform-wide.
OWN_BODY_PERMISSIONS = frozenset({"enter_own_figures", "report_own_progress", "submit_proposal", "report_own_municipal"})


def role_permissions(user) -> frozenset[str]:
    """The permission codes of the user's access roles, read once per user object (so per request)."""
    if not user.is_active or user.is_anonymous:
        return frozenset()
    cached = getattr(user, "_portal_permissions", None)
    if cached is None:
        # Every page asks, so the answer is kept until roles or assignments change (freshness).
        cached, user._requires_two_factor = freshness.cached("roles", (user.pk, user.is_superuser), lambda: _role_facts(user))
        user._portal_permissions = cached
    return cached


def _role_facts(user) -> tuple[frozenset[str], bool]:
    codes, two_factor = set(), user.is_superuser
    # One query answers both: the permissions and whether any role requires a second factor.
    for permissions, requires_two_factor in user.access_roles.values_list("permissions", "requires_two_factor"):
        codes.update(permissions or [])
        two_factor = two_factor or requires_two_factor
    return frozenset(codes & PERMISSIONS.keys()), two_factor


def requires_two_factor(user) -> bool:
    """Whether one of the user's roles (or being a superuser) makes the second factor compulsory."""
    if not user.is_authenticated:
        return False
    role_permissions(user)
    return getattr(user, "_requires_two_factor", user.is_superuser)


def may(user, code: str, obj=None) -> bool:
    """May the user do `code` (to `obj`, when given)? The single answer behind every check."""
    if code not in PERMISSIONS:
        raise ValueError(f"unknown portal permission: {code}")
    if code not in role_permissions(user):
        return False
    if obj is None:
        return True
    platform_id = user_platform_id(user)
    if platform_id is None or platform_id_of(obj) != platform_id:
        return False
    if code in OWN_BODY_PERMISSIONS:
        # The model says how it belongs to a body or a user (core.tenancy.PlatformOwned).
        return obj.is_owned_by(user)
    return True


def restriction(model, user, *permissions) -> Q:
    """The rows of `model` on which the user may do any of `permissions`, as a filter (None: all of them)."""
    condition, everything = NOTHING, False
    for code in permissions:
        if not may(user, code):
            continue
        if code not in OWN_BODY_PERMISSIONS:
            everything = True
            break
        condition |= model.owned_by_q(user)
    return None if everything else condition


class RestrictedQuerySet(QuerySet):
    """Every list starts here: `Model.objects.restrict(user, "handle_proposal", "submit_proposal")`
    holds the user's platform's rows on which the user may do any of the permissions (NetBox's idiom)."""

    def restrict(self, user, *permissions):
        if not permissions or unknown_permissions(permissions):
            raise ValueError(f"unknown portal permission: {permissions}")
        platform_id = user_platform_id(user)
        if platform_id is None:
            return self.none()
        condition = restriction(self.model, user, *permissions)
        queryset = of_platform(self, platform_id)
        return queryset if condition is None else queryset.filter(condition)


def require(user, code: str, obj=None) -> None:
    if not may(user, code, obj):
        raise PermissionDenied(f"この操作の権限がありません（{PERMISSIONS[code]}）。")


class PortalPermissionBackend(ModelBackend):
    """Answers `portal.<code>` permissions from access roles; other apps' permissions as Django does."""

    def has_perm(self, user_obj, perm, obj=None):
        app_label, _, code = perm.partition(".")
        if app_label != APP_LABEL:
            return super().has_perm(user_obj, perm, obj)
        return code in PERMISSIONS and may(user_obj, code, obj)

    def get_user(self, user_id):
        # Every request of a signed-in user loads them. Kept until users or roles change
        # (freshness), in the app process only: the row holds the password hash.
        return freshness.cached("user", (user_id,), lambda: super(PortalPermissionBackend, self).get_user(user_id), shared=False)

    def has_module_perms(self, user_obj, app_label):
        if app_label == APP_LABEL:
            return bool(role_permissions(user_obj))
        return super().has_module_perms(user_obj, app_label)


def requires_any(*permissions: str, tenant: bool = True):
    """Decorator for every portal page: sign-in, the user's platform, and ANY ONE of the permissions.

    Sets `request.platform`. Anonymous users go to the login page; users without a platform get
    404 (unless `tenant=False`, for the instance-wide pages such as the national view); users
    whose roles hold none of the permissions get 403. Object checks follow in the view
    through `require(request.user, code, obj)` on objects fetched through `request.platform`.
    """
    return _portal_view(permissions, any, tenant)


def requires_all(*permissions: str, tenant: bool = True):
    """As `requires_any`, but the user's roles must hold EVERY one of the permissions."""
    return _portal_view(permissions, all, tenant)


def _portal_view(permissions, quantifier, tenant):
    if not permissions or unknown_permissions(permissions):
        raise ValueError(f"unknown portal permission: {permissions}")

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if tenant:
                request.platform_id = required_platform_id(request.user)
                # Loaded when a view first uses it: a page served whole from the cache does not.
                request.platform = SimpleLazyObject(lambda: platform_of(request.user))
            else:
                request.platform_id = request.platform = None
            if not quantifier(may(request.user, code) for code in permissions):
                raise PermissionDenied("このページを表示する権限がありません。")
            return view(request, *args, **kwargs)

        wrapped.portal_permissions = permissions
        wrapped.portal_quantifier = quantifier.__name__
        wrapped.portal_tenant = tenant  # menus leave the platform's pages out for users without one
        return wrapped

    return decorator
