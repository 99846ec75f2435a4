"""Demo municipal platforms and reports: every status and handling state appears (demo data only)."""
from datetime import date

from members.demo import DEMO_PASSWORD
from members.models import AccessRole, User
from municipal_pf.models import MunicipalAccount, MunicipalPlatform, MunicipalReport, NetworkPartnerType

# (status, forum, number of network partners connected) for the first municipalities by code.
_PLATFORMS = [
    ("established", "support_meeting", 9), ("established", "coordination_meeting", 6), ("established", "community_care_meeting", 11),
    ("established", "new", 4), ("preparing", "", 0), ("preparing", "", 0), ("established", "support_meeting", 7),
]
_REPORTS = [
    ("good_practice", "", "ひきこもり当事者会と連携した居場所づくり", "当事者会の協力で月2回の居場所を開設し、延べ40人が参加した。", "noted", ""),
    ("issue", "", "支援対象者の把握", "民生委員からの情報が少なく、潜在的な対象者に届いていない。", "in_progress", ""),
    ("request", "placements", "職場実習先の開拓", "経済団体を通じて、中高年の職場実習を受け入れる企業を紹介してほしい。", "answered",
     "県経営者協会と連携し、受入れ可能な企業の一覧をお送りしました。"),
    ("request", "cross_border", "近隣市町村との合同相談会", "単独では参加者が集まらないため、広域での開催を調整してほしい。", "received", ""),
]


def generate_demo_municipal(platform) -> int:
    partners = list(NetworkPartnerType.objects.all())
    municipalities = list(platform.prefecture.municipalities.order_by("code")[: len(_PLATFORMS)])
    mpfs = []
    for municipality, (status, forum, linked) in zip(municipalities, _PLATFORMS):
        mpf, _ = MunicipalPlatform.objects.update_or_create(
            platform=platform, municipality=municipality,
            defaults={"status": status, "forum": forum, "secretariat_department": "福祉担当課（デモ）",
                      "established_on": date(2023, 4, 1) if status == "established" else None},
        )
        mpf.network_partners.set(partners[:linked])
        mpfs.append(mpf)
    plan = platform.plans.order_by("-fiscal_year").first()
    period = plan.reporting_periods.order_by("starts_on").first() if plan else None
    if period is None or MunicipalReport.objects.filter(municipal_platform__platform=platform).exists():
        return 0
    for mpf, (kind, request_type, title, body, status, response) in zip(mpfs, _REPORTS):
        MunicipalReport.objects.create(
            municipal_platform=mpf, period=period, kind=kind, request_type=request_type, title=title, body=body,
            status=status, response=response,
        )
    return len(_REPORTS)


def create_demo_municipal_user(platform) -> User:
    """A municipal platform's staff account for the platform's first municipality (demo data only)."""
    municipality = platform.prefecture.municipalities.order_by("code").first()
    municipal_platform, _ = MunicipalPlatform.objects.get_or_create(
        platform=platform,
        municipality=municipality,
        defaults={"status": MunicipalPlatform.Status.ESTABLISHED, "secretariat_department": "福祉担当課（デモ）"},
    )
    user, _ = User.objects.update_or_create(
        username="municipal",
        defaults={"display_name": f"{municipality} 市町村ＰＦ担当", "member_body": None, "email": "municipal@example.jp"},
    )
    user.set_password(DEMO_PASSWORD)
    user.save()
    user.access_roles.set(AccessRole.objects.filter(platform=platform, code="municipal_staff"))
    MunicipalAccount.objects.update_or_create(user=user, defaults={"municipal_platform": municipal_platform})
    return user
