"""Meeting rules: a closed meeting is read-only; status moves; attendance from the member list."""
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch

from core import locking
from core.states import by_name
from meetings.models import Attendee, Meeting
from members.models import MemberBody, Representative

Status = Meeting.Status


def ensure_editable(meeting: Meeting) -> None:
    if not meeting.is_editable:
        raise ValidationError(f"{meeting}は確定済みのため編集できません。修正するには「再開」してください。")


@transaction.atomic
def change_status(meeting: Meeting, action: str, *, reason: str = "") -> Meeting:
    meeting = locking.lock(meeting)
    step = by_name(Meeting.ACTIONS, action)
    if step is None:
        raise ValidationError("操作を選んでください。")
    if not step.starts_from(meeting.status):
        raise ValidationError(f"{meeting}は{meeting.get_status_display()}のため、この操作はできません。")
    if step.needs_reason and not reason.strip():
        raise ValidationError(f"{step.word}の理由を入力してください。")
    meeting.status = step.target
    locking.next_version(meeting)
    meeting._change_reason = f"{step.word}：{reason.strip()}" if step.needs_reason else step.word
    meeting.save()
    return meeting


@transaction.atomic
def attendees_from_members(meeting: Meeting) -> int:
    """For each current member and observer not yet listed, one attendee row per representative
    (役職・氏名 from the member record), or one blank row for a member with none; in the member list's
    order, the secretariat's staff last. Answers how many members were added (the page says 「N機関」),
    a member counted once however many of its departments send people."""
    ensure_editable(meeting)
    listed = set(meeting.attendees.exclude(member_body=None).values_list("member_body_id", flat=True))
    bodies = (
        MemberBody.objects.filter(platform_id=meeting.plan.platform_id)
        .current(meeting.held_on)
        .exclude(membership=MemberBody.Membership.PARTNER)
        .exclude(pk__in=listed)
        .prefetch_related(Prefetch("representatives", queryset=Representative.objects.order_by("order", "id")))
        .order_by("membership", "order", "name")
    )
    members, secretariat = [], []
    bodies = list(bodies)
    # A member whose departments send people (群馬県 through 産業経済部) needs no blank row of its own.
    represented_by_departments = {b.parent_id for b in bodies if b.parent_id and b.representatives.all()}
    for body in bodies:
        people = list(body.representatives.all())
        # A blank row stands for a member to fill in; a department without people of its own is its member's.
        if not people and not body.is_department and body.pk not in represented_by_departments:
            members.append(Attendee(meeting=meeting, member_body=body))
        for person in people:
            row = Attendee(meeting=meeting, member_body=body, name=person.name, title=person.title)
            (secretariat if person.capacity == Representative.Capacity.SECRETARIAT else members).append(row)
    start = meeting.attendees.count()
    rows = members + secretariat
    for i, row in enumerate(rows):
        row.order = start + i
        row.save()
    return len({row.member_body.parent_id or row.member_body_id for row in rows})


@dataclass
class MeetingOverview:
    meeting: Meeting
    chair: str
    agenda: list
    attendees: list


def meeting_overview(meeting: Meeting) -> MeetingOverview:
    """What the detail page and the packet show of a meeting, in a constant number of queries."""
    agenda = list(
        meeting.agenda_items.select_related("presenter_body")
        .prefetch_related("measures__section__parent__parent", "proposals__member_body")
    )
    attendees = list(meeting.attendees.select_related("member_body"))
    chair = meeting.chair_name or meeting.plan.platform.chair_title
    return MeetingOverview(meeting, chair, agenda, attendees)
