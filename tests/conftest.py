import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load Gunma's definition once per test session; each test runs in a rolled-back transaction."""
    with django_db_blocker.unblock():
        call_command("load_platform", str(settings.BASE_DIR / "fixtures" / "gunma"), verbosity=0)
        # Transactional tests (live server, browser) flush the database when they end; with
        # serialized_rollback they restore this snapshot, Gunma's data included, when they start.
        # It is set on this connection (where Django may already have put a snapshot taken before
        # the load) and on its class: Playwright's event loop gives the browser tests another
        # connection object than this one.
        snapshot = connection.creation.serialize_db_to_string()
        real_connection = connection.creation.connection
        real_connection._test_serialized_contents = snapshot
        type(real_connection)._test_serialized_contents = snapshot


@pytest.fixture
def gunma(db):
    from core.models import Platform

    return Platform.objects.get(code="gunma")


@pytest.fixture
def plan2025(gunma):
    return gunma.plans.get(fiscal_year=2025)


@pytest.fixture
def real_cache(settings):
    """The cache as in production, for the tests of what is cached (the suite runs with none, see settings_test)."""
    from django.core.cache import cache

    from core.freshness import process_copies

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}}
    cache.clear()
    process_copies.clear()
    yield cache
    cache.clear()
    process_copies.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Tests create many users; the production hasher is slow on purpose.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # The manifest storage needs collectstatic first; the tests render pages, not hashed files.
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


@pytest.fixture(autouse=True)
def _force_login_completes_the_second_factor(monkeypatch):
    """`client.force_login` stands for a finished sign-in, which for the secretariat includes the
    TOTP code; tests/test_two_factor.py drives the real code step and enrolment."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from core.access import requires_two_factor

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        if requires_two_factor(user) or TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(user=user, name="試験", confirmed=True)
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


# One signed-in person per kind of user of Gunma's platform (tests/factories.py GUNMA_USERS; the
# permission matrix makes the same people once per module), and one of another platform.
def _gunma_user(fixture_name):
    @pytest.fixture
    def fixture(gunma):
        from tests.factories import GUNMA_USERS, make_user

        username, body_name, role_code = GUNMA_USERS[fixture_name]
        return make_user(gunma, username=username, body_name=body_name, role_code=role_code)

    return fixture


lead_user = _gunma_user("lead_user")
bureau_staff = _gunma_user("bureau_staff")
deputy_user = _gunma_user("deputy_user")
welfare_user = _gunma_user("welfare_user")
hw_user = _gunma_user("hw_user")
rengo_user = _gunma_user("rengo_user")
chair_user = _gunma_user("chair_user")
observer_user = _gunma_user("observer_user")


# The two bodies that enter most of Gunma's figures.
@pytest.fixture
def bureau(gunma):
    return gunma.member_bodies.get(name="群馬労働局")


@pytest.fixture
def industry(gunma):
    return gunma.member_bodies.get(name="群馬県（産業経済部）")


@pytest.fixture
def other_platform_user(db):
    from tests.factories import load_sample_platform, make_user

    return make_user(load_sample_platform(), username="tochigi", body_name="栃木労働局", role_code="lead_secretariat")
