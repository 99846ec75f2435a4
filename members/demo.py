"""Demo accounts, one per access role. Created only by `seed_demo`, never by migrations."""
from django.db.models import Q

from members.models import AccessRole, Representative, User

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


# Representatives (役職・氏名) of the demo council. The names are invented (見本 = "sample") so that
# no real official is ever printed in a demo packet; the titles follow the kind of post that attends.
# (body name, title, name, capacity, on the member list)
_DEMO_REPRESENTATIVES = [
    ("群馬労働局", "職業安定部長", "見本 一郎", "member", True),
    ("群馬労働局", "職業安定部 職業安定課長", "見本 次郎", "secretariat", False),
    ("群馬県（産業経済部）", "産業経済部長", "見本 花子", "member", True),
    ("群馬県（産業経済部）", "労働政策課 次長", "見本 三郎", "secretariat", False),
    ("群馬県（健康福祉部）", "健康福祉部長", "見本 桜子", "member", True),
    ("安中市", "保健福祉部長", "見本 四郎", "member", True),
    ("ハローワーク", "ハローワーク前橋 所長", "見本 五郎", "member", True),
    ("（独）高齢・障害・求職者雇用支援機構 群馬支部", "支部長", "見本 梅子", "member", True),
    ("ぐんま地域若者サポートステーション", "総括コーディネーター", "見本 六郎", "member", True),
    ("日本労働組合総連合会群馬県連合会", "事務局長", "見本 七郎", "member", True),
    ("（一社）群馬県経営者協会", "専務理事", "見本 菊子", "member", True),
    ("群馬県中小企業団体中央会", "事務局長", "見本 八郎", "member", True),
    ("（一社）群馬県商工会議所連合会", "事務局長", "見本 九郎", "member", True),
    ("群馬県商工会連合会", "事務局長", "見本 十郎", "member", True),
    ("（株）上毛新聞社", "編集局長", "見本 百合子", "member", True),
]


def create_demo_representatives(platform) -> int:
    """Fictitious representatives for the demo's member bodies (bodies not in the list are left alone)."""
    bodies = {b.name: b for b in platform.member_bodies.all()}
    created = 0
    for order, (body_name, title, name, capacity, primary) in enumerate(_DEMO_REPRESENTATIVES):
        body = bodies.get(body_name)
        if body is None:
            continue
        _, made = Representative.objects.update_or_create(
            member_body=body, name=name, defaults={"title": title, "capacity": capacity, "is_primary": primary, "order": order}
        )
        created += made
    return created


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
