"""Responsible parties (実施主体) resolve to bodies, and a body finds the measures it is responsible for."""
from datetime import date

import pytest

from members.models import MemberBody, ResponsibleParty
from members.services import party_bodies
from plans.models import Measure
from plans.roadmap import responsible_label


def names(bodies):
    return {b.name for b in bodies}


@pytest.fixture
def body(gunma):
    return lambda name: gunma.member_bodies.get(name=name)


def test_all_members_means_current_full_members_only(gunma):
    everyone = party_bodies(gunma.responsible_parties.get(label="全機関・団体"))
    assert len(everyone) == 13
    assert "ジョブカフェぐんま" not in names(everyone)  # a delivery point, not a member


def test_all_members_leaves_out_observers_and_bodies_that_have_left(gunma, body):
    paper = body("（株）上毛新聞社")
    paper.membership = MemberBody.Membership.OBSERVER
    paper.save()
    union = body("日本労働組合総連合会群馬県連合会")
    union.left_on = date(2020, 3, 31)
    union.joined_on = date(2019, 4, 1)
    union.save()
    everyone = names(party_bodies(gunma.responsible_parties.get(label="全機関・団体")))
    assert "（株）上毛新聞社" not in everyone
    assert "日本労働組合総連合会群馬県連合会" not in everyone
    assert len(everyone) == 11


def test_category_party_follows_the_category(gunma, body):
    economic = gunma.responsible_parties.get(label="経済団体")
    assert names(party_bodies(economic)) == {
        "（一社）群馬県経営者協会",
        "群馬県中小企業団体中央会",
        "（一社）群馬県商工会議所連合会",
        "群馬県商工会連合会",
    }
    newcomer = MemberBody.objects.create(platform=gunma, name="新しい経済団体", category=economic.categories.get())
    assert newcomer in party_bodies(economic)


def test_prefecture_label_means_both_departments(gunma):
    assert names(party_bodies(gunma.responsible_parties.get(label="県"))) == {"群馬県（産業経済部）", "群馬県（健康福祉部）"}


def test_parties_do_not_reach_into_another_platform(gunma):
    from tests.factories import load_sample_platform

    other = load_sample_platform()
    assert not party_bodies(gunma.responsible_parties.get(label="全機関・団体")).filter(platform=other).exists()
    assert names(party_bodies(other.responsible_parties.get(label="全機関・団体"))) == {
        "栃木労働局",
        "栃木県（産業労働観光部）",
        "（サンプル）とちぎ若者サポートステーション",
    }  # its observer is left out


def labels(measures):
    return sorted(f"{m.section.number}{m.number}" for m in measures)


def test_my_tasks_of_an_economic_body_come_through_groups(plan2025, body):
    measures = Measure.objects.for_body(body("（一社）群馬県経営者協会"), plan2025).select_related("section")
    # 全機関・団体: 1(1)①, 2(2)①–④; 経済団体: 3(2)
    assert labels(measures) == sorted(["(1)①", "(2)①", "(2)②", "(2)③", "(2)④", "(2)"])


def test_my_tasks_of_the_welfare_department_include_prefecture_measures(plan2025, body):
    measures = Measure.objects.for_body(body("群馬県（健康福祉部）"), plan2025)
    descriptions = " ".join(m.description for m in measures)
    assert "ひきこもり支援センター" in descriptions  # 4(1) 県
    assert "市町村PFにおける好事例" in descriptions  # 4(2) 労働局・県
    assert "トライアル雇用助成金" not in descriptions  # 2(3) 労働局 only


def test_partner_bodies_have_no_tasks(plan2025, body):
    assert not Measure.objects.for_body(body("ジョブカフェぐんま"), plan2025).exists()


def test_responsible_label_is_printed_in_party_order(plan2025):
    measure = plan2025.sections.get(number="(4)", parent__number="2").measures.first()
    assert responsible_label(measure) == "労働局・県・機構"


def test_party_label_is_unique_per_platform(gunma):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ResponsibleParty.objects.create(platform=gunma, label="県")


def test_hello_work_sees_the_labour_bureau_measures_it_carries_out(plan2025, body):
    measures = Measure.objects.for_body(body("ハローワーク"), plan2025)
    descriptions = " ".join(m.description for m in measures)
    assert "ミドルシニア専門窓口" in descriptions  # 2(1)ア② 【労働局】
    assert "ひきこもり支援センター" not in descriptions  # 4(1) 県 only


def test_party_note_explains_the_reading(gunma):
    assert "ハローワーク" in gunma.responsible_parties.get(label="労働局").note


def test_tasks_follow_membership_in_the_plans_year(plan2025, body):
    paper = body("（株）上毛新聞社")
    assert Measure.objects.for_body(paper, plan2025).exists()
    paper.joined_on, paper.left_on = date(2020, 4, 1), date(2025, 3, 31)  # left before FY2025
    paper.save()
    assert not Measure.objects.for_body(paper, plan2025).exists()
    assert paper not in party_bodies(plan2025.platform.responsible_parties.get(label="全機関・団体"), plan2025)
    paper.left_on = date(2025, 9, 30)  # left during FY2025: still answerable for that year
    paper.save()
    assert Measure.objects.for_body(paper, plan2025).exists()


def test_progress_report_only_from_a_responsible_body(plan2025, body):
    from django.core.exceptions import ValidationError

    from plans.models import ProgressReport

    measure = plan2025.sections.get(number="ア").measures.get(number="①")  # 労働局
    report = ProgressReport(measure=measure, period=plan2025.reporting_periods.first(), member_body=body("（株）上毛新聞社"))
    with pytest.raises(ValidationError, match="この取組の実施主体ではありません"):
        report.full_clean()
    report.member_body = body("ハローワーク")
    report.full_clean()


def test_section_cannot_be_its_own_ancestor(plan2025):
    from django.core.exceptions import ValidationError

    top = plan2025.sections.get(number="2", parent=None)
    child = top.children.get(number="(1)")
    top.parent = child
    with pytest.raises(ValidationError, match="自分自身やその下位の項目は選べません"):
        top.full_clean()
