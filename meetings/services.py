"""Meeting rules: a closed meeting is read-only; status moves; attendance from the member list."""
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch

from meetings.models import Attendee, Meeting
from members.models import MemberBody, Representative

Status = Meeting.Status
TRANSITIONS = {"held": (Status.PLANNED, Status.HELD), "close": (Status.HELD, Status.CLOSED), "reopen": (Status.CLOSED, Status.HELD)}
DONE = {"held": "開催済にしました", "close": "確定しました（編集できなくなります）", "reopen": "再開しました"}


def ensure_editable(meeting: Meeting) -> None:
    if meeting.is_closed:
        raise ValidationError(f"{meeting}は確定済みのため編集できません。修正するには「再開」してください。")


@transaction.atomic
def change_status(meeting: Meeting, action: str, *, reason: str = "") -> Meeting:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if action not in TRANSITIONS:
        raise ValidationError("操作を選んでください。")
    before, after = TRANSITIONS[action]
    if meeting.status != before:
        raise ValidationError(f"{meeting}は{meeting.get_status_display()}のため、この操作はできません。")
    if action == "reopen" and not reason.strip():
        raise ValidationError("再開の理由を入力してください。")
    meeting.status = after
    meeting.version += 1
    meeting._change_reason = f"再開：{reason.strip()}" if action == "reopen" else DONE[action]
    meeting.save()
    return meeting


@transaction.atomic
def attendees_from_members(meeting: Meeting) -> int:
    """For each current member and observer not yet listed, one attendee row per representative
    (役職・氏名 from the member record), or one blank row for a body with none; in the member list's
    order, the secretariat's staff last."""
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
    for body in bodies:
        people = list(body.representatives.all())
        if not people:
            members.append(Attendee(meeting=meeting, member_body=body))
        for person in people:
            row = Attendee(meeting=meeting, member_body=body, name=person.name, title=person.title)
            (secretariat if person.capacity == Representative.Capacity.SECRETARIAT else members).append(row)
    start = meeting.attendees.count()
    rows = members + secretariat
    for i, row in enumerate(rows):
        row.order = start + i
        row.save()
    return len(rows)


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
