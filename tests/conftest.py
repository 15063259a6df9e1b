import os

import pytest
from django.db import connection


def pytest_configure(config):
    # Playwright's sync API runs an event loop in the test thread; Django's ORM calls made
    # by fixtures in that thread are still synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.skipped and os.environ.get("SHOP_TESTS_FORBID_SKIPS") == "1":
        report.outcome = "failed"
        report.longrepr = f"Skipped tests are not allowed in CI: {report.longrepr}"


@pytest.fixture(autouse=True, scope="session")
def _database_is_what_ci_asked_for(django_db_setup, django_db_blocker):
    if os.environ.get("SHOP_TESTS_REQUIRE_MYSQL") == "1":
        with django_db_blocker.unblock():
            assert connection.vendor == "mysql", "CI must run the suite against MariaDB/MySQL"


@pytest.fixture
def mysql_only():
    if connection.vendor != "mysql":
        pytest.skip("needs MySQL or MariaDB (CI runs it there)")


@pytest.fixture
def bakong(settings):
    """The Bakong stand-in on a free port, with the shop configured to use it."""
    import threading

    from checkout.khqr.sandbox import make_server

    server = make_server("127.0.0.1", 0, token="test-token")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address
    settings.BAKONG_API_BASE_URL = f"http://{host}:{port}"
    settings.BAKONG_API_TOKEN = "test-token"
    settings.BAKONG_READ_TIMEOUT = 2.0
    server.url = f"http://{host}:{port}"
    yield server
    server.shutdown()
    server.server_close()
