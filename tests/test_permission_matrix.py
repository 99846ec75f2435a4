"""Permission matrix: every URL of the portal × every kind of user, with the status each must get.

The rows live in tests/matrix_rows/ (one module per area; its docstring says how to add rows and
which kinds of user there are). A URL without a row fails `test_every_url_has_a_row`.

Expected statuses: 302 to the login page for anonymous users, 404 for another platform's objects,
403 for a missing permission, 200 for a page (302 after a successful POST).
"""
import inspect
import re
from datetime import date
from urllib.parse import urlsplit

import pytest
from django.contrib import admin
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from core.permissions import PERMISSIONS
from exports.models import ExportJob
from imports.models import ImportRun
from kpi.models import FigureSubmission, Kpi
from meetings.models import Meeting
from members.models import AccessRole, User
from municipal_pf.models import MunicipalAccount, MunicipalPlatform, MunicipalReport
from plans.models import Measure, ProgressReport
from proposals.models import PolicyProposal
from tests.factories import GUNMA_USERS, load_sample_platform, make_user
from tests.matrix_rows import all_rows
from tests.matrix_rows.base import KINDS

ROWS = all_rows()

# The fixture signed in for each kind ("responsible" is the row's own fixture).
USERS = {
    "other_platform": "other_platform_lead",
    "unrelated": "rengo_user",
    "deputy": "deputy_user",
    "lead": "lead_user",
    "chair": "chair_user",
    "observer": "observer_user",
    "welfare": "welfare_user",
    "municipal": "other_municipal_user",
    "national": "national_user",
    "admin": "system_admin",
}


def _build_world():
    """One object of each kind the URLs point at, all on Gunma's platform, and the users who ask."""
    from core.models import Platform

    gunma = Platform.objects.get(code="gunma")
    plan2025 = gunma.plans.get(fiscal_year=2025)
    users = {name: make_user(gunma, username=u, body_name=body, role_code=role) for name, (u, body, role) in GUNMA_USERS.items()}
    users["keieisha_user"] = make_user(gunma, username="keieisha", body_name="（一社）群馬県経営者協会")
    bureau = gunma.member_bodies.get(name="群馬労働局")
    keieisha = gunma.member_bodies.get(name="（一社）群馬県経営者協会")
    placements = Kpi.objects.get(measure__section__plan=plan2025, name="ハローワークにおける紹介就職件数")
    hw_measure = placements.measure  # 2(1)ア①, 労働局 (ハローワーク included)
    period = plan2025.reporting_periods.order_by("starts_on").first()
    submitted = FigureSubmission.objects.create(
        plan=plan2025, member_body=bureau, month=date(2025, 4, 1), status=FigureSubmission.Status.SUBMITTED
    )
    report = ProgressReport.objects.create(
        measure=hw_measure, period=period, member_body=users["hw_user"].member_body, activities="窓口での職業紹介",
        review_status=ProgressReport.Review.SUBMITTED,
    )
    draft = ProgressReport.objects.create(
        measure=Measure.objects.get(section__plan=plan2025, section__number="(1)", section__parent__number="1", number="①"),
        period=period, member_body=users["hw_user"].member_body, activities="下書き",
    )
    proposal = PolicyProposal.objects.create(platform=gunma, member_body=keieisha, title="提案", content="内容")
    lead = users["lead_user"]
    job = ExportJob(platform=gunma, user=lead, export_id="figures_csv", fiscal_year=2025, status="done", filename="f.csv", content_type="text/csv")
    job.file.save("f.csv", ContentFile(b"x"), save=True)
    meeting = Meeting.objects.create(plan=plan2025, number=1, held_on=date(2025, 7, 10))
    municipalities = gunma.prefecture.municipalities.order_by("pk")
    mpf = MunicipalPlatform.objects.create(platform=gunma, municipality=municipalities[0])
    municipal_report = MunicipalReport.objects.create(municipal_platform=mpf, period=period, kind="issue", title="課題", body="x")
    import_run = ImportRun(platform=gunma, user=lead, kind="members", original_name="m.csv", status="imported")
    import_run.file.save("m.csv", ContentFile(b"x"), save=True)
    users["municipal_owner"] = _municipal_staff("municipal_owner", mpf)
    users["other_municipal_user"] = _municipal_staff("municipal_other", MunicipalPlatform.objects.create(platform=gunma, municipality=municipalities[1]))
    users["other_platform_lead"] = _other_platform_lead()
    users["national_user"] = User.objects.create_user(username="national", password="x")
    users["national_user"].access_roles.set(AccessRole.objects.filter(platform=None, code="national_viewer"))
    users["system_admin"] = User.objects.create_superuser(username="root", password="x-long-password", email="")
    users["system_admin"].access_roles.set(AccessRole.objects.filter(platform=None, code="system_admin"))
    world = {
        "import_run": import_run,
        "municipal_report": municipal_report,
        "plan": plan2025, "bureau": bureau, "kpi": placements, "measure": hw_measure, "period": period,
        "submission": submitted, "report": report, "draft": draft, "proposal": proposal, "job": job, "meeting": meeting,
    }
    return world, users


def _other_platform_lead():
    """Another platform's lead holding every platform permission: only the tenant check stops them."""
    tochigi = load_sample_platform()
    AccessRole.objects.filter(platform=tochigi, code="lead_secretariat").update(
        permissions=sorted(set(PERMISSIONS) - {"view_all_platforms", "administer_system"})
    )
    return make_user(tochigi, username="tochigi", body_name="栃木労働局", role_code="lead_secretariat")


def _municipal_staff(username, mpf):
    user = User.objects.create_user(username, password="x", display_name=f"{mpf.municipality}担当")
    user.access_roles.add(AccessRole.objects.get(platform=mpf.platform, code="municipal_staff"))
    MunicipalAccount.objects.create(user=user, municipal_platform=mpf)
    return user


@pytest.fixture(scope="module")
def _matrix_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once for the module inside a transaction rolled back at its end (as Django's
    TestCase.setUpTestData does): each test's own transaction is a savepoint inside it."""
    media = tmp_path_factory.mktemp("matrix_media")
    quick = override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), quick:
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield _build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def world(_matrix_world, db):
    return _matrix_world[0]


@pytest.fixture
def matrix_user(_matrix_world, request):
    """The user of a fixture name: the module's own when it made one, else the fixture's."""
    users = _matrix_world[1]
    return lambda name: users[name] if name in users else request.getfixturevalue(name)


def _ids():
    return [f"{row.area} {row.method} {row.name} #{i}" for i, row in enumerate(ROWS)]


@pytest.mark.parametrize("row", ROWS, ids=_ids())
@pytest.mark.parametrize("kind", KINDS)
def test_permission_matrix(row, kind, world, client, matrix_user):
    if kind != "anonymous":
        client.force_login(matrix_user(row.responsible if kind == "responsible" else USERS[kind]))
    url = row.url(world)
    response = getattr(client, row.method)(url, row.data(world)) if row.method == "post" else client.get(url)
    expected = row.expected[kind]
    assert response.status_code == expected, f"{kind} {row.method.upper()} {url}: {response.status_code} != {expected}"
    if kind == "anonymous":
        assert response["Location"].startswith(reverse("login"))


def _handles_post(view, seen=()) -> bool:
    """Whether a view reads a form: a class-based view with post(), or a function reading
    request.POST (itself or through a function of its module it hands the request to)."""
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        return hasattr(view_class, "post")
    function = inspect.unwrap(view)
    source = inspect.getsource(function)
    if any(marker in source for marker in ("request.POST", "request.FILES", "request.method")):
        return True
    helpers = {function.__globals__.get(name) for name in re.findall(r"(\w+)\(request\b", source)}
    return any(
        _handles_post(helper, (*seen, function))
        for helper in helpers
        if inspect.isfunction(helper) and helper.__module__ == function.__module__ and inspect.unwrap(helper) not in (*seen, function)
    )


def test_every_write_view_has_a_post_row(world):
    """A view that reads a form must be posted to in the matrix, by every kind of user."""
    posted = {row.name for row in ROWS if row.method == "post"}
    unposted = {row.name: row for row in ROWS if row.name not in posted}
    missing = sorted(name for name, row in unposted.items() if _handles_post(resolve(urlsplit(row.url(world)).path).func))
    assert missing == [], f"write views without a POST row in tests/matrix_rows/: {missing}"


ADMIN_URLS = [reverse("admin:index")] + [
    reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}") for model in admin.site._registry for view in ("changelist", "add")
]


def _admin_object_urls() -> list[str]:
    """Each registered model's change, delete and history pages, for one row of the world that has one."""
    urls = []
    for model in admin.site._registry:
        row = model._default_manager.order_by("pk").first()
        if row is not None:
            name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
            urls += [reverse(f"{name}_{view}", args=[row.pk]) for view in ("change", "delete", "history")]
    return urls


@pytest.mark.parametrize("kind", KINDS)
def test_the_admin_is_the_system_administrators_alone(kind, world, client, matrix_user):
    """Every page of the Django admin: the system administrator's; everyone else is sent to its login."""
    if kind != "anonymous":
        client.force_login(matrix_user("bureau_staff" if kind == "responsible" else USERS[kind]))
    object_urls = _admin_object_urls()
    assert len(object_urls) > 30  # the world has rows for most models: the object pages are really asked
    for url in ADMIN_URLS + object_urls:
        # An add, change or delete page's POST too: it must not reach the form.
        writes = url.endswith(("/add/", "/change/", "/delete/"))
        for method in ("get", "post") if writes and kind != "admin" else ("get",):
            response = getattr(client, method)(url)
            if kind == "admin":
                # An admin that adds, changes or deletes nothing by hand (axes' records, history rows) refuses that page.
                assert response.status_code in ((200, 403) if writes else (200,)), url
            else:
                assert response.status_code in (302, 403, 404), f"{kind} {method.upper()} {url}: {response.status_code}"
                if response.status_code == 302:
                    assert response["Location"].startswith(reverse("admin:login")), f"{kind} {method.upper()} {url} → {response['Location']}"


def test_the_admin_needs_the_second_factor(world, client):
    """A system administrator signed in with the password alone does not reach the admin."""
    client.post(reverse("login"), {"username": "root", "password": "x-long-password"})
    assert "_auth_user_id" in client.session
    for url in ADMIN_URLS:
        response = client.get(url)
        assert response.status_code == 302 and not response["Location"].startswith(url), url


def _named_urls(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _named_urls(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            # A URL without a name can have no row: it shows as a missing "(unnamed …)".
            yield f"{namespace}{pattern.name}" if pattern.name else f"(unnamed {pattern.pattern})"


# Pages every visitor may open, outside the portal's permissions.
PUBLIC = {"healthz", "login", "logout", "password_reset", "password_reset_done", "password_reset_confirm", "password_reset_complete"}


def test_every_url_has_a_row():
    covered = {row.name for row in ROWS}
    missing = sorted(set(_named_urls(get_resolver().url_patterns)) - covered - PUBLIC)
    assert missing == [], f"permission matrix rows missing for: {missing}"
