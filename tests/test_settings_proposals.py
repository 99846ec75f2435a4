"""変更の提案 on the platform settings: the deputy reads and proposes, the lead decides, the proposer reads the outcome."""
import importlib
import json

import pytest
from django.apps import apps
from django.urls import reverse

from core.access import may
from core.models import Platform, SettingsProposal
from members.models import AccessRole
from onboarding.services import DEFAULTS_FILE

OVERVIEW = reverse("platform_settings:overview")
PROPOSE = reverse("platform_settings:propose")


def _propose(platform, text="会議の開催頻度を「原則として年2回以上」にしてください。設置要領の改正に合わせるためです。", by=None):
    return SettingsProposal.objects.create(platform=platform, text=text, proposed_by=by)


def _decision(proposal, action, note="", version=None):
    prefix = f"decision-{proposal.pk}"
    return {f"{prefix}-action": action, f"{prefix}-note": note, f"{prefix}-version": proposal.version if version is None else version}


def _decide_url(proposal):
    return reverse("platform_settings:decide", args=[proposal.pk])


def test_the_deputy_reads_the_settings_without_edit_forms_and_proposes(client, gunma, deputy_user):
    assert may(deputy_user, "propose_platform_settings") and not may(deputy_user, "manage_platform_settings")
    client.force_login(deputy_user)
    page = client.get(OVERVIEW).content.decode()
    assert "この画面は閲覧のみです" in page and "変更を提案する" in page
    # No edit form or link: only the proposal form posts.
    assert 'name="meeting_frequency"' not in page
    for name in ("platform_settings:stages", "platform_settings:guideline_new", "platform_names"):
        assert f'href="{reverse(name)}"' not in page
    assert page.count('method="post"') == 1 + page.count(f'action="{reverse("logout")}"')  # the proposal form (and the menu's sign-out)
    response = client.post(PROPOSE, {"proposal-text": "  座長の役職名を改めてください（4月の人事異動のため）。  "})
    assert response.status_code == 302 and response["Location"].endswith("#proposals")
    proposal = SettingsProposal.objects.get(platform=gunma)
    assert (proposal.text, proposal.proposed_by, proposal.status) == ("座長の役職名を改めてください（4月の人事異動のため）。", deputy_user, "open")
    assert proposal.history.first().history_user == deputy_user
    page = client.get(OVERVIEW).content.decode()
    assert "座長の役職名を改めてください" in page and "提案中 1件" in page and "反映済にする" not in page
    # The deputy still cannot save the settings themselves.
    assert client.post(OVERVIEW, {"version": gunma.version, "meeting_frequency": "毎月"}).status_code == 403
    assert Platform.objects.get(pk=gunma.pk).meeting_frequency != "毎月"


@pytest.mark.parametrize("text, message", [
    ("   ", "「提案内容」を入力してください。"),
    ("あ" * (SettingsProposal.TEXT_MAX + 1), f"「提案内容」は{SettingsProposal.TEXT_MAX}文字以内で入力してください"),
])
def test_a_bad_proposal_is_refused_naming_the_field(client, gunma, deputy_user, text, message):
    client.force_login(deputy_user)
    response = client.post(PROPOSE, {"proposal-text": text})
    assert response.status_code == 400 and message in response.content.decode()
    assert not SettingsProposal.objects.exists()


def test_the_lead_marks_a_proposal_applied_and_the_proposer_reads_it(client, gunma, deputy_user, lead_user):
    proposal = _propose(gunma, by=deputy_user)
    client.force_login(lead_user)
    page = client.get(OVERVIEW).content.decode()
    assert "会議の開催頻度を「原則として年2回以上」" in page and "反映済にする" in page and "見送る" in page
    assert "変更を提案する" not in page  # the lead edits; proposing is the deputy's (role data)
    response = client.post(_decide_url(proposal), _decision(proposal, "apply"))
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by, proposal.version) == ("applied", lead_user, 1) and proposal.decided_at
    assert proposal.history.first().history_change_reason == "反映済"
    client.force_login(deputy_user)
    page = client.get(OVERVIEW).content.decode()
    assert "反映済" in page and "提案中のものはありません。" in page


def test_declining_needs_a_note_which_the_proposer_reads(client, gunma, deputy_user, lead_user):
    proposal = _propose(gunma, by=deputy_user)
    client.force_login(lead_user)
    response = client.post(_decide_url(proposal), _decision(proposal, "decline", note="  "))
    assert response.status_code == 400
    assert "「見送り」にするには、メモに理由を入力してください。" in response.content.decode()
    assert SettingsProposal.objects.get(pk=proposal.pk).status == "open"
    assert client.post(_decide_url(proposal), _decision(proposal, "decline", note="次の改正で検討します。")).status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.note) == ("declined", "次の改正で検討します。")
    client.force_login(deputy_user)
    page = client.get(OVERVIEW).content.decode()
    assert "見送り" in page and "次の改正で検討します。" in page


def test_a_decision_on_a_page_shown_before_anothers_decision_is_refused(client, gunma, deputy_user, lead_user):
    proposal = _propose(gunma, by=deputy_user)
    shown = _decision(proposal, "decline", note="見送ります。")
    client.force_login(lead_user)
    assert client.post(_decide_url(proposal), _decision(proposal, "apply")).status_code == 302
    response = client.post(_decide_url(proposal), shown)
    assert response.status_code == 400 and "他の利用者が判断しました" in response.content.decode()
    proposal.refresh_from_db()
    assert (proposal.status, proposal.note, proposal.version) == ("applied", "", 1)


def test_a_stale_version_is_refused_even_while_the_proposal_is_open(client, gunma, lead_user):
    proposal = _propose(gunma)
    SettingsProposal.objects.filter(pk=proposal.pk).update(version=5)
    client.force_login(lead_user)
    response = client.post(_decide_url(proposal), _decision(proposal, "decline", note="理由", version=0))
    page = response.content.decode()
    assert response.status_code == 400 and "他の利用者が判断しました" in page and "理由" in page
    assert SettingsProposal.objects.get(pk=proposal.pk).status == "open"


def test_another_platforms_proposal_is_not_found(client, gunma, other_platform_user):
    role = other_platform_user.access_roles.get()
    role.permissions = [*role.permissions, "manage_platform_settings", "propose_platform_settings"]
    role.save()
    proposal = _propose(gunma)
    client.force_login(other_platform_user)
    assert client.post(_decide_url(proposal), _decision(proposal, "apply")).status_code == 404
    page = client.get(OVERVIEW).content.decode()
    assert "会議の開催頻度を「原則として年2回以上」" not in page
    assert SettingsProposal.objects.get(pk=proposal.pk).status == "open"


@pytest.mark.parametrize("user", ["observer_user", "chair_user", "hw_user"])
def test_readers_are_refused(client, request, gunma, user):
    proposal = _propose(gunma)
    client.force_login(request.getfixturevalue(user))
    assert client.get(OVERVIEW).status_code == 403
    assert client.post(PROPOSE, {"proposal-text": "変えてください。"}).status_code == 403
    assert client.post(_decide_url(proposal), _decision(proposal, "apply")).status_code == 403
    assert SettingsProposal.objects.count() == 1 and SettingsProposal.objects.get().status == "open"


def test_the_deputy_cannot_decide(client, gunma, deputy_user):
    proposal = _propose(gunma, by=deputy_user)
    client.force_login(deputy_user)
    assert client.post(_decide_url(proposal), _decision(proposal, "apply")).status_code == 403
    assert SettingsProposal.objects.get(pk=proposal.pk).status == "open"


@pytest.mark.parametrize("user", ["lead_user", "deputy_user"])
def test_the_overview_query_count_is_pinned_and_constant_as_proposals_grow(client, request, gunma, deputy_user, lead_user, user,
                                                                           django_assert_num_queries):
    client.force_login(request.getfixturevalue(user))
    client.get(OVERVIEW)  # warm the per-user caches the menu uses
    _propose(gunma, by=deputy_user)
    SettingsProposal.objects.create(platform=gunma, text="決定済み", proposed_by=deputy_user, status="declined", decided_by=lead_user, note="理由")
    expected = {"lead_user": PINNED_LEAD, "deputy_user": PINNED_DEPUTY}[user]
    with django_assert_num_queries(expected):
        client.get(OVERVIEW)
    for i in range(10):
        _propose(gunma, text=f"提案{i}", by=deputy_user)
        SettingsProposal.objects.create(platform=gunma, text=f"決定{i}", proposed_by=deputy_user, status="applied", decided_by=lead_user)
    with django_assert_num_queries(expected):
        page = client.get(OVERVIEW).content.decode()
    assert "提案中 11件" in page


# The page's queries (session, user, roles, platform, names, stages, guidelines, history, menu),
# of which two for the proposals however many there are: open ones, and the latest decided.
PINNED_LEAD = 22
PINNED_DEPUTY = 22


def test_the_default_deputy_role_proposes_and_the_migration_gives_it_to_existing_deputies(gunma):
    defaults = {role["code"]: role["permissions"] for role in json.loads(DEFAULTS_FILE.read_text(encoding="utf-8"))["access_roles"]}
    assert "propose_platform_settings" in defaults["deputy_secretariat"]
    assert "propose_platform_settings" not in defaults["lead_secretariat"]  # the lead edits
    deputy = AccessRole.objects.get(platform=gunma, code="deputy_secretariat")
    deputy.permissions = [code for code in deputy.permissions if code != "propose_platform_settings"]
    deputy.save()
    migration = importlib.import_module("core.migrations.0006_deputy_proposes_platform_settings")
    migration.grant(apps, None)
    migration.grant(apps, None)  # twice: still once
    deputy.refresh_from_db()
    assert deputy.permissions.count("propose_platform_settings") == 1
    assert "propose_platform_settings" not in AccessRole.objects.get(platform=gunma, code="observer").permissions
