"""Demo policy proposals, in several states. Fictional; created only by `seed_demo`."""
from datetime import timedelta

from django.utils import timezone

from core.tenancy import working_plan
from plans.models import Measure
from proposals.models import PolicyProposal

Status = PolicyProposal.Status

# (body name, title, content, background, section path of the related measure + its number or None,
#  status, handling, response, for_agenda, days ago)
_DEMO_PROPOSALS = [
    (
        "（一社）群馬県経営者協会",
        "中高年世代の正社員転換に取り組む中小企業への情報提供の強化",
        "キャリアアップ助成金など正社員転換に使える支援策を、会員企業向けの説明会で労働局から直接説明していただく機会を設けてほしい。",
        "会員企業から「制度が複雑で申請をためらう」という声が多く、正社員転換の検討が進んでいないため。",
        ("2", "(3)", "②"),
        Status.ANSWERED,
        "会員企業向け説明会への講師派遣を検討し、経営者協会と日程を調整した。",
        "次回の会員企業向けセミナーに労働局職員を講師として派遣し、キャリアアップ助成金の活用事例を説明します。",
        True,
        60,
    ),
    (
        "安中市",
        "市町村ＰＦ間で好事例を共有する場の設置",
        "市町村ＰＦの担当者が、他市町村の支援事例や関係機関との連携方法を共有できる情報交換会を年1回程度開催してほしい。",
        "市町村ＰＦを設置したものの、ひきこもり状態にある方への支援の進め方について、他市町村の取組を知る機会が少ない。",
        ("4", "(2)", ""),
        Status.UNDER_REVIEW,
        "県健康福祉部と開催時期・形式（オンライン併用）を検討中。",
        "",
        False,
        25,
    ),
    (
        "ぐんま地域若者サポートステーション",
        "サポステ利用者の対象年齢を超えた方への切れ目ない支援",
        "サポステの対象年齢（49歳まで）を超える相談者を、ハローワークの専門窓口へ確実に引き継ぐための連絡票の様式を統一してほしい。",
        "50歳前後の相談者が増えており、引継ぎの際に本人が同じ説明を繰り返す負担が生じている。",
        ("3", "(1)", ""),
        Status.SUBMITTED,
        "",
        "",
        False,
        3,
    ),
]


def _measure(plan, path):
    if plan is None or path is None:
        return None
    top, sub, number = path
    return (
        Measure.objects.filter(section__plan=plan, section__number=sub, section__parent__number=top, number=number)
        .order_by("order", "id")
        .first()
    )


def generate_demo_proposals(platform) -> int:
    """Create the demo proposals the platform lacks (matched by body and title); returns how many."""
    plan = working_plan(platform)
    bodies = {b.name: b for b in platform.member_bodies.all()}
    created = 0
    now = timezone.now()
    for body_name, title, content, background, path, status, handling, response, for_agenda, days in _DEMO_PROPOSALS:
        body = bodies.get(body_name)
        if body is None or platform.proposals.filter(member_body=body, title=title).exists():
            continue
        proposal = PolicyProposal(
            platform=platform,
            member_body=body,
            title=title,
            content=content,
            background=background,
            related_measure=_measure(plan, path),
            status=status,
            handling=handling,
            response=response,
            for_agenda=for_agenda,
            responded_at=now - timedelta(days=days // 2) if status == Status.ANSWERED else None,
        )
        proposal._change_reason = "デモデータ"
        proposal.save()
        # submitted_at is auto_now_add; the demo spreads the dates so that the list looks lived in.
        # The creation entry already tells the story; the back-dating is not a change anyone made.
        proposal.submitted_at = now - timedelta(days=days)
        proposal.skip_history_when_saving = True
        proposal.save(update_fields=["submitted_at"])
        del proposal.skip_history_when_saving
        created += 1
    return created
