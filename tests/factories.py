"""Small builders for test data on top of the loaded fixtures."""
from django.conf import settings

from members.models import AccessRole, User
from onboarding.loader import load_directory

PASSWORD = "test-pass-12345"

# One signed-in person per kind of user of Gunma's platform: fixture name → (username, body, role).
# Bodies: 群馬労働局 and 群馬県（産業経済部） enter KPI figures; ハローワーク is responsible for
# measures (through 労働局 and 全機関・団体) but enters no figures; 連合群馬 is responsible only
# through 全機関・団体.
GUNMA_USERS = {
    "lead_user": ("lead", "群馬労働局", "lead_secretariat"),
    "bureau_staff": ("bureau", "群馬労働局", "member_staff"),
    "deputy_user": ("deputy", "群馬県（産業経済部）", "deputy_secretariat"),
    "welfare_user": ("welfare", "群馬県（健康福祉部）", "municipal_liaison"),
    "hw_user": ("hw", "ハローワーク", "member_staff"),
    "rengo_user": ("rengo", "日本労働組合総連合会群馬県連合会", "member_staff"),
    "chair_user": ("chair", "群馬労働局", "chair"),
    "observer_user": ("observer", "（株）上毛新聞社", "observer"),
}


def load_sample_platform():
    """A second, non-Gunma platform in the same instance (fixtures/sample_tochigi)."""
    return load_directory(settings.BASE_DIR / "fixtures" / "sample_tochigi").platform


def make_user(platform, *, username, body_name, role_code="member_staff"):
    body = platform.member_bodies.get(name=body_name)
    user = User.objects.create_user(username=username, password=PASSWORD, member_body=body)
    user.access_roles.set(AccessRole.objects.filter(platform=platform, code=role_code))
    return user


def approve(plan, body, *months, status="approved"):
    """Mark a body's months approved (確定), or another submission status: only approved figures
    count in totals and files unless 速報値 are asked for (kpi/confirmation.py)."""
    from kpi.models import FigureSubmission

    for month in months:
        FigureSubmission.objects.update_or_create(plan=plan, member_body=body, month=month, defaults={"status": status})
