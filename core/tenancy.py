"""Which platform an object or a request belongs to: the tenant boundary of the portal.

Every platform-owned model names the path from itself to its platform (`platform_path`); the
same path serves validation (no link across platforms), and it will serve permission checks.
A user belongs to one platform through their member body; objects of any other platform are
answered with 404 so that their existence does not leak.
"""
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404

from core import freshness


def platform_id_of(obj):
    """The platform id an object belongs to, following its model's `platform_path`.

    None for global objects and for objects whose path is not filled in yet (an unsaved form).
    """
    value = obj
    for attribute in type(obj).platform_path.split("."):
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


class PlatformOwned:
    """Model mixin: `clean()` refuses links to another platform's objects.

    `platform_path` is the dotted attribute path to the platform id; `same_platform_fields` are the
    foreign keys whose targets must belong to the same platform.
    """

    platform_path = "platform_id"
    same_platform_fields: tuple[str, ...] = ()

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
    """The platform a user belongs to: through their member body, or their municipal platform."""
    if not user.is_authenticated:
        return None
    if user.member_body_id:
        return freshness.cached("body-platform", (user.member_body_id,), lambda: user.member_body.platform_id)
    account = municipal_account_of(user)
    return account.municipal_platform.platform_id if account else None


def municipal_account_of(user):
    from municipal_pf.models import MunicipalAccount

    if not hasattr(user, "_municipal_account"):
        user._municipal_account = (
            MunicipalAccount.objects.select_related("municipal_platform").filter(user=user).first()
            if user.is_authenticated and not user.member_body_id
            else None
        )
    return user._municipal_account


def required_platform_id(user):
    """The user's platform id; 404 for a user outside every platform."""
    platform_id = user_platform_id(user)
    if platform_id is None:
        raise Http404("所属するプラットフォームがありません。")
    return platform_id


def platform_of(user):
    from core.models import Platform

    platform_id = required_platform_id(user)
    # Every portal page needs it; kept until the platform's data changes (freshness).
    return freshness.cached(
        "platform", (platform_id,),
        lambda: Platform.objects.select_related("prefecture").prefetch_related("names", "stages").get(pk=platform_id),
    )


def working_plan_id(years, today):
    """`working_plan` from (fiscal year, id) pairs, newest first."""
    from core.fiscal import fiscal_year_of

    current = fiscal_year_of(today)
    return next((pk for year, pk in years if year <= current), years[0][1] if years else None)


def working_plan(platform, today=None, plans=None):
    """The plan people work on now: this fiscal year's, else the newest earlier one, else the newest.

    `plans` may be the platform's plans already loaded, to save the query.
    """
    from django.utils import timezone

    from core.fiscal import fiscal_year_of

    current = fiscal_year_of(today or timezone.localdate())
    if plans is None:
        plans = platform.plans.order_by("-fiscal_year")
        return plans.filter(fiscal_year__lte=current).first() or plans.first()
    newest_first = sorted(plans, key=lambda p: -p.fiscal_year)
    chosen = working_plan_id([(p.fiscal_year, p.pk) for p in newest_first], today or timezone.localdate())
    return next((p for p in newest_first if p.pk == chosen), None)
