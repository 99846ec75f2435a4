"""Meetings: records, agenda, attendance from the member list, closing and reopening, and their packet."""
import subprocess
from datetime import date

import pytest
from django.urls import reverse

from exports.registry import REGISTRY
from meetings.models import AgendaItem, Attendee, Meeting
from meetings.services import attendees_from_members
from plans.models import Measure
from core.audit import history_entries


@pytest.fixture
def meeting(plan2025):
    return Meeting.objects.create(plan=plan2025, number=1, held_on=date(2025, 7, 10), venue="群馬県庁 会議室")


def test_the_lead_registers_a_meeting(client, lead_user, plan2025):
    client.force_login(lead_user)
    form = client.get(reverse("meetings:new")).content.decode()
    assert 'value="1"' in form and "群馬労働局職業安定部長" in form  # next number and the chair
    response = client.post(reverse("meetings:new"), {"number": 1, "held_on": "2025-07-10", "venue": "県庁", "chair_name": "職業安定部長"})
    meeting = Meeting.objects.get()
    assert response["Location"] == reverse("meetings:detail", args=[meeting.pk])
    duplicate = client.post(reverse("meetings:new"), {"number": 1, "held_on": "2025-12-10"})
    assert duplicate.status_code == 200 and Meeting.objects.count() == 1


def test_agenda_links_measures_and_proposals_in_one_save(client, lead_user, meeting, plan2025, gunma):
    measure = Measure.objects.filter(section__plan=plan2025).first()
    client.force_login(lead_user)
    data = {
        "version": meeting.version,  # the version the page showed (core.locking)
        "agenda_items-TOTAL_FORMS": "2", "agenda_items-INITIAL_FORMS": "0", "agenda_items-MIN_NUM_FORMS": "0", "agenda_items-MAX_NUM_FORMS": "1000",
        "agenda_items-0-order": "1", "agenda_items-0-title": "令和7年度事業実施計画の進捗", "agenda_items-0-measures": [measure.pk],
        "agenda_items-1-order": "2", "agenda_items-1-title": "", "agenda_items-1-duration_minutes": "-5",
    }
    response = client.post(reverse("meetings:agenda", args=[meeting.pk]), data)
    assert response.status_code == 200 and not AgendaItem.objects.exists()  # the bad second row saves nothing
    data["agenda_items-1-duration_minutes"], data["agenda_items-1-order"] = "", "0"  # an untouched spare row
    client.post(reverse("meetings:agenda", args=[meeting.pk]), data)
    item = AgendaItem.objects.get()
    assert list(item.measures.all()) == [measure]
    assert measure.code in client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()


def test_an_agenda_saved_from_a_page_shown_before_someone_elses_save_is_refused(client, lead_user, meeting):
    client.force_login(lead_user)
    shown = meeting.version
    rows = {"agenda_items-TOTAL_FORMS": "1", "agenda_items-INITIAL_FORMS": "0", "agenda_items-MIN_NUM_FORMS": "0", "agenda_items-MAX_NUM_FORMS": "1000",
            "agenda_items-0-order": "1"}
    client.post(reverse("meetings:agenda", args=[meeting.pk]), {**rows, "version": shown, "agenda_items-0-title": "一人目の議題"})
    response = client.post(reverse("meetings:agenda", args=[meeting.pk]), {**rows, "version": shown, "agenda_items-0-title": "二人目の議題"})
    html = response.content.decode()
    assert "他の利用者が先にこの協議会を更新しました" in html and "二人目の議題" in html  # refused, the input kept
    assert list(AgendaItem.objects.values_list("title", flat=True)) == ["一人目の議題"]


def test_attendance_comes_from_the_member_list_once(meeting, gunma):
    added = attendees_from_members(meeting)
    members = gunma.member_bodies.exclude(membership="partner").count()
    assert added == members == 13
    assert attendees_from_members(meeting) == 0
    assert Attendee.objects.filter(meeting=meeting, member_body__name="（株）上毛新聞社").exists()  # observers too


def test_a_closed_meeting_is_read_only_until_reopened_with_a_reason(client, lead_user, meeting):
    client.force_login(lead_user)
    status = reverse("meetings:status", args=[meeting.pk])
    client.post(status, {"action": "held"})
    client.post(status, {"action": "close"})
    meeting.refresh_from_db()
    assert meeting.is_closed
    response = client.post(reverse("meetings:edit", args=[meeting.pk]), {"number": 1, "held_on": "2025-07-10", "minutes": "改ざん", "version": meeting.version}, follow=True)
    assert "確定済みのため編集できません" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.minutes == ""
    client.post(status, {"action": "reopen", "reason": ""})
    meeting.refresh_from_db()
    assert meeting.is_closed
    client.post(status, {"action": "reopen", "reason": "決定事項の追記"})
    meeting.refresh_from_db()
    assert meeting.status == "held"
    assert history_entries(meeting.history.all())[0].reason == "再開：決定事項の追記"


def test_a_stale_edit_is_refused_and_keeps_the_text(client, lead_user, meeting):
    client.force_login(lead_user)
    url = reverse("meetings:edit", args=[meeting.pk])
    client.post(url, {"number": 1, "held_on": "2025-07-10", "minutes": "一人目", "version": 0})
    response = client.post(url, {"number": 1, "held_on": "2025-07-10", "minutes": "二人目", "version": 0})
    assert "他の利用者が先にこの協議会を更新しました" in response.content.decode() and "二人目" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.minutes == "一人目"


def test_read_only_roles_see_but_do_not_edit(client, observer_user, deputy_user, other_platform_user, meeting):
    client.force_login(observer_user)
    assert client.get(reverse("meetings:detail", args=[meeting.pk])).status_code == 200
    assert client.get(reverse("meetings:edit", args=[meeting.pk])).status_code == 403
    client.force_login(deputy_user)
    assert client.post(reverse("meetings:status", args=[meeting.pk]), {"action": "held"}).status_code == 403
    client.force_login(other_platform_user)
    assert client.get(reverse("meetings:detail", args=[meeting.pk])).status_code in (403, 404)


def test_agenda_and_minutes_versions_of_the_packet(meeting, plan2025):
    attendees_from_members(meeting)
    Attendee.objects.filter(meeting=meeting, member_body__name="安中市").update(attendance="absent")
    AgendaItem.objects.create(meeting=meeting, order=1, title="事業実施計画の進捗状況について")
    meeting.minutes, meeting.decisions = "各機関から取組状況を報告した。", "下半期も計画どおり進める。"
    meeting.save()
    packet = REGISTRY["meeting_packet"]
    before = packet.render(plan2025, meeting=1, variant="agenda", sections=["goals"])
    after = packet.render(plan2025, meeting=1, variant="minutes", sections=["goals"])
    text = lambda f: subprocess.run(["pdftotext", "-", "-"], input=f.content, capture_output=True, check=True).stdout.decode()
    assert before.filename == "gunma_2025_meeting_packet_1_agenda.pdf"
    assert "事業実施計画の進捗状況について" in text(before) and "出席者名簿" in text(before)
    assert "各機関から取組状況を報告した" not in text(before)
    assert "各機関から取組状況を報告した" in text(after) and "下半期も計画どおり進める" in text(after) and "欠席" in text(after)


# The lead's pages, with their second-factor device.
LIST_QUERIES = 13  # with the menu's check that the body reports a KPI (実績入力)
DETAIL_QUERIES = 21


def test_meeting_pages_keep_their_query_counts_with_tenfold_data(client, lead_user, plan2025, meeting, django_assert_num_queries):
    client.force_login(lead_user)
    measures = list(Measure.objects.filter(section__plan=plan2025)[:5])
    deepest = Measure.objects.get(section__plan=plan2025, section__number="ア", number="①")  # 2(1)ア①: three levels
    AgendaItem.objects.create(meeting=meeting, order=0, title="最初の議題").measures.set([deepest])
    pages = [(reverse("meetings:list"), LIST_QUERIES), (reverse("meetings:detail", args=[meeting.pk]), DETAIL_QUERIES)]
    for url, count in pages:
        with django_assert_num_queries(count):
            client.get(url)
    for n in range(2, 12):
        Meeting.objects.create(plan=plan2025, number=n, held_on=date(2025, 8, 1))
    for i in range(10):
        item = AgendaItem.objects.create(meeting=meeting, order=i, title=f"議題{i}")
        item.measures.set(measures)
    attendees_from_members(meeting)
    for url, count in pages:
        with django_assert_num_queries(count):
            client.get(url)
