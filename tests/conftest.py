import os

import pytest
import redis
from django.conf import settings
from django.db import DatabaseError

from tests.mail import smtp  # noqa: F401 - a fixture for every test package
from tests.processes import ProcessGroup, database_url, uses_redis


@pytest.fixture(scope="session", autouse=True)
def _close_stray_connections(django_db_setup, django_db_blocker):
    """Child processes and live-server threads may leave a connection behind; close them all so
    that the test database can be dropped at the end."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    name = connection.settings_dict["NAME"]
    try:
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                [name],
            )
    except DatabaseError:
        pass  # the test database is gone already: nothing to close


@pytest.fixture(autouse=True)
def _empty_cache():
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def broker_env(tmp_path, worker_id) -> dict[str, str]:
    """A broker for this test alone: a flushed Redis database, or a filesystem broker folder."""
    if uses_redis():
        index = 1 + (int(worker_id[2:]) if worker_id.startswith("gw") else 0)
        url = settings.CELERY_BROKER_URL.rsplit("/", 1)[0] + f"/{index}"
        redis.Redis.from_url(url).flushdb()
        return {"CELERY_BROKER_URL": url}
    return {"CELERY_BROKER_URL": "filesystem://", "HELPDESK_VAR_DIR": str(tmp_path / "var")}


@pytest.fixture
def processes(transactional_db, broker_env, tmp_path, request):
    """Start real worker/relay processes on the test database; they are killed after the test."""
    log_dir = tmp_path / "logs"
    log_dir.mkdir()
    env = {
        **os.environ,
        **broker_env,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": database_url(),
        "OUTBOX_HANDLER_MODULES": "tests.helpdesk.outbox_test_handlers",
        "OUTBOX_POLL_SECONDS": "0.1",
        "CELERY_VISIBILITY_TIMEOUT": "3",
        "CELERY_UNACKED_RESTORE_INTERVAL": "1",
        "PYTHONUNBUFFERED": "1",
    }
    group = ProcessGroup(env, log_dir)
    yield group
    group.stop_all()
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        print(group.logs())


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    # Lets fixtures see whether the test failed (to print the child processes' logs).
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


# Personas, one per role (as in the demo data): Alice is a customer, Ona an agent, and so on.
@pytest.fixture
def alice(db):
    from tests.factories import UserFactory

    return UserFactory(email="alice@example.com", full_name="Alice Brown", role="customer")


@pytest.fixture
def ona(db):
    from tests.factories import UserFactory

    return UserFactory(email="ona@example.com", full_name="Ona Kazlauskaitė", role="agent", language="lt")


@pytest.fixture
def aino(db):
    from tests.factories import UserFactory

    return UserFactory(email="aino@example.com", full_name="Aino Virtanen", role="supervisor")


@pytest.fixture
def piotr(db):
    from tests.factories import UserFactory

    return UserFactory(email="piotr@example.com", full_name="Piotr Nowak", role="backoffice")


@pytest.fixture
def rasa(db):
    from tests.factories import UserFactory

    return UserFactory(email="rasa@example.com", full_name="Rasa Petrauskienė", role="admin")
