"""A department (部局) acts for its member: it holds roles, reports and is named, but the member
counts once, a group reaches a department only where it names it, and a department ends with its
member."""
from datetime import date

import pytest
from django.urls import reverse

from dashboard.checklist import done_steps
from meetings.models import Attendee, Meeting
from meetings.services import attendees_from_members
from members.models import MemberBody, Representative, ResponsibleParty, Role, RoleAssignment
from members.services import parties_including, party_bodies, role_rows
from plans.models import Measure

RENGO = "日本労働組合総連合会群馬県連合会"
EMPLOYERS = "（一社）群馬県経営者協会"


def names(bodies):
    return {b.name for b in bodies}


@pytest.fixture
def rengo(gunma):
    return gunma.member_bodies.get(name=RENGO)


@pytest.fixture
def organising(gunma, rengo):
    """A department of a full member (労働団体): it copies the member's 区分 and 参加形態."""
    return MemberBody.objects.create(platform=gunma, parent=rengo, department="組織局")


@pytest.fixture
def employers_office(gunma):
    """A department of a member of the 経済団体 category."""
    return MemberBody.objects.create(platform=gunma, parent=gunma.member_bodies.get(name=EMPLOYERS), department="事務局")


@pytest.fixture
def naming_organising(gunma, organising):
    party = ResponsibleParty.objects.create(platform=gunma, label="連合（組織局）")
    party.bodies.add(organising)
    return party


# Groups reach members; a department only where it is named


def test_all_members_and_a_category_count_each_member_once(gunma, organising, employers_office):
    assert organising.membership == MemberBody.Membership.MEMBER and organising.category.name == "労働団体"
    everyone = party_bodies(gunma.responsible_parties.get(label="全機関・団体"))
    assert RENGO in names(everyone) and organising not in everyone
    economic = party_bodies(gunma.responsible_parties.get(label="経済団体"))
    assert EMPLOYERS in names(economic) and employers_office not in economic


def test_a_group_naming_a_department_reaches_it(gunma, organising, naming_organising, plan2025):
    assert list(party_bodies(naming_organising)) == [organising]
    assert list(party_bodies(naming_organising, plan2025)) == [organising]


def test_a_department_is_responsible_only_for_what_names_it(gunma, organising, naming_organising, plan2025, rengo):
    assert list(parties_including(organising, plan2025)) == [naming_organising]
    assert not Measure.objects.for_body(organising, plan2025).exists()
    # Its member keeps every 全機関・団体 measure.
    assert gunma.responsible_parties.get(label="全機関・団体") in parties_including(rengo, plan2025)
    assert Measure.objects.for_body(rengo, plan2025).exists()


def test_the_progress_check_does_not_wait_for_a_department_on_an_all_members_measure(client, lead_user, plan2025, organising):
    period = plan2025.reporting_periods.order_by("starts_on").first()
    client.force_login(lead_user)
    html = client.get(reverse("plans:consolidation_period", args=[2025, period.pk])).content.decode()
    assert RENGO in html  # the member is still expected, as 未報告
    assert organising.name not in html


def test_the_roles_screen_resolves_a_group_by_the_same_rule(gunma, organising, naming_organising):
    role = Role.objects.create(platform=gunma, name="周知・広報（試験）")
    RoleAssignment.objects.create(role=role, responsible_party=gunma.responsible_parties.get(label="全機関・団体"))
    RoleAssignment.objects.create(role=role, responsible_party=naming_organising)
    (row,) = [r for r in role_rows(gunma) if r.pk == role.pk]
    by_group = {h.assignment.responsible_party.label: names(h.bodies) for h in row.holders}
    assert RENGO in by_group["全機関・団体"] and organising.name not in by_group["全機関・団体"]
    assert by_group["連合（組織局）"] == {organising.name}
    for holder in row.holders:
        assert names(holder.bodies) == names(party_bodies(holder.assignment.responsible_party))


# A department ends with its member


def test_a_department_ends_with_its_member(gunma, rengo, organising, naming_organising, plan2025):
    rengo.left_on = date(2024, 3, 31)
    rengo.save()
    organising.refresh_from_db()
    bodies = MemberBody.objects.filter(platform=gunma)
    assert organising in bodies.current(date(2024, 3, 31))
    assert organising not in bodies.current(date(2024, 4, 1))
    assert organising not in bodies.during(plan2025.starts_on, plan2025.ends_on)
    assert not party_bodies(naming_organising, plan2025).exists()
    assert not parties_including(organising, plan2025).exists()
    # A 退会 entered by mistake and cleared brings the department back with its member.
    rengo.left_on = None
    rengo.save()
    assert organising in bodies.current(date(2024, 4, 1))


# The 出席者名簿 and the setup checklist count members


@pytest.fixture
def meeting(plan2025):
    return Meeting.objects.create(plan=plan2025, number=1, held_on=date(2025, 7, 10), venue="群馬県庁 会議室")


def test_attendance_gives_no_blank_row_to_a_department_and_counts_members(meeting, gunma, rengo, organising, employers_office):
    Representative.objects.create(member_body=employers_office, title="事務局長", name="上州 太郎")
    added = attendees_from_members(meeting)
    assert added == gunma.member_bodies.members().exclude(membership="partner").count() == 13
    rows = Attendee.objects.filter(meeting=meeting)
    assert not rows.filter(member_body=organising).exists()
    assert list(rows.filter(member_body=rengo).values_list("name", flat=True)) == [""]  # the member's own blank row
    assert list(rows.filter(member_body=employers_office).values_list("name", flat=True)) == ["上州 太郎"]
    assert not rows.filter(member_body__name=EMPLOYERS).exists()  # its department sends the person


def test_the_setup_checklist_does_not_count_departments_as_members(gunma):
    from core.models import Prefecture
    from onboarding.services import Opening, open_platform

    platform, _ = open_platform(Opening(
        prefecture=Prefecture.objects.get(name="鳥取県"), code="tottori", name="とっとり中高年世代活躍応援プラットフォーム",
        from_fiscal_year=2026, secretariat_body="鳥取労働局", username="tottori-lead", display_name="因幡 一郎", email="lead@example.jp",
    ))
    secretariat = platform.member_bodies.get()
    MemberBody.objects.create(platform=platform, parent=secretariat, department="職業安定部")
    assert done_steps(platform, None)["members"] is False
    MemberBody.objects.create(platform=platform, name="鳥取県")
    assert done_steps(platform, None)["members"] is True
