"""政策提案: a member body submits, the secretariat handles and answers, nobody else sees it."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.models import AccessRole
from plans.models import Measure
from proposals import services
from proposals.demo import generate_demo_proposals
from proposals.models import PolicyProposal
from tests.factories import load_sample_platform, make_user

Status = PolicyProposal.Status
KEIEISHA = "（一社）群馬県経営者協会"


@pytest.fixture
def keieisha_user(gunma):
    user = make_user(gunma, username="keieisha", body_name=KEIEISHA)
    user.email = "keieisha@example.jp"
    user.save()
    return user


@pytest.fixture
def annaka_user(gunma):
    return make_user(gunma, username="annaka", body_name="安中市")


@pytest.fixture
def lead(lead_user):
    lead_user.email = "lead@example.jp"
    lead_user.save()
    return lead_user


@pytest.fixture
def measure(plan2025):
    return Measure.objects.get(section__plan=plan2025, section__number="(3)", section__parent__number="2", number="②")


def submit(client, user, *, title="正社員転換の説明会", measure=None, capture=None, **extra):
    client.force_login(user)
    data = {"title": title, "content": "会員企業向けの説明会を開いてほしい。", "background": "制度が複雑なため。"}
    if measure is not None:
        data["related_measure"] = measure.pk
    data.update(extra)
    return client.post(reverse("proposals:new"), data)


def make_proposal(platform, body_name, title="経営者向け説明会の要望", **fields):
    body = platform.member_bodies.get(name=body_name)
    return PolicyProposal.objects.create(platform=platform, member_body=body, title=title, content="内容", **fields)


def list_html(client, user, query=""):
    client.force_login(user)
    response = client.get(reverse("proposals:list") + query)
    assert response.status_code == 200
    return response.content.decode()


# --- Submitting --------------------------------------------------------------------------------


def test_member_submits_and_secretariat_is_told(
    client, keieisha_user, lead, annaka_user, measure, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client, keieisha_user, measure=measure)
    proposal = PolicyProposal.objects.get(title="正社員転換の説明会")
    assert response.status_code == 302 and response["Location"] == reverse("proposals:detail", args=[proposal.pk])
    assert proposal.member_body.name == KEIEISHA
    assert proposal.submitted_by == keieisha_user
    assert proposal.related_measure == measure
    assert proposal.status == Status.SUBMITTED

    detail = client.get(response["Location"]).content.decode()
    assert "政策提案「正社員転換の説明会」を提出しました" in detail
    assert "2(3)② 有期契約労働者等に対する正社員転換の促進" in detail

    # Only the secretariat's people with an address are told (the lead; not the member itself).
    assert [m.to for m in mailoutbox] == [["lead@example.jp"]]
    assert "正社員転換の説明会" in mailoutbox[0].subject
    assert f"/proposals/{proposal.pk}/" in mailoutbox[0].body

    assert "正社員転換の説明会" in list_html(client, keieisha_user)
    assert "正社員転換の説明会" in list_html(client, lead)
    assert "正社員転換の説明会" not in list_html(client, annaka_user)


def test_secretariat_without_address_is_skipped(client, keieisha_user, lead_user, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client, keieisha_user)
    assert response.status_code == 302
    assert mailoutbox == []


def test_form_offers_only_the_working_plans_measures_with_section_numbers(client, keieisha_user, plan2025):
    client.force_login(keieisha_user)
    html = client.get(reverse("proposals:new")).content.decode()
    for label in ("件名", "提案内容", "背景・理由", "関連する取組"):
        assert f">{label}" in html
    assert "2(1)ア① " in html and "4(2) " in html
    assert html.count("<option") == Measure.objects.filter(section__plan=plan2025).count() + 1


def test_missing_title_and_content_are_explained_in_japanese(client, keieisha_user):
    response = submit(client, keieisha_user, title="", content="")
    html = response.content.decode()
    assert response.status_code == 200
    assert "「件名」を入力してください。" in html and "「提案内容」を入力してください。" in html
    assert not PolicyProposal.objects.exists()


def test_measure_of_another_platform_is_refused(client, keieisha_user):
    other = load_sample_platform()
    foreign = Measure.objects.filter(section__plan__platform=other).first()
    response = submit(client, keieisha_user, measure=foreign)
    assert response.status_code == 200
    assert "「関連する取組」には、この協議会の工程表の取組を選んでください。" in response.content.decode()
    assert not PolicyProposal.objects.exists()


def test_model_refuses_a_foreign_measure_too(gunma, measure):
    from django.core.exceptions import ValidationError

    other = load_sample_platform()
    proposal = PolicyProposal(platform=other, member_body=other.member_bodies.first(), title="t", content="c", related_measure=measure)
    with pytest.raises(ValidationError):
        proposal.full_clean()


# --- Who sees what -----------------------------------------------------------------------------


def test_detail_of_another_bodys_proposal_is_404_for_a_member(client, gunma, annaka_user, keieisha_user, lead):
    proposal = make_proposal(gunma, KEIEISHA)
    url = reverse("proposals:detail", args=[proposal.pk])
    client.force_login(annaka_user)
    assert client.get(url).status_code == 404
    assert client.get(reverse("proposals:handle", args=[proposal.pk])).status_code == 403
    client.force_login(keieisha_user)
    assert client.get(url).status_code == 200
    client.force_login(lead)
    assert client.get(url).status_code == 200


def test_another_platforms_proposal_is_404(client, gunma, other_platform_user, lead):
    # The sample platform's roles carry no proposal rights; give its lead both, so the 404 is
    # the tenant boundary speaking and not a missing permission.
    role = AccessRole.objects.create(
        platform=other_platform_user.member_body.platform, code="proposals", name="提案", permissions=["submit_proposal", "handle_proposal"]
    )
    other_platform_user.access_roles.add(role)
    proposal = make_proposal(gunma, KEIEISHA)
    client.force_login(other_platform_user)
    assert client.get(reverse("proposals:detail", args=[proposal.pk])).status_code == 404
    assert client.get(reverse("proposals:handle", args=[proposal.pk])).status_code == 404
    assert proposal.title not in list_html(client, other_platform_user)


@pytest.mark.parametrize("user_fixture", ["chair_user", "observer_user"])
def test_readers_without_proposal_rights_get_403(client, gunma, request, user_fixture):
    client.force_login(request.getfixturevalue(user_fixture))
    assert client.get(reverse("proposals:list")).status_code == 403
    assert client.get(reverse("proposals:new")).status_code == 403


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(reverse("proposals:list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_deputy_may_submit_but_not_handle(client, gunma, deputy_user):
    proposal = make_proposal(gunma, KEIEISHA)
    client.force_login(deputy_user)
    assert client.get(reverse("proposals:new")).status_code == 200
    assert client.get(reverse("proposals:handle", args=[proposal.pk])).status_code == 403
    assert proposal.title not in list_html(client, deputy_user)


def test_secretariat_filters_by_status_and_agenda(client, gunma, lead):
    make_proposal(gunma, KEIEISHA, title="受付の提案")
    make_proposal(gunma, "安中市", title="回答済の議題候補", status=Status.ANSWERED, response="回答", for_agenda=True)
    html = list_html(client, lead, "?status=answered")
    assert "回答済の議題候補" in html and "受付の提案" not in html
    html = list_html(client, lead, "?agenda=yes")
    assert "回答済の議題候補" in html and "受付の提案" not in html
    html = list_html(client, lead, "?agenda=no")
    assert "受付の提案" in html and "回答済の議題候補" not in html
    # An unknown value is ignored, not an error page.
    html = list_html(client, lead, "?status=bogus")
    assert "受付の提案" in html and "回答済の議題候補" in html


def test_list_shows_the_columns_in_japanese(client, gunma, lead):
    make_proposal(gunma, KEIEISHA, title="列の確認")
    html = list_html(client, lead)
    for column in ("件名", "提案機関", "提出日", "対応状況", "議題候補"):
        assert f">{column}</th>" in html
    assert "令和" in html and KEIEISHA in html and ">受付<" in html


# --- Handling and answering --------------------------------------------------------------------


def handle(client, user, proposal, **data):
    proposal.refresh_from_db()
    payload = {
        "status": proposal.status,
        "handling": proposal.handling,
        "response": proposal.response,
        "version": proposal.version,
    }
    if proposal.for_agenda:
        payload["for_agenda"] = "on"
    payload.update(data)
    client.force_login(user)
    return client.post(reverse("proposals:handle", args=[proposal.pk]), payload)


def test_answer_is_required_for_answered(client, gunma, lead):
    proposal = make_proposal(gunma, KEIEISHA)
    response = handle(client, lead, proposal, status=Status.ANSWERED, response="  ")
    assert response.status_code == 200
    assert "対応状況を「回答済」にするには、「回答」を入力してください。" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == Status.SUBMITTED


def test_lead_answers_and_the_proposer_is_told(
    client, gunma, lead, keieisha_user, mailoutbox, django_capture_on_commit_callbacks
):
    proposal = make_proposal(gunma, KEIEISHA, title="説明会の開催")
    handle(client, lead, proposal, status=Status.UNDER_REVIEW, handling="日程を調整中")
    with django_capture_on_commit_callbacks(execute=True):
        response = handle(
            client, lead, proposal, status=Status.ANSWERED, response="11月に講師を派遣します。", for_agenda="on"
        )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Status.ANSWERED
    assert proposal.responded_by == lead and proposal.responded_at is not None
    assert proposal.for_agenda and proposal.handling == "日程を調整中"
    assert [m.to for m in mailoutbox] == [["keieisha@example.jp"]]
    assert "11月に講師を派遣します。" in mailoutbox[0].body

    client.force_login(keieisha_user)
    html = client.get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    assert "11月に講師を派遣します。" in html and "日程を調整中" in html
    # The history shows the status before and after each change.
    assert "対応状況：受付 → 検討中" in html
    assert "対応状況：検討中 → 回答済" in html
    assert "協議会の議題候補：いいえ → はい" in html


def test_stale_handling_is_refused_keeping_the_input(client, gunma, lead):
    proposal = make_proposal(gunma, KEIEISHA)
    stale_version = proposal.version
    handle(client, lead, proposal, status=Status.UNDER_REVIEW, handling="先の更新")
    response = handle(client, lead, proposal, status=Status.ANSWERED, response="後の回答", version=stale_version)
    html = response.content.decode()
    assert response.status_code == 200
    assert "他の利用者が更新しました" in html and "後の回答" in html
    proposal.refresh_from_db()
    assert proposal.status == Status.UNDER_REVIEW and proposal.response == ""


def test_record_handling_service_stamps_only_new_answers(gunma, lead):
    proposal = make_proposal(gunma, KEIEISHA)
    assert services.record_handling(proposal, lead, status=Status.ANSWERED, handling="", response="回答", for_agenda=False)
    assert not services.record_handling(proposal, lead, status=Status.ANSWERED, handling="追記", response="回答", for_agenda=True)
    assert services.record_handling(proposal, lead, status=Status.ANSWERED, handling="", response="訂正した回答", for_agenda=True)


# --- Withdrawing -------------------------------------------------------------------------------


def test_proposer_withdraws_while_submitted(client, gunma, keieisha_user, annaka_user):
    proposal = make_proposal(gunma, KEIEISHA)
    url = reverse("proposals:withdraw", args=[proposal.pk])
    client.force_login(annaka_user)
    assert client.post(url, {"version": proposal.version}).status_code == 404

    client.force_login(keieisha_user)
    detail = client.get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    assert "この提案を取り下げる" in detail
    response = client.post(url, {"version": proposal.version}, follow=True)
    proposal.refresh_from_db()
    assert proposal.status == Status.WITHDRAWN
    html = response.content.decode()
    assert "取り下げました" in html
    assert "対応状況：受付 → 取下げ" in html
    assert "この提案を取り下げる" not in html


def test_secretariat_may_not_withdraw_for_the_proposer(client, gunma, lead):
    proposal = make_proposal(gunma, KEIEISHA)
    client.force_login(lead)
    assert "この提案を取り下げる" not in client.get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    response = client.post(reverse("proposals:withdraw", args=[proposal.pk]), {"version": proposal.version})
    assert response.status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == Status.SUBMITTED


def test_withdraw_is_refused_once_under_review(client, gunma, keieisha_user):
    proposal = make_proposal(gunma, KEIEISHA, status=Status.UNDER_REVIEW)
    client.force_login(keieisha_user)
    response = client.post(reverse("proposals:withdraw", args=[proposal.pk]), {"version": proposal.version}, follow=True)
    assert "受付の状態の提案だけを" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == Status.UNDER_REVIEW


def test_withdraw_needs_post(client, gunma, keieisha_user):
    proposal = make_proposal(gunma, KEIEISHA)
    client.force_login(keieisha_user)
    assert client.get(reverse("proposals:withdraw", args=[proposal.pk])).status_code == 405


# --- Query counts ------------------------------------------------------------------------------

# Session, user, body, platform (+names, stages), roles, working plan, proposals; a savepoint pair (ATOMIC_REQUESTS).
LIST_QUERIES = 12  # with the menu's check that the body reports a KPI (実績入力)


def _add_proposals(gunma, n):
    bodies = list(gunma.member_bodies.all()[:5])
    for i in range(n):
        make_proposal(gunma, bodies[i % len(bodies)].name, title=f"追加の提案{i}", for_agenda=i % 2 == 0)


@pytest.mark.parametrize("user_fixture", ["lead", "keieisha_user"])
def test_list_query_count_is_pinned_and_constant(client, gunma, request, django_assert_num_queries, user_fixture):
    user = request.getfixturevalue(user_fixture)
    client.force_login(user)
    url = reverse("proposals:list")
    make_proposal(gunma, KEIEISHA, title="最初の提案")
    _add_proposals(gunma, 3)
    # The lead also loads their second-factor device.
    expected = LIST_QUERIES + (user_fixture == "lead")
    with django_assert_num_queries(expected):
        client.get(url)
    _add_proposals(gunma, 30)
    with CaptureQueriesContext(connection) as grown:
        response = client.get(url + "?status=submitted")
    assert len(grown) == expected
    assert "最初の提案" in response.content.decode()


# --- Demo data ---------------------------------------------------------------------------------


def test_demo_proposals_are_idempotent(gunma):
    assert generate_demo_proposals(gunma) == 3
    assert generate_demo_proposals(gunma) == 0
    proposals = list(gunma.proposals.all())
    assert len(proposals) == 3
    assert {p.status for p in proposals} == {Status.SUBMITTED, Status.UNDER_REVIEW, Status.ANSWERED}
    assert sum(p.for_agenda for p in proposals) == 1
    assert all(p.related_measure is not None for p in proposals)
    assert all(p.history.count() == 1 for p in proposals)
    assert len({p.submitted_at.date() for p in proposals}) == 3
