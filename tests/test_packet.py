"""The meeting packet PDF read back: every section, every KPI and its figures, embedded subset fonts."""
import base64
import re
import subprocess
from datetime import date

import pytest
from django.urls import reverse

from exports.packet import SECTIONS
from exports.registry import REGISTRY
from kpi.models import Kpi, KpiFigure
from proposals.models import PolicyProposal


def pdf_text(content: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()


@pytest.fixture
def packet(plan2025, gunma):
    bureau = gunma.member_bodies.get(name="群馬労働局")
    placements = Kpi.objects.get(measure__section__plan=plan2025, name="ハローワークにおける紹介就職件数")
    KpiFigure.objects.create(kpi=placements, member_body=bureau, month=date(2025, 4, 1), value=1534)
    KpiFigure.objects.create(kpi=placements, member_body=bureau, month=date(2025, 5, 1), value=1611)
    PolicyProposal.objects.create(
        platform=gunma, member_body=gunma.member_bodies.get(name="（一社）群馬県経営者協会"),
        title="説明会の開催について", content="助成金の説明会を開いてほしい。", for_agenda=True,
    )
    return REGISTRY["meeting_packet"].render(plan2025, as_of=date(2026, 4, 30))


def test_packet_holds_every_section_kpi_and_figure(packet, plan2025):
    text = pdf_text(packet.content)
    assert packet.filename == "gunma_2025_meeting_packet.pdf"
    for section in SECTIONS:
        assert text.count(section.title) >= 2  # in the table of contents and as a heading
    for kpi in Kpi.objects.filter(measure__section__plan=plan2025):
        assert kpi.name[:12] in text.replace("\n", "").replace(" ", ""), kpi.name
    assert "1,534" in text and "1,611" in text and "3,145" in text  # April, May, year to date
    assert "説明会の開催について（議題候補）" in text
    assert "秘密の保持" in text


def test_packet_is_a4_with_page_numbers_and_landscape_roadmap(packet):
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "99", "-"], input=packet.content, capture_output=True, check=True).stdout.decode()
    sizes = [line for line in info.splitlines() if line.startswith("Page") and "size" in line]
    assert all("(A4)" in line for line in sizes)
    assert any("841.89 x 595.276" in line for line in sizes)  # the roadmap pages are landscape
    pages = len(sizes)
    assert f"2 / {pages}" in pdf_text(packet.content)


def test_fonts_are_embedded_subsets_and_never_substituted(packet):
    fonts = subprocess.run(["pdffonts", "-"], input=packet.content, capture_output=True, check=True).stdout.decode()
    rows = fonts.splitlines()[2:]
    assert rows, fonts
    for row in rows:
        assert "IPAex" in row, row
        name, *_, emb, sub, uni, _obj, _gen = row.split()
        assert (emb, sub) == ("yes", "yes"), row
        assert "+" in name  # the subset tag
    assert len(packet.content) < 3_000_000


def test_the_secretariat_chooses_the_sections(plan2025):
    content = REGISTRY["meeting_packet"].render(plan2025, as_of=date(2026, 4, 30), sections=["proposals"]).content
    text = pdf_text(content)
    assert "政策提案" in text and "構成員名簿" not in text and "ＫＰＩの推移" not in text


def test_only_the_secretariat_takes_the_packet(client, lead_user, deputy_user, observer_user):
    for user, status in ((lead_user, 200), (deputy_user, 403), (observer_user, 403)):
        client.force_login(user)
        response = client.get(reverse("exports:download", args=[2025, "meeting_packet"]), {"section": ["goals"]})
        assert response.status_code == status
    client.force_login(lead_user)
    assert "協議会資料（PDF）" in client.get(reverse("exports:menu", args=[2025])).content.decode()


def test_the_portal_shows_the_same_charts_as_the_packet(client, lead_user, packet, plan2025):
    from kpi.charts import kpi_chart_svg
    from kpi.services import monthly_totals

    client.force_login(lead_user)
    html = client.get(reverse("kpi:charts", args=[2025])).content.decode()
    placements = Kpi.objects.get(measure__section__plan=plan2025, name="ハローワークにおける紹介就職件数")
    monthly = monthly_totals(placements, placements.figures.all())
    assert monthly[:3] == [1534, 1611, None]
    svg = kpi_chart_svg(placements, monthly, [f"{m}月" for m in (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)])
    # Same drawing: the portal's SVG carries the same plotted values as the one the packet embeds.
    values = re.compile(r'<desc class="value">[^<]*</desc>')
    assert values.findall(svg)[:2] == ['<desc class="value">1534</desc>', '<desc class="value">1611</desc>']
    after = html[html.index("ハローワークにおける紹介就職件数（"):]
    portal_chart = base64.b64decode(re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', after).group(1)).decode()
    assert values.findall(portal_chart) == values.findall(svg)
    assert "<script" not in html


def test_the_chosen_sections_go_with_the_download_and_the_background_job(client, lead_user, plan2025):
    from exports.models import ExportJob

    client.force_login(lead_user)
    menu = client.get(reverse("exports:menu", args=[2025])).content.decode()
    assert 'name="section" value="proposals" checked' in menu
    response = client.post(reverse("exports:download", args=[2025, "meeting_packet"]), {"section": ["proposals"]})
    text = pdf_text(response.content)
    assert "政策提案" in text and "構成員名簿" not in text
    client.post(reverse("exports:start", args=[2025, "meeting_packet"]), {"section": ["roadmap", "charts"]})
    assert ExportJob.objects.get().options["sections"] == ["roadmap", "charts"]
