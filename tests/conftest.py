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
    from platform_portal.models import Platform

    return Platform.objects.get(code="gunma")


@pytest.fixture
def plan2025(gunma):
    return gunma.plans.get(fiscal_year=2025)


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # The manifest storage needs collectstatic first; the tests render pages, not hashed files.
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
