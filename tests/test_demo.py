"""The demo command, and that migrations alone create no accounts."""
from datetime import date
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from kpi.models import KpiFigure
from members.models import AccessRole, User


def test_migrations_and_fixture_create_no_users(db):
    assert not User.objects.exists()


def test_seed_demo_gives_every_access_role_a_user_and_a_full_year(gunma, plan2025):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    roles_without_users = AccessRole.objects.filter(users__isnull=True).values_list("code", flat=True)
    assert list(roles_without_users) == []
    assert User.objects.get(username="lead").member_body.name == "群馬労働局"
    assert User.objects.get(username="admin").is_superuser
    assert KpiFigure.objects.filter(kpi__measure__section__plan=plan2025).dates("month", "month").count() == 12
    assert "demo-pass-2025" in out.getvalue()
    call_command("seed_demo", stdout=StringIO())  # running it again is harmless
    assert User.objects.filter(username="lead").count() == 1


def test_demo_user_can_sign_in(client, gunma):
    call_command("seed_demo", "--no-figures", stdout=StringIO())
    response = client.post("/login/", {"username": "member", "password": "demo-pass-2025"})
    assert response.status_code == 302 and response.url == "/"


def test_demo_shows_every_workflow_state(gunma, plan2025):
    from kpi.models import FigureSubmission
    from plans.models import ProgressReport
    from proposals.models import PolicyProposal

    call_command("seed_demo", stdout=StringIO())
    assert set(FigureSubmission.objects.filter(plan=plan2025).values_list("status", flat=True)) == {"approved", "submitted", "returned"}
    # Each handed-in month says when it came in (the approvals page shows it beside the body).
    waiting = FigureSubmission.objects.get(plan=plan2025, status="submitted")
    assert timezone.localtime(waiting.submitted_at).date() == date(2026, 2, 5) and waiting.month == date(2026, 1, 1)
    assert not FigureSubmission.objects.filter(plan=plan2025, submitted_at__isnull=True).exists()
    assert set(ProgressReport.objects.values_list("review_status", flat=True)) == {"draft", "submitted", "accepted", "returned"}
    assert PolicyProposal.objects.filter(platform=gunma).count() == 3
    assert User.objects.get(username="municipal").municipal_account.municipal_platform.platform == gunma
    from municipal_pf.models import MunicipalPlatform, MunicipalReport

    assert set(MunicipalReport.objects.values_list("status", flat=True)) == {"received", "in_progress", "answered", "noted"}
    assert set(MunicipalPlatform.objects.filter(platform=gunma).values_list("status", flat=True)) == {"established", "preparing"}
