"""Rows of 変更の提案 on the platform settings (core/views.py: propose, decide).

The deputy secretariat proposes by default (propose_platform_settings); the lead decides
(manage_platform_settings). Both URLs take POST only: their GET answers 405 once past the
permission check. Another platform's lead proposes on its own platform (302) but never
reaches Gunma's proposal (404).
"""
from django.urls import reverse

from core.models import SettingsProposal
from tests.matrix_rows.base import Row, statuses

PROPOSE_GET = statuses(302, 405, 403, 403, 405, 403, 403, 403, welfare=403, municipal=403, national=404, admin=404)
PROPOSED = statuses(302, 302, 403, 403, 302, 403, 403, 403, welfare=403, municipal=403, national=404, admin=404)
DECIDE_GET = statuses(302, 405, 403, 403, 403, 405, 403, 403, welfare=403, municipal=403, national=404, admin=404)
DECIDED = statuses(302, 404, 403, 403, 403, 302, 403, 403, welfare=403, municipal=403, national=404, admin=404)


def _proposal(w):
    return SettingsProposal.objects.get_or_create(platform=w["plan"].platform, text="会議の開催頻度を「原則として年2回以上」にしてください。")[0]


def _decision(w):
    proposal = _proposal(w)
    return {f"decision-{proposal.pk}-action": "apply", f"decision-{proposal.pk}-note": "", f"decision-{proposal.pk}-version": proposal.version}


ROWS = [
    Row("platform_settings:propose", lambda w: reverse("platform_settings:propose"), PROPOSE_GET, "bureau_staff"),
    Row("platform_settings:propose", lambda w: reverse("platform_settings:propose"), PROPOSED, "bureau_staff", method="post",
        data=lambda w: {"proposal-text": "座長の役職名を改めてください（4月の人事異動のため）。"}),
    Row("platform_settings:decide", lambda w: reverse("platform_settings:decide", args=[_proposal(w).pk]), DECIDE_GET, "bureau_staff"),
    Row("platform_settings:decide", lambda w: reverse("platform_settings:decide", args=[_proposal(w).pk]), DECIDED, "bureau_staff",
        method="post", data=_decision),
]
