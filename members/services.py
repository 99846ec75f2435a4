"""Resolving the roadmap's responsible parties (実施主体) to member bodies, and back."""
from django.db.models import Q, QuerySet

from members.models import MemberBody, ResponsibleParty


def _full_members(platform_id) -> QuerySet:
    return MemberBody.objects.filter(platform_id=platform_id, membership=MemberBody.Membership.MEMBER).current()


def party_bodies(party: ResponsibleParty) -> QuerySet:
    """The bodies a label such as 全機関・団体, 経済団体 or 県 stands for (current membership)."""
    if party.includes_all_members:
        return _full_members(party.platform_id)
    return (
        MemberBody.objects.filter(platform_id=party.platform_id)
        .filter(Q(pk__in=party.bodies.values("pk")) | Q(category__in=party.categories.values("pk")))
        .current()
        .distinct()
    )


def parties_including(body: MemberBody) -> QuerySet:
    """Every party of the body's platform that names the body, directly, by category or as a member of all."""
    condition = Q(bodies=body)
    if body.category_id:
        condition |= Q(categories=body.category_id)
    if _full_members(body.platform_id).filter(pk=body.pk).exists():
        condition |= Q(includes_all_members=True)
    return ResponsibleParty.objects.filter(condition, platform_id=body.platform_id).distinct()


def measures_for_body(body: MemberBody, plan) -> QuerySet:
    """The plan's measures the body is responsible for, directly or through a group (my tasks)."""
    from plans.models import Measure

    return Measure.objects.filter(
        section__plan=plan, responsible_parties__in=parties_including(body)
    ).distinct()
