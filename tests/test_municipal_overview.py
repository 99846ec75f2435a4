"""The coverage overview: how many municipalities have a platform, and which links are missing where."""
from datetime import date

import pytest
from django.urls import reverse

from municipal_pf.models import MunicipalPlatform, NetworkPartnerType
from municipal_pf.services import coverage


def record(gunma, name, status, partners=()):
    mpf = MunicipalPlatform.objects.create(
        platform=gunma, municipality=gunma.prefecture.municipalities.get(name=name), status=status, established_on=date(2024, 4, 1)
    )
    mpf.network_partners.set(NetworkPartnerType.objects.filter(name__in=partners))
    return mpf


def test_counts_rate_and_missing_links(gunma):
    record(gunma, "前橋市", "established", ["ハローワーク", "社会福祉協議会"])
    record(gunma, "高崎市", "established", ["ハローワーク"])
    record(gunma, "桐生市", "preparing")
    result = coverage(gunma)
    assert result.total == 35
    assert result.counts == {"設置済": 2, "準備中": 1, "未設置": 32}
    assert round(result.rate, 1) == 5.7
    names = [p.name for p in result.partners]
    assert result.linked[names.index("ハローワーク")] == 2 and result.linked[names.index("社会福祉協議会")] == 1
    maebashi = next(r for r in result.rows if r.municipality.name == "前橋市")
    assert maebashi.missing == len(names) - 2


def test_the_page_shows_the_matrix_in_constant_queries(client, deputy_user, gunma, django_assert_num_queries):
    record(gunma, "前橋市", "established", ["ハローワーク"])
    client.force_login(deputy_user)
    url = reverse("municipal_pf:overview")
    client.get(url)
    with django_assert_num_queries(17) as first:
        page = client.get(url).content.decode()
    assert "35市町村のうち、設置済 1・準備中 0・未設置 34" in page and "×" in page and "○" in page
    for name in ("高崎市", "桐生市", "伊勢崎市"):
        record(gunma, name, "established", ["ハローワーク", "民生委員"])
    with django_assert_num_queries(len(first.captured_queries)):
        client.get(url)


@pytest.mark.parametrize("fixture", ["other_platform_user"])
def test_another_platform_sees_only_its_own_municipalities(client, gunma, request, fixture):
    record(gunma, "前橋市", "established")
    user = request.getfixturevalue(fixture)
    assert all(r.municipality.prefecture_id != gunma.prefecture_id for r in coverage(user.member_body.platform).rows)


def test_the_meeting_packet_lists_missing_network_links(gunma, plan2025):
    from exports.registry import REGISTRY
    from tests.test_packet import pdf_text

    mpf = record(gunma, "前橋市", "established", [p.name for p in NetworkPartnerType.objects.exclude(name="民生委員")])
    from municipal_pf.models import MunicipalReport

    MunicipalReport.objects.create(
        municipal_platform=mpf, period=plan2025.reporting_periods.first(), kind="request", request_type="placements",
        title="職場実習先の開拓", body="紹介をお願いしたい。", status="answered", response="経営者協会に依頼しました。",
    )
    content = REGISTRY["meeting_packet"].render(plan2025, as_of=date(2026, 4, 30), sections=["municipal"]).content
    text = pdf_text(content)
    assert "未構築のネットワーク" in text and "前橋市" in text and "民生委員" in text
    assert "設置済 1" in text
    import subprocess

    raw = subprocess.run(["pdftotext", "-raw", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()
    compact = "".join(raw.split())  # table cells wrap Japanese text across lines
    assert "職場実習先の開拓" in compact and "経営者協会に依頼しました。" in compact and "回答済" in compact
