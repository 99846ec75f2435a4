"""Rules of a policy proposal's life: who sees it, how it is handled, answered or withdrawn, who is told.

Views call these functions; tests call them without a request.
"""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone

from core import locking
from core.states import allows
from members.models import AccessRole, User
from plans.models import Measure
from proposals.models import PolicyProposal

Status = PolicyProposal.Status


# --- Who sees what -----------------------------------------------------------------------------


def visible_proposals(user):
    """The platform's proposals the user may see: all for the secretariat, else the own body's."""
    return PolicyProposal.objects.restrict(user, "handle_proposal", "submit_proposal").select_related("member_body")


def may_withdraw(user, proposal) -> bool:
    """Only the proposing body, and only before the secretariat has started on it (PolicyProposal.ACTIONS)."""
    return allows(proposal, user, "withdraw")


# --- The related-measure choice ----------------------------------------------------------------


def plan_measures(plan):
    """The measures of a plan, in roadmap order, and its sections by id, in two queries."""
    if plan is None:
        return Measure.objects.none(), {}
    sections = {s.pk: s for s in plan.sections.all()}
    for section in sections.values():
        # The tree in memory, so that Measure.code walks it without a query per level.
        section.parent = sections.get(section.parent_id)
    measures = Measure.objects.filter(section__plan=plan).order_by("section__order", "order", "id")
    return measures, sections


def measure_label(measure, sections, length: int = 40) -> str:
    """"2(1)ア① 見出し…" for a choice list."""
    measure.section = sections[measure.section_id]
    head = measure.title or measure.description
    if len(head) > length:
        head = head[:length] + "…"
    return f"{measure.code} {head}"


# --- Handling ----------------------------------------------------------------------------------

ANSWER_REQUIRED = "対応状況を「回答済」にするには、「回答」を入力してください。"


def validate_handling(status: str, response: str) -> None:
    if status == Status.ANSWERED and not (response or "").strip():
        raise ValidationError({"response": ANSWER_REQUIRED})


def record_handling(proposal, user, *, status, handling, response, for_agenda, version=None) -> bool:
    """Save the secretariat's handling; returns True when this save is (a new) answer to send.

    `version` is the one the form showed: a proposal saved since is refused (locking.StaleEdit),
    nothing is saved. Answering stamps who answered and when; changing an answer already given
    stamps it again, since the proposer should hear of the new wording.
    """
    validate_handling(status, response)
    with locking.edit(proposal, proposal.version if version is None else version) as before:
        answered = status == Status.ANSWERED and (before.status != Status.ANSWERED or before.response != response)
        proposal.status = status
        proposal.handling = handling
        proposal.response = response
        proposal.for_agenda = for_agenda
        if answered:
            proposal.responded_by = user
            proposal.responded_at = timezone.now()
        proposal._change_reason = "事務局の対応"
    return answered


WITHDRAW_STALE = "この提案は、表示した後に更新されています。最新の内容を確かめてください。"


def withdraw(proposal, user, *, version=None) -> None:
    """The proposing body takes it back; refused once the secretariat has started, or if it changed since shown."""
    with locking.edit(proposal, proposal.version if version is None else version, message=WITHDRAW_STALE) as before:
        if not may_withdraw(user, before):
            raise ValidationError("受付の状態の提案だけを、提案した機関が取り下げられます。")
        proposal.status = Status.WITHDRAWN
        proposal._change_reason = "提案機関による取下げ"


# --- Notifications -----------------------------------------------------------------------------


def users_with_permission(platform, code: str, *, member_body=None):
    """Active users of the platform (or of one body) whose roles hold a permission, with an address."""
    # JSON "contains" is not portable (SQLite), and a platform has only a handful of roles.
    role_ids = [r.pk for r in AccessRole.objects.filter(platform=platform) if code in (r.permissions or [])]
    users = User.objects.filter(member_body__platform=platform, is_active=True, access_roles__in=role_ids).exclude(email="")
    if member_body is not None:
        users = users.filter(member_body=member_body)
    return users.distinct().order_by("pk")


def _send_after_commit(subject: str, body: str, users) -> int:
    messages = [(subject, body, settings.DEFAULT_FROM_EMAIL, [u.email]) for u in users]
    if messages:
        # One message per person: recipients do not see each other's addresses; nothing is
        # sent for a save that is rolled back.
        transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=False))
    return len(messages)


def notify_submitted(proposal, url: str) -> int:
    body = (
        f"{proposal.member_body} から政策提案が提出されました。\n\n"
        f"件名：{proposal.title}\n提出者：{proposal.submitted_by or ''}\n\n{proposal.content}\n\n"
        f"内容の確認と対応状況の記録は次の画面から行ってください。\n{url}\n"
    )
    recipients = users_with_permission(proposal.platform, "handle_proposal")
    return _send_after_commit(f"【政策提案】{proposal.title}", body, recipients)


def notify_answered(proposal, url: str) -> int:
    body = (
        f"{proposal.member_body} から提出された政策提案に、事務局が回答しました。\n\n"
        f"件名：{proposal.title}\n\n回答：\n{proposal.response}\n\n{url}\n"
    )
    recipients = users_with_permission(proposal.platform, "submit_proposal", member_body=proposal.member_body)
    return _send_after_commit(f"【政策提案への回答】{proposal.title}", body, recipients)
