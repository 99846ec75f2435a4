"""Platform settings screens: the secretariat sets its platform's own wording, stages and guideline."""
from datetime import date

import pytest
from django.urls import reverse

from core.models import Guideline, Platform
from exports.registry import REGISTRY
from plans.models import BusinessPlan
from tests.test_packet import flat, pdf_text


@pytest.fixture
def lead(client, lead_user):
    client.force_login(lead_user)
    return client


def _settings_data(platform, **changes):
    data = {
        "version": platform.version, "established_on": "2020-03-27", "meeting_frequency": platform.meeting_frequency,
        "confidentiality_clause": platform.confidentiality_clause, "chair_body": "", "chair_title": platform.chair_title,
    }
    return data | changes


def test_the_lead_sets_the_clause_the_meeting_rule_and_the_chair_and_the_change_is_recorded(lead, gunma, lead_user):
    bureau = gunma.member_bodies.get(name="群馬労働局")
    response = lead.post(reverse("platform_settings:overview"), _settings_data(
        gunma, meeting_frequency="原則として年2回以上", confidentiality_clause="構成員は、協議会で知り得た秘密を漏らしてはならない。",
        chair_body=bureau.pk, chair_title="群馬労働局職業安定部長",
    ))
    assert response.status_code == 302
    gunma = Platform.objects.get(pk=gunma.pk)
    assert (gunma.meeting_frequency, gunma.chair_body, gunma.chair_title) == ("原則として年2回以上", bureau, "群馬労働局職業安定部長")
    assert gunma.version == 1
    page = lead.get(reverse("platform_settings:overview")).content.decode()
    assert "会議の開催頻度：年２回を目安（このほか必要に応じて開催） → 原則として年2回以上" in page
    assert gunma.history.first().history_user == lead_user


def test_a_page_shown_before_someone_elses_save_is_refused_with_the_input_kept(lead, gunma):
    shown = _settings_data(gunma)
    Platform.objects.filter(pk=gunma.pk).update(version=gunma.version + 1, meeting_frequency="年3回")
    response = lead.post(reverse("platform_settings:overview"), shown | {"meeting_frequency": "年4回"})
    page = response.content.decode()
    assert response.status_code == 400 and "他の利用者が先に保存しました" in page and 'value="年4回"' in page
    assert Platform.objects.get(pk=gunma.pk).meeting_frequency == "年3回"


def test_stages_are_saved_as_a_list_and_a_bad_row_is_named(lead, gunma):
    url = reverse("platform_settings:stages")
    stages = list(gunma.stages.all())
    data = {"version": gunma.version, "stages-TOTAL_FORMS": len(stages) + 1, "stages-INITIAL_FORMS": len(stages),
            "stages-MIN_NUM_FORMS": 0, "stages-MAX_NUM_FORMS": 1000}
    for i, stage in enumerate(stages):
        data |= {f"stages-{i}-id": stage.pk, f"stages-{i}-name": stage.name, f"stages-{i}-from_fiscal_year": stage.from_fiscal_year,
                 f"stages-{i}-to_fiscal_year": stage.to_fiscal_year or "", f"stages-{i}-description": stage.description}
    last = len(stages)
    bad = data | {f"stages-{last}-name": "第三ステージ", f"stages-{last}-from_fiscal_year": "２０３０", f"stages-{last}-to_fiscal_year": "2028"}
    response = lead.post(url, bad)
    assert response.status_code == 400
    assert f"{last + 1}行目：終了年度は開始年度以降にしてください。" in response.content.decode()
    assert gunma.stages.count() == len(stages)
    good = bad | {f"stages-{last}-to_fiscal_year": "２０３２"}
    assert lead.post(url, good).status_code == 302
    assert gunma.stages.get(name="第三ステージ").to_fiscal_year == 2032


def test_a_guideline_with_its_amendments_is_saved_at_once(lead, gunma):
    response = lead.post(reverse("platform_settings:guideline_new"), {
        "title": "くらし応援プラットフォーム設置要領", "enacted_on": "2020-03-27", "text": "第1条 この要領は…", "version": "",
        "amendments-TOTAL_FORMS": 2, "amendments-INITIAL_FORMS": 0, "amendments-MIN_NUM_FORMS": 0, "amendments-MAX_NUM_FORMS": 1000,
        "amendments-0-amended_on": "2023-04-01", "amendments-0-note": "一部改正", "amendments-1-amended_on": "", "amendments-1-note": "一部改正",  # the blank row as the page shows it
    })
    assert response.status_code == 302
    guideline = Guideline.objects.get(platform=gunma, title="くらし応援プラットフォーム設置要領")
    assert [(a.amended_on, a.note) for a in guideline.amendments.all()] == [(date(2023, 4, 1), "一部改正")]
    page = lead.get(reverse("platform_settings:overview")).content.decode()
    assert "くらし応援プラットフォーム設置要領" in page and "令和5年4月1日 一部改正" in page


@pytest.mark.parametrize("user", ["deputy_user", "chair_user", "observer_user", "hw_user"])
def test_readers_and_the_deputy_by_default_are_refused(client, request, gunma, user):
    client.force_login(request.getfixturevalue(user))
    # The deputy by default reads the settings to propose changes (tests/test_settings_proposals.py); nobody here saves them.
    assert client.get(reverse("platform_settings:overview")).status_code == (200 if user == "deputy_user" else 403)
    assert client.post(reverse("platform_settings:overview"), _settings_data(gunma, meeting_frequency="毎月")).status_code == 403
    assert Platform.objects.get(pk=gunma.pk).meeting_frequency != "毎月"


def test_another_platforms_guideline_is_not_found(client, gunma, other_platform_user):
    role = other_platform_user.access_roles.get()
    role.permissions = [*role.permissions, "manage_platform_settings"]
    role.save()
    guideline = Guideline.objects.create(platform=gunma, title="群馬の要領", enacted_on=date(2020, 3, 27))
    client.force_login(other_platform_user)
    assert client.get(reverse("platform_settings:overview")).status_code == 200
    assert client.get(reverse("platform_settings:guideline", args=[guideline.pk])).status_code == 404


def test_the_packet_prints_the_platforms_own_clause_and_categories(lead, gunma, plan2025):
    lead.post(reverse("platform_settings:overview"), _settings_data(
        gunma, confidentiality_clause="本資料は協議会の構成員限りとし、第三者に提供しない。", meeting_frequency="原則として年3回以上"))
    plan2025.categories.all().delete()
    response = lead.post(reverse("plans:settings_list", args=[2025, "categories"]), {
        "version": plan2025.version, "categories-TOTAL_FORMS": 1, "categories-INITIAL_FORMS": 0,
        "categories-MIN_NUM_FORMS": 0, "categories-MAX_NUM_FORMS": 1000,
        "categories-0-number": "７", "categories-0-title": "長期無業の状態にある方", "categories-0-definition": "1年以上求職活動をしていない方",
        "categories-0-estimated_population": "１，２００", "categories-0-estimate_note": "", "categories-0-goal": "100人の就労につなげる",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    plan = BusinessPlan.objects.get(pk=plan2025.pk)
    text = flat(pdf_text(REGISTRY["meeting_packet"].render(plan, as_of=date(2026, 4, 30), sections=["goals", "members"]).content))
    assert "本資料は協議会の構成員限りとし、第三者に提供しない。" in text
    assert "構成員限りです。外部に漏らさないでください" not in text
    assert "会議の開催：原則として年3回以上" in text  # below the 名簿, as the settings page says
    assert "⑦長期無業の状態にある" in text and "推計対象者数1200人" in text and "100人の就労につなげる" in text
