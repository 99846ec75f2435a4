"""Demo accounts, one per access role. Created only by `seed_demo`, never by migrations."""
from django.db.models import Q

from members.models import AccessRole, User

DEMO_PASSWORD = "demo-pass-2025"

# (username, display name, body name or None, access-role code, superuser)
_DEMO_USERS = [
    ("admin", "システム管理者", None, "system_admin", True),
    ("national", "全国ビュー閲覧者", None, "national_viewer", False),
    ("lead", "労働局 事務局担当", "群馬労働局", "lead_secretariat", False),
    ("bureau", "労働局 実績入力担当", "群馬労働局", "member_staff", False),
    ("deputy", "県産業経済部 担当", "群馬県（産業経済部）", "deputy_secretariat", False),
    ("welfare", "県健康福祉部 担当", "群馬県（健康福祉部）", "municipal_liaison", False),
    ("member", "ハローワーク 担当", "ハローワーク", "member_staff", False),
    ("keieisha", "経営者協会 担当", "（一社）群馬県経営者協会", "member_staff", False),
    ("chair", "座長", "群馬労働局", "chair", False),
    ("observer", "オブザーバー", "（株）上毛新聞社", "observer", False),
]


def create_demo_users(platform) -> list[User]:
    bodies = {b.name: b for b in platform.member_bodies.all()}
    roles = {(r.platform_id, r.code): r for r in AccessRole.objects.filter(Q(platform=platform) | Q(platform__isnull=True))}
    users = []
    for username, display_name, body_name, role_code, superuser in _DEMO_USERS:
        body = bodies[body_name] if body_name else None
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={
                "display_name": display_name,
                "member_body": body,
                "is_staff": superuser,
                "is_superuser": superuser,
                # Reserved example domain: the demo's console mail backend prints reminders to it.
                "email": f"{username}@example.jp",
            },
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        role = roles.get((platform.pk, role_code)) or roles[(None, role_code)]
        user.access_roles.set([role])
        users.append(user)
    return users


def create_demo_municipal_user(platform) -> User:
    """A municipal platform's staff account for the platform's first municipality (demo data only)."""
    from municipal_pf.models import MunicipalAccount, MunicipalPlatform

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


def enrol_demo_second_factor(users) -> dict[str, str]:
    """Demo only: the users whose role requires 2FA get an authenticator key, printed by seed_demo
    so that a demo can be tried with any authenticator app (or `manage.py demo_totp <user>`)."""
    import base64

    from django_otp.plugins.otp_totp.models import TOTPDevice

    from core.access import requires_two_factor

    secrets = {}
    for user in users:
        if requires_two_factor(user):
            TOTPDevice.objects.filter(user=user).delete()
            device = TOTPDevice.objects.create(user=user, name="デモ用", confirmed=True)
            secrets[user.username] = base64.b32encode(device.bin_key).decode()
    return secrets
