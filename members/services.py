"""Resolving the roadmap's responsible parties (実施主体) to member bodies, and back.

(Which measures a body is responsible for is the plans app's question: `Measure.objects.for_body`.)

Membership has a period, so both directions take the plan whose roadmap names the party and
count the bodies that were members at some time in its fiscal year (today when no plan is given).
"""
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from core import locking
from members.models import MemberBody, Representative, ResponsibleParty, Role, RoleAssignment


def _bodies_in_period(platform_id, plan) -> QuerySet:
    bodies = MemberBody.objects.filter(platform_id=platform_id)
    if plan is None:
        return bodies.current(timezone.localdate())
    return bodies.during(plan.starts_on, plan.ends_on)


def _stands_for(party: ResponsibleParty, *, named, member, full_member, in_category):
    """Whether a party stands for a body: named one by one, or reached widely (全機関・団体, a 区分).

    Reaching widely takes members only. A department copies its member's 区分 and 参加形態, so
    without this every group would ask the member's departments too (each one expected to report
    on every 全機関・団体 measure); a department takes part only where it is named.

    Written once for two kinds of operand: Q objects for the query (`party_bodies`) and booleans
    for one body already in memory (the roles screen), so the two cannot drift apart.
    """
    broad = (full_member | in_category) if party.includes_all_members else in_category
    return named | (member & broad)


def party_bodies(party: ResponsibleParty, plan=None) -> QuerySet:
    """The bodies a label such as 全機関・団体, 経済団体 or 県 stands for."""
    return _bodies_in_period(party.platform_id, plan).filter(
        _stands_for(
            party,
            named=Q(pk__in=party.bodies.values("pk")),
            member=MemberBody.member_q(),
            full_member=Q(membership=MemberBody.Membership.MEMBER),
            in_category=Q(category__in=party.categories.values("pk")),
        )
    )


def parties_including(body: MemberBody, plan=None) -> QuerySet:
    """Every party that names the body, directly, by category or as one of all members
    (`party_bodies` the other way round: a department only where it is named)."""
    if not _bodies_in_period(body.platform_id, plan).filter(pk=body.pk).exists():
        return ResponsibleParty.objects.none()
    condition = Q(bodies=body)
    if not body.is_department:
        if body.category_id:
            condition |= Q(categories=body.category_id)
        if body.membership == MemberBody.Membership.MEMBER:
            condition |= Q(includes_all_members=True)
    return ResponsibleParty.objects.filter(condition, platform_id=body.platform_id).distinct()


# --- The members and roles screens -------------------------------------------------------------

@dataclass
class CategoryGroup:
    category: object  # MemberCategory or None (区分なし)
    bodies: list = field(default_factory=list)


@dataclass
class MembershipSection:
    membership: str
    label: str
    groups: list = field(default_factory=list)

    @property
    def count(self) -> int:
        """How many bodies the 名簿 counts: departments act for their member and do not add to it."""
        return sum(len(g.bodies) for g in self.groups)


def member_sections(platform, on=None) -> tuple[list[MembershipSection], list]:
    """The member list by participation type (構成員／オブザーバー／構成員外の関係機関) and 区分,
    each member with its departments and representatives; and the bodies whose membership ended.

    Two queries whatever the number of bodies: the bodies, and their representatives.
    """
    on = on or timezone.localdate()
    bodies = list(
        MemberBody.objects.filter(platform=platform).select_related("category").order_by("order", "name")
    )
    people = defaultdict(list)
    for person in Representative.objects.filter(member_body__platform=platform).order_by("order", "id"):
        people[person.member_body_id].append(person)
    departments = defaultdict(list)
    for body in bodies:
        body.people = people[body.pk]
        body.has_ended = body.left_on is not None and body.left_on < on
        if body.parent_id:
            departments[body.parent_id].append(body)
    sections = {m: MembershipSection(m, label) for m, label in MEMBERSHIP_LABELS.items()}
    groups: dict[tuple, CategoryGroup] = {}
    ended = []
    for body in sorted((b for b in bodies if not b.parent_id), key=_category_order):
        body.department_list = departments[body.pk]
        if body.has_ended:
            ended.append(body)
            continue
        key = (body.membership, body.category_id)
        if key not in groups:
            groups[key] = CategoryGroup(body.category)
            sections[body.membership].groups.append(groups[key])
        groups[key].bodies.append(body)
    return list(sections.values()), ended


MEMBERSHIP_LABELS = {
    MemberBody.Membership.MEMBER: "構成員",
    MemberBody.Membership.OBSERVER: "オブザーバー",
    MemberBody.Membership.PARTNER: "構成員外の関係機関",
}


def _category_order(body):
    category = body.category
    return (category is None, category.order if category else 0, category.name if category else "", body.order, body.name)


@dataclass
class Holder:
    assignment: RoleAssignment
    bodies: list  # what a group resolves to; the body itself otherwise


def role_rows(platform) -> list[Role]:
    """Every role with its holders (`role.holders`), groups resolved to their current bodies.

    Four queries whatever the number of roles: roles, assignments, the groups' named bodies and
    categories are prefetched, and the current bodies are read once.
    """
    roles = list(
        Role.objects.filter(platform=platform)
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=RoleAssignment.objects.select_related("member_body", "responsible_party")
                .prefetch_related("responsible_party__bodies", "responsible_party__categories")
                .order_by("member_body__order", "responsible_party__order", "id"),
            )
        )
        .order_by("order", "id")
    )
    current = None
    for role in roles:
        role.holders = []
        for a in role.assignments.all():
            if a.member_body_id:
                role.holders.append(Holder(a, [a.member_body]))
                continue
            if current is None:
                current = list(_bodies_in_period(platform.pk, None).order_by("order", "name"))
            role.holders.append(Holder(a, [b for b in current if _party_names(a.responsible_party, b)]))
    return roles


def _party_names(party: ResponsibleParty, body: MemberBody) -> bool:
    """`party_bodies` for one body, over the party's prefetched bodies and categories."""
    return _stands_for(
        party,
        named=body in party.bodies.all(),
        member=not body.is_department,
        full_member=body.membership == MemberBody.Membership.MEMBER,
        in_category=any(c.pk == body.category_id for c in party.categories.all()),
    )


@transaction.atomic
def save_role(role: Role, holders: list[tuple[str, str]], posted_version) -> Role:
    """The role and exactly the holders given ("body:<id>" or "group:<id>", share), on the version
    the page showed; a holder of another platform is refused, nothing is half-saved."""
    with locking.edit(role, posted_version):
        pass
    bodies = set(MemberBody.objects.filter(platform_id=role.platform_id).values_list("pk", flat=True))
    parties = set(ResponsibleParty.objects.filter(platform_id=role.platform_id).values_list("pk", flat=True))
    wanted = {}
    for key, share in holders:
        kind, _, pk = key.partition(":")
        if not pk.isdigit() or int(pk) not in (bodies if kind == "body" else parties if kind == "group" else ()):
            raise ValidationError("選べない機関・団体またはグループが含まれています。")
        wanted[("member_body_id" if kind == "body" else "responsible_party_id", int(pk))] = share
    for assignment in list(role.assignments.all()):
        key = ("member_body_id", assignment.member_body_id) if assignment.member_body_id else (
            "responsible_party_id", assignment.responsible_party_id
        )
        if key not in wanted:
            assignment.delete()
            continue
        share = wanted.pop(key)
        if assignment.share != share:
            assignment.share = share
            assignment.save()
    for (attname, pk), share in wanted.items():
        RoleAssignment.objects.create(role=role, share=share, **{attname: pk})
    return role
