"""Small builders for test data on top of the loaded fixtures."""
from django.conf import settings

from members.models import AccessRole, User
from onboarding.loader import load_directory

PASSWORD = "test-pass-12345"


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
