"""Which platform an object or a request belongs to: the tenant boundary of the portal.

Every platform-owned model names the path from itself to its platform (`platform_path`) and says
how it belongs to a member body or a user (`owner_path`, or its own `is_owned_by` / `owned_by_q`);
the same path serves validation (no link across platforms), permission checks (`core.access.may`)
and restricted querysets (`core.access.restrict`). A user belongs to one platform, which the user
model answers (`affiliated_platform_id`); objects of any other platform are answered with 404 so
that their existence does not leak.

The kernel knows no feature model: it asks each model, and never checks an object's type.
"""
from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from core import freshness
from core.fiscal import fiscal_year_of


def platform_id_of(obj):
    """The platform id an object belongs to, following its model's `platform_path`.

    None for global objects and for objects whose path is not filled in yet (an unsaved form).
    """
    return _follow(obj, type(obj).platform_path)


def _follow(obj, path: str):
    value = obj
    for attribute in path.split("."):
        if value is None:
            return None
        try:
            value = getattr(value, attribute)
        except ObjectDoesNotExist:
            return None
    return value


def platform_lookup(model) -> str:
    """The ORM lookup for a model's platform id: "section.plan.platform_id" → "section__plan__platform_id"."""
    return model.platform_path.replace(".", "__")


def of_platform(queryset, platform_id):
    """Restrict any platform-owned queryset to one platform."""
    return queryset.filter(**{platform_lookup(queryset.model): platform_id})


NOTHING = Q(pk__in=[])


class PlatformOwned:
    """Model mixin: the platform an object belongs to, the body that owns it, and no cross-platform links.

    `platform_path` is the dotted attribute path to the platform id; `same_platform_fields` are the
    foreign keys whose targets must belong to the same platform. `owner_path` is the dotted path to
    the id of the member body that owns the object, for the own-body permissions (a figure entered
    by a body, a proposal made by it); models whose ownership is not one field (a KPI reported by
    several bodies, a measure a group of bodies is responsible for, a municipal platform's records)
    override `is_owned_by` and `owned_by_q` together.
    """

    platform_path = "platform_id"
    same_platform_fields: tuple[str, ...] = ()
    owner_path: str | None = None

    def is_owned_by(self, user) -> bool:
        """Whether the object belongs to the user's member body (own-body permissions)."""
        if self.owner_path is None or not getattr(user, "member_body_id", None):
            return False
        return _follow(self, self.owner_path) == user.member_body_id

    @classmethod
    def owned_by_q(cls, user) -> Q:
        """The same answer as `is_owned_by`, as a filter over the model's rows."""
        if cls.owner_path is None or not getattr(user, "member_body_id", None):
            return NOTHING
        return Q(**{cls.owner_path.replace(".", "__"): user.member_body_id})

    def clean(self):
        super().clean()
        own = platform_id_of(self)
        errors = {}
        for name in self.same_platform_fields:
            related = getattr(self, name, None)
            if related is not None and own is not None and platform_id_of(related) != own:
                errors[name] = cross_platform_message(self._meta.get_field(name).verbose_name)
        if errors:
            raise ValidationError(errors)


def cross_platform_message(label) -> str:
    return f"「{label}」には同じプラットフォームのものを選んでください。"


def validate_same_platform(platform_id, objects, label) -> None:
    """For many-to-many choices, which a model's clean() cannot see."""
    if platform_id is None:
        return
    if any(platform_id_of(obj) != platform_id for obj in objects):
        raise ValidationError(cross_platform_message(label))


def user_platform_id(user):
    """The platform a user belongs to, as the user model answers it (members.User)."""
    if not user.is_authenticated:
        return None
    return user.affiliated_platform_id()


def required_platform_id(user):
    """The user's platform id; 404 for a user outside every platform."""
    platform_id = user_platform_id(user)
    if platform_id is None:
        raise Http404("所属するプラットフォームがありません。")
    return platform_id


def platform_of(user):
    # By name: the models module builds on this one.
    Platform = apps.get_model("platform_portal", "Platform")
    platform_id = required_platform_id(user)
    # Every portal page needs it; kept until the platform's data changes (freshness).
    return freshness.cached(
        "platform", (platform_id,),
        lambda: Platform.objects.select_related("prefecture").prefetch_related("names", "stages").get(pk=platform_id),
    )


def working_plan_id(years, today):
    """`working_plan` from (fiscal year, id) pairs, newest first."""
    current = fiscal_year_of(today)
    return next((pk for year, pk in years if year <= current), years[0][1] if years else None)


def working_plan(platform, today=None, plans=None):
    """The plan people work on now: this fiscal year's, else the newest earlier one, else the newest.

    `plans` may be the platform's plans already loaded, to save the query.
    """
    current = fiscal_year_of(today or timezone.localdate())
    if plans is None:
        plans = platform.plans.order_by("-fiscal_year")
        return plans.filter(fiscal_year__lte=current).first() or plans.first()
    newest_first = sorted(plans, key=lambda p: -p.fiscal_year)
    chosen = working_plan_id([(p.fiscal_year, p.pk) for p in newest_first], today or timezone.localdate())
    return next((p for p in newest_first if p.pk == chosen), None)
