"""The meeting packet PDF read back: a faithful copy of the plan, every section, every KPI and its
figures as the kinds write them, confirmed figures only unless asked (then marked), the rosters
from the member records, and embedded subset fonts."""
import base64
import re
import subprocess
from datetime import date, time
from decimal import Decimal

import pytest
from django.urls import reverse

from exports.packet import SECTIONS
from exports.registry import REGISTRY
from kpi.models import FigureSubmission, Kpi, KpiFigure
from meetings.models import AgendaItem, Meeting
from meetings.services import attendees_from_members
from members.models import Representative
from plans.models import Measure, RoadmapSection
from proposals.models import PolicyProposal

MONTHS = [4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3]


def pdf_text(content: bytes, *options) -> str:
    return subprocess.run(["pdftotext", *options, "-", "-"], input=content, capture_output=True, check=True).stdout.decode()


def flat(text: str) -> str:
    """Text without any whitespace: a cell's lines wrap wherever the column ends."""
    return re.sub(r"\s+", "", text)


def figure(kpi, body, month, status="approved", **values):
    """A body's figure for a month, with that body-month's submission in the given state."""
    FigureSubmission.objects.get_or_create(plan=kpi.measure.section.plan, member_body=body, month=month, defaults={"status": status})
    return KpiFigure.objects.create(kpi=kpi, member_body=body, month=month, **values)


def confirm_months(plan, *months):
    """Every reporting body's submission approved for the months: the 確定 cut-off reaches the last one."""
    bodies = {b for kpi in Kpi.objects.filter(measure__section__plan=plan) for b in kpi.reporting_bodies.all()}
    for month in months:
        for body in bodies:
            FigureSubmission.objects.get_or_create(plan=plan, member_body=body, month=month, defaults={"status": "approved"})


def packet_of(plan, **options):
    return REGISTRY["meeting_packet"].render(plan, **options)


@pytest.fixture
def placements(plan2025):
    return Kpi.objects.get(measure__section__plan=plan2025, name="ハローワークにおける紹介就職件数")


@pytest.fixture
def packet(plan2025, gunma, bureau, placements):
    figure(placements, bureau, date(2025, 4, 1), value=1534)
    figure(placements, bureau, date(2025, 5, 1), value=1611)
    PolicyProposal.objects.create(
        platform=gunma, member_body=gunma.member_bodies.get(name="（一社）群馬県経営者協会"),
        title="説明会の開催について", content="助成金の説明会を開いてほしい。", for_agenda=True,
    )
    return packet_of(plan2025, as_of=date(2026, 4, 30))


def test_packet_holds_every_section_kpi_and_figure(packet, plan2025):
    text = pdf_text(packet.content, "-layout")
    assert packet.filename == "gunma_2025_meeting_packet.pdf"
    for section in SECTIONS:
        assert text.count(section.title) >= 2  # in the table of contents and as a heading
    for kpi in Kpi.objects.filter(measure__section__plan=plan2025, goal_component__isnull=True):
        assert kpi.name[:12] in text.replace("\n", "").replace(" ", ""), kpi.name
    assert "1,534" in text and "1,611" in text and "3,145件" in text  # April, May, year to date
    assert "説明会の開催について（議題候補）" in text
    assert "秘密の保持" in text


def test_every_text_of_the_plan_and_the_roadmap_appears_whole(packet, plan2025):
    """No measure cut at 160 characters, no section description dropped, the ※ note printed."""
    text = flat(pdf_text(packet.content))
    measures = Measure.objects.filter(section__plan=plan2025)
    assert max(len(m.description) for m in measures) > 250  # 3(1) and 4(1): the ones once cut
    for measure in measures:
        assert flat(measure.description) in text, measure.description[:30]
    described = RoadmapSection.objects.filter(plan=plan2025).exclude(description="")
    assert described.count() >= 4  # 1(1), 2(2), 2(3), 2(4)
    for section in described:
        assert flat(section.description) in text, section
    for kpi in Kpi.objects.filter(measure__section__plan=plan2025, goal_component__isnull=True):
        assert flat(kpi.name) in text and flat(kpi.target_text) in text, kpi.name
    for name in ("introduction", "purpose", "structure", "goal_text", "kpi_policy", "progress_policy"):
        assert flat(getattr(plan2025, name)) in text, name
    assert plan2025.headline_goal_note
    assert text.count(flat(plan2025.headline_goal_note)) >= 2  # under the plan's goal and beside the 数値目標
    assert "…" not in text


def test_a_qualitative_kpi_shows_each_body_s_latest_confirmed_text_with_its_month(plan2025, gunma):
    kpi = Kpi.objects.get(measure__section__plan=plan2025, measure_type="qualitative")
    welfare = gunma.member_bodies.get(name="群馬県（健康福祉部）")
    figure(kpi, welfare, date(2025, 4, 1), text_value="四月に二市から好事例の報告を受けた。")
    figure(kpi, welfare, date(2025, 5, 1), text_value="五月の協議会で好事例を共有した。")
    figure(kpi, welfare, date(2025, 6, 1), status="returned", text_value="差し戻された六月の記述")
    text = flat(pdf_text(packet_of(plan2025, as_of=date(2025, 7, 31)).content))
    assert "五月の協議会で好事例を共有した。" in text and "令和7年5月分" in text
    assert "四月に二市から" not in text  # only the latest per body
    assert "差し戻された六月の記述" not in text  # a returned month never counts
    assert flat(f"{kpi.name}（{kpi.name}）") not in text  # its name is not its target
    assert "対象外" not in text


def test_achievement_is_never_rounded_up_across_a_threshold(plan2025, bureau):
    subsidies = Kpi.objects.get(measure__section__plan=plan2025, name="キャリアアップ助成金支給実績")  # 250件／年
    figure(subsidies, bureau, date(2025, 4, 1), value=249)  # 99.6 % of the year's target
    figure(subsidies, bureau, date(2026, 3, 1), value=0)  # the whole year is judged
    confirm_months(plan2025, *(date(2025 + (m < 4), m, 1) for m in MONTHS))
    text = pdf_text(packet_of(plan2025, as_of=date(2026, 3, 31), sections=["roadmap"]).content, "-layout")
    line = next(line for line in text.splitlines() if "249件" in line)
    assert "99.6%" in line
    assert "注意" in text.split("249件")[1].splitlines()[1]  # the mark under it follows the unrounded value
    assert "100%" not in text and "100.0%" not in text


def test_a_returned_month_counts_nowhere_and_provisional_figures_are_marked(plan2025, bureau, placements):
    figure(placements, bureau, date(2025, 4, 1), value=1534)
    confirm_months(plan2025, date(2025, 4, 1))
    figure(placements, bureau, date(2025, 5, 1), status="returned", value=4321)
    figure(placements, bureau, date(2025, 6, 1), status="submitted", value=2468)
    confirmed = pdf_text(packet_of(plan2025, as_of=date(2025, 6, 30)).content, "-layout")
    assert "1,534" in confirmed and "令和7年4月分まで確定" in confirmed
    assert "4,321" not in confirmed and "2,468" not in confirmed and "速報" not in confirmed
    provisional = pdf_text(packet_of(plan2025, as_of=date(2025, 6, 30), provisional=True).content, "-layout")
    assert "2,468" in provisional and "4,002件" in provisional  # June (submitted) counts, May (returned) does not
    assert "4,321" not in provisional
    june = next(line for line in provisional.splitlines() if "2,468" in line)
    assert "速報" in june  # marked where it appears
    assert "事務局の承認前" in provisional  # and explained


@pytest.fixture
def council(plan2025, gunma, bureau):
    """A meeting whose members have representatives on their records; the newspaper sits as observer."""
    prefecture = gunma.member_bodies.get(name="群馬県（産業経済部）")
    press = gunma.member_bodies.get(name="（株）上毛新聞社")
    press.membership = "observer"
    press.save()
    Representative.objects.create(member_body=bureau, title="職業安定部長", name="見本 一郎", order=1)
    Representative.objects.create(member_body=bureau, title="職業安定課長", name="見本 次郎", capacity="secretariat", is_primary=False, order=2)
    Representative.objects.create(member_body=prefecture, title="産業経済部長", name="見本 花子", order=3)
    Representative.objects.create(member_body=press, title="編集局長", name="見本 百合子", order=4)
    meeting = Meeting.objects.create(plan=plan2025, number=1, held_on=date(2025, 7, 10), starts_at=time(14, 0), ends_at=time(15, 30), venue="県庁")
    proposal = PolicyProposal.objects.create(platform=gunma, member_body=prefecture, title="面接会の共同開催", content="県と共同で開きたい。")
    item = AgendaItem.objects.create(meeting=meeting, order=1, title="政策提案について")
    item.proposals.set([proposal])
    assert attendees_from_members(meeting) == 13  # bodies (the page says 「13機関」), with one row per representative
    assert meeting.attendees.filter(member_body=bureau).count() == 2
    return meeting


def test_rosters_print_each_body_s_representatives_by_group(council, plan2025):
    pages = pdf_text(packet_of(plan2025, as_of=date(2025, 7, 31), meeting=1, sections=["members"]).content, "-layout").split("\f")
    attendees, members = heading_page(pages, "出席者名簿"), heading_page(pages, "構成員名簿")
    for page in (attendees, members):
        for name, title in (("見本 一郎", "職業安定部長"), ("見本 花子", "産業経済部長"), ("見本 百合子", "編集局長"), ("見本 次郎", "職業安定課長")):
            assert name in page and title in page
        lines = [line.strip() for line in page.splitlines()]
        member, observer, secretariat = lines.index("構成員"), lines.index("オブザーバー"), lines.index("事務局")
        assert member < observer < secretariat
        assert any("見本 百合子" in line for line in lines[observer:secretariat])
        assert any("見本 次郎" in line for line in lines[secretariat:])
        assert not any("見本 次郎" in line for line in lines[:secretariat])
    assert "工程表での略称" not in members


def test_roles_cover_agenda_and_document_numbers(council, plan2025):
    content = packet_of(plan2025, as_of=date(2025, 7, 31), meeting=1, sections=["members", "roles", "proposals"]).content
    pages = pdf_text(content, "-layout").split("\f")
    assert "14:00～15:30" in pages[0]  # start and end on the cover
    agenda = next(p for p in pages if "次第" in p and "目次" not in p)
    assert "政策提案：「面接会の共同開催」（群馬県（産業経済部））" in flat(agenda)
    assert "【資料3】" in flat(agenda)  # the item is discussed on the proposals, 資料3
    for number, title in (("資料1", "構成員名簿"), ("資料2", "役割分担"), ("資料3", "政策提案")):
        heading = next(line for line in heading_page(pages, title).splitlines() if line.strip().startswith(title))
        assert heading.split() == [title, number]  # the number beside the heading on the section's first page
    roles = flat(heading_page(pages, "役割分担"))
    assert "ぐんまＰＦとりまとめ事務局（主担当）" in roles and "ぐんまＰＦとりまとめ事務局（副担当）" in roles


def heading_page(pages: list[str], title: str) -> str:
    """The page whose heading is the title (not the contents or the 次第 naming it)."""
    return next(p for p in pages if any(line.strip().split()[:1] == [title] for line in p.splitlines()) and "目次" not in p)


def _y_labels(svg: str) -> list[str]:
    axis = svg[svg.index('<g class="axis y'):svg.index('<g class="axis x')]
    return re.findall(r"<text[^>]*>([^<]*)</text>", axis)


def test_charts_are_cumulative_zero_based_and_count_in_whole_numbers(plan2025, placements):
    from kpi.charts import kpi_chart_svg

    labels = [f"{m}月" for m in MONTHS]
    svg = kpi_chart_svg(placements, [Decimal(1534), Decimal(1611)] + [None] * 10, labels)
    values = re.findall(r'<desc class="value">([^<]*)</desc>', svg)
    assert values[:2] == ["1,534", "3,145"]  # cumulative actual, Japanese number formatting
    ticks = _y_labels(svg)
    assert ticks[0] == "0" and all(re.fullmatch(r"[\d,]+", t) for t in ticks), ticks
    assert "累計目標" in svg and ticks[-1] == "20,000"  # the cumulative target reaches 12 × 1,538 = 18,456

    fair = Kpi.objects.get(measure__section__plan=plan2025, name="面接会の開催")  # 1件／年
    svg = kpi_chart_svg(fair, [Decimal(0)] * 3 + [None] * 9, labels)
    assert "累計目標" not in svg and "目標 1件／年" in svg  # no monthly share: no target line, the target in the title
    ticks = _y_labels(svg)
    assert ticks and ticks[0] == "0" and all(re.fullmatch(r"\d+", t) for t in ticks), ticks
    assert "0.3333" not in svg and "0.1" not in ticks

    rate = Kpi.objects.get(measure__section__plan=plan2025, name="公的職業訓練定員充足率（求職者支援訓練）")
    svg = kpi_chart_svg(rate, [Decimal("76.8")] + [None] * 11, labels, provisional=[True] + [False] * 11)
    assert "76.8%" in re.findall(r'<desc class="value">([^<]*)</desc>', svg) and "4月※" in svg
    assert _y_labels(svg)[0] == "0%"


def test_packet_is_a4_with_page_numbers_and_landscape_roadmap(packet):
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "99", "-"], input=packet.content, capture_output=True, check=True).stdout.decode()
    sizes = [line for line in info.splitlines() if line.startswith("Page") and "size" in line]
    assert all("(A4)" in line for line in sizes)
    assert any("841.89 x 595.276" in line for line in sizes)  # the roadmap pages are landscape
    pages = len(sizes)
    assert f"2 / {pages}" in pdf_text(packet.content, "-layout")


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
    text = pdf_text(content, "-layout")
    assert "政策提案" in text and "構成員名簿" not in text and "ＫＰＩの推移" not in text


def test_only_the_secretariat_takes_the_packet(client, lead_user, deputy_user, observer_user):
    for user, status in ((lead_user, 200), (deputy_user, 403), (observer_user, 403)):
        client.force_login(user)
        response = client.get(reverse("exports:download", args=[2025, "meeting_packet"]), {"section": ["goals"]})
        assert response.status_code == status
    client.force_login(lead_user)
    assert "協議会資料（PDF）" in client.get(reverse("exports:menu", args=[2025])).content.decode()


def test_the_portal_shows_the_same_charts_as_the_packet(client, lead_user, packet, plan2025, placements):
    from kpi.charts import kpi_chart_svg
    from kpi.services import monthly_totals

    client.force_login(lead_user)
    html = client.get(reverse("kpi:charts", args=[2025])).content.decode()
    monthly = monthly_totals(placements, placements.figures.all())
    assert monthly[:3] == [1534, 1611, None]
    svg = kpi_chart_svg(placements, monthly, [f"{m}月" for m in MONTHS])
    # Same drawing: the portal's SVG carries the same plotted values as the one the packet embeds.
    values = re.compile(r'<desc class="value">[^<]*</desc>')
    assert values.findall(svg)[:2] == ['<desc class="value">1,534</desc>', '<desc class="value">3,145</desc>']
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
    text = pdf_text(response.content, "-layout")
    assert "政策提案" in text and "構成員名簿" not in text
    client.post(reverse("exports:start", args=[2025, "meeting_packet"]), {"section": ["roadmap", "charts"]})
    assert ExportJob.objects.get().options["sections"] == ["roadmap", "charts"]


def test_the_packet_s_queries_do_not_grow_with_the_data(council, plan2025, gunma, bureau, placements):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from exports.packet import SECTION_IDS, packet_context

    meeting = Meeting.objects.get(plan=plan2025, number=1)
    qualitative = Kpi.objects.get(measure__section__plan=plan2025, measure_type="qualitative")
    welfare = gunma.member_bodies.get(name="群馬県（健康福祉部）")
    measures = list(Measure.objects.filter(section__plan=plan2025))

    def grow(months):
        for month in months:
            figure(placements, bureau, date(2025, month, 1), value=100 + month)
            figure(qualitative, welfare, date(2025, month, 1), text_value=f"{month}月の記述")
            item = AgendaItem.objects.create(meeting=meeting, order=10 + month, title=f"{month}月の議題")
            item.measures.set(measures[:month])
            item.proposals.set(PolicyProposal.objects.all())
            for body in gunma.member_bodies.exclude(membership="partner"):
                Representative.objects.create(member_body=body, title="随行", name=f"見本 {body.pk}-{month}", is_primary=False)
        meeting.attendees.all().delete()
        attendees_from_members(meeting)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            packet_context(plan2025, as_of=date(2025, 9, 30), sections=SECTION_IDS, meeting=meeting, variant="minutes")
        return len(captured)

    grow([4])
    queries()  # the first build also fills the process's caches (platform names, roles)
    before = queries()
    grow([5, 6, 7])
    assert queries() == before
