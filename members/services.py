"""Resolving the roadmap's responsible parties (実施主体) to member bodies, and back.

(Which measures a body is responsible for is the plans app's question: `Measure.objects.for_body`.)

Membership has a period, so both directions take the plan whose roadmap names the party and
count the bodies that were members at some time in its fiscal year (today when no plan is given).
"""
from django.db.models import Q, QuerySet
from django.utils import timezone

from members.models import MemberBody, ResponsibleParty


def _bodies_in_period(platform_id, plan) -> QuerySet:
    bodies = MemberBody.objects.filter(platform_id=platform_id)
    if plan is None:
        return bodies.current(timezone.localdate())
    return bodies.during(plan.starts_on, plan.ends_on)


def _full_members(platform_id, plan) -> QuerySet:
    return _bodies_in_period(platform_id, plan).filter(membership=MemberBody.Membership.MEMBER)


def party_bodies(party: ResponsibleParty, plan=None) -> QuerySet:
    """The bodies a label such as 全機関・団体, 経済団体 or 県 stands for."""
    if party.includes_all_members:
        return _full_members(party.platform_id, plan)
    return (
        _bodies_in_period(party.platform_id, plan)
        .filter(Q(pk__in=party.bodies.values("pk")) | Q(category__in=party.categories.values("pk")))
        .distinct()
    )


def parties_including(body: MemberBody, plan=None) -> QuerySet:
    """Every party that names the body, directly, by category or as one of all members."""
    if not _bodies_in_period(body.platform_id, plan).filter(pk=body.pk).exists():
        return ResponsibleParty.objects.none()
    condition = Q(bodies=body)
    if body.category_id:
        condition |= Q(categories=body.category_id)
    if body.membership == MemberBody.Membership.MEMBER:
        condition |= Q(includes_all_members=True)
    return ResponsibleParty.objects.filter(condition, platform_id=body.platform_id).distinct()

