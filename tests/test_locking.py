"""Optimistic locking (core/locking.py): a save made from a page that is out of date is refused,
nothing is saved and the user's input stays on the page; the row lock lets only one of two
simultaneous saves of the same version through (PostgreSQL)."""
import threading
from datetime import date

import pytest
from django.db import connection
from django.urls import reverse

from core import locking
from meetings.forms import MeetingForm
from meetings.models import Meeting
from municipal_pf.forms import ReportForm
from plans.forms import ProgressReportForm
from plans.models import ProgressReport
from proposals import services
from proposals.models import PolicyProposal

PG_ONLY = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a second connection (CI uses PostgreSQL)")
KEIEISHA = "（一社）群馬県経営者協会"
Status = PolicyProposal.Status


@pytest.fixture
def meeting(plan2025):
    return Meeting.objects.create(plan=plan2025, number=1, held_on=date(2025, 7, 10))


def proposal_of(gunma, **fields):
    body = gunma.member_bodies.get(name=KEIEISHA)
    return PolicyProposal.objects.create(platform=gunma, member_body=body, title="経営者向け説明会の要望", content="内容", **fields)


# --- The helper -------------------------------------------------------------------------------


def test_an_edit_is_saved_as_the_next_version(meeting):
    meeting.minutes = "一人目"
    with locking.edit(meeting, "0") as before:
        assert before.minutes == ""  # the row as stored, for rules that compare before and after
    stored = Meeting.objects.get(pk=meeting.pk)
    assert stored.version == 1 and stored.minutes == "一人目"


@pytest.mark.parametrize("posted", ["2", "", None], ids=["older", "blank", "missing"])
def test_a_stale_edit_saves_nothing(meeting, posted):
    Meeting.objects.filter(pk=meeting.pk).update(version=3, minutes="先の保存")
    meeting.minutes = "後の保存"
    with pytest.raises(locking.StaleEdit) as caught:
        with locking.edit(meeting, posted):
            raise AssertionError("the block runs only for the current version")
    assert "他の利用者が先にこの協議会を更新しました" in caught.value.messages[0]
    stored = Meeting.objects.get(pk=meeting.pk)
    assert (stored.minutes, stored.version) == ("先の保存", 3)


def test_an_error_inside_the_edit_rolls_it_back(meeting):
    meeting.minutes = "途中"
    with pytest.raises(ValueError):
        with locking.edit(meeting, "0"):
            raise ValueError
    stored = Meeting.objects.get(pk=meeting.pk)
    assert (stored.minutes, stored.version) == ("", 0)


def test_a_model_without_its_own_wording_gets_the_portals():
    assert locking.StaleEdit().messages == [locking.STALE]
    assert locking.STALE.startswith("他の利用者が先に保存しました。") and "何も保存していません" in locking.STALE


def test_edit_forms_carry_the_version_shown(meeting, plan2025, gunma, hw_user):
    from municipal_pf.models import MunicipalPlatform, MunicipalReport

    mpf = MunicipalPlatform.objects.create(platform=gunma, municipality=gunma.prefecture.municipalities.get(name="前橋市"))
    period = plan2025.reporting_periods.first()
    report = MunicipalReport.objects.create(municipal_platform=mpf, period=period, kind="issue", title="課題", body="x", version=4)
    progress = ProgressReport.objects.create(
        measure=plan2025.sections.get(parent=None, number="2").children.get(number="(1)").children.get(number="ア").measures.get(number="①"),
        period=period, member_body=hw_user.member_body, version=5,
    )
    Meeting.objects.filter(pk=meeting.pk).update(version=3)
    meeting.refresh_from_db()
    forms = [
        (MeetingForm(instance=meeting), 3),
        (ReportForm(instance=report, platforms=MunicipalPlatform.objects.all(), periods=plan2025.reporting_periods.all(), handles=True), 4),
        (ProgressReportForm(instance=progress), 5),
    ]
    for form, version in forms:
        html = str(form["version"])
        assert 'type="hidden"' in html and f'value="{version}"' in html, type(form).__name__


# --- Policy proposals: a real version and a row lock (was the last update's time, unlocked) ---


def handle(client, proposal, **data):
    payload = {"status": proposal.status, "handling": proposal.handling, "response": proposal.response}
    return client.post(reverse("proposals:handle", args=[proposal.pk]), {**payload, **data})


def test_each_handling_saves_a_new_version(client, gunma, lead_user):
    proposal = proposal_of(gunma)
    assert proposal.version == 0
    client.force_login(lead_user)
    assert handle(client, proposal, status=Status.UNDER_REVIEW, handling="検討を開始", version="0").status_code == 302
    proposal.refresh_from_db()
    assert proposal.version == 1 and proposal.handling == "検討を開始"


def test_handling_from_a_stale_page_is_refused_keeping_the_input(client, gunma, lead_user):
    proposal = proposal_of(gunma)
    shown = proposal.version
    services.record_handling(proposal, lead_user, status=Status.UNDER_REVIEW, handling="先の更新", response="", for_agenda=False)
    client.force_login(lead_user)
    response = handle(client, proposal, status=Status.ANSWERED, handling="", response="後の回答", version=shown)
    html = response.content.decode()
    assert response.status_code == 200
    assert "他の利用者が更新しました" in html and "後の回答" in html
    proposal.refresh_from_db()
    assert (proposal.status, proposal.response, proposal.handling, proposal.version) == (Status.UNDER_REVIEW, "", "先の更新", 1)
    # The refused page now shows the latest proposal and carries its version: saving again after
    # reading it is a deliberate overwrite.
    assert 'name="version" value="1"' in html
    assert handle(client, proposal, status=Status.ANSWERED, response="後の回答", version="1").status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.response, proposal.version) == (Status.ANSWERED, "後の回答", 2)


def test_withdrawing_from_a_stale_page_is_refused(client, gunma, lead_user):
    from tests.factories import make_user

    proposer = make_user(gunma, username="keieisha", body_name=KEIEISHA)
    proposal = proposal_of(gunma)
    services.record_handling(proposal, lead_user, status=Status.SUBMITTED, handling="受付しました", response="", for_agenda=False)
    client.force_login(proposer)
    response = client.post(reverse("proposals:withdraw", args=[proposal.pk]), {"version": "0"}, follow=True)
    assert "この提案は、表示した後に更新されています" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == Status.SUBMITTED


def _at_once(*calls):
    """Runs the calls in threads released together, each in its own connection and transaction."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i):
        try:
            barrier.wait(timeout=10)
            results[i] = ("saved", calls[i]())
        except locking.StaleEdit as exc:
            results[i] = ("stale", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@PG_ONLY
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_simultaneous_handlings_of_one_version_let_one_through(gunma, lead_user, deputy_user):
    pk = proposal_of(gunma).pk

    def answer(user, text):
        return lambda: services.record_handling(
            PolicyProposal.objects.get(pk=pk), user, status=Status.ANSWERED, handling="", response=text, for_agenda=False, version="0"
        )

    results = _at_once(answer(lead_user, "主担当の回答"), answer(deputy_user, "副担当の回答"))
    assert sorted(kind for kind, _ in results) == ["saved", "stale"]
    proposal = PolicyProposal.objects.get(pk=pk)
    winner = "主担当の回答" if results[0][0] == "saved" else "副担当の回答"
    assert (proposal.response, proposal.version) == (winner, 1)
    assert proposal.history.count() == 2  # created, then one answer: the other wrote nothing


@PG_ONLY
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_simultaneous_meeting_edits_of_one_version_let_one_through(plan2025):
    pk = Meeting.objects.create(plan=plan2025, number=1, held_on=date(2025, 7, 10)).pk

    def edit(minutes):
        def save():
            form = MeetingForm({"number": 1, "held_on": "2025-07-10", "minutes": minutes, "version": "0"}, instance=Meeting.objects.get(pk=pk))
            assert form.is_valid(), form.errors
            return form.save()

        return save

    results = _at_once(edit("一人目"), edit("二人目"))
    assert sorted(kind for kind, _ in results) == ["saved", "stale"]
    meeting = Meeting.objects.get(pk=pk)
    assert meeting.version == 1 and meeting.minutes == ("一人目" if results[0][0] == "saved" else "二人目")
