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


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's default language (English), as code outside a request
    does: a request in an earlier test leaves its language active in the thread."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (pages, rate limits, back-off)."""
    from django.core.cache import cache

    cache.clear()


def _staff_have_two_factor(sender, request, user, **kwargs):
    from tests.factories import give_totp

    if user.has_perm("wagtailadmin.access_admin"):
        give_totp(user)


@pytest.fixture(autouse=True)
def _automatic_totp_for_staff():
    """The admin sends everybody with admin access to set up two-factor authentication first;
    in tests, whoever logs in with admin access (``force_login`` included) already has it."""
    from django.contrib.auth.signals import user_logged_in

    user_logged_in.connect(_staff_have_two_factor, dispatch_uid="tests.automatic_totp")
    yield
    user_logged_in.disconnect(dispatch_uid="tests.automatic_totp")


@pytest.fixture
def no_automatic_totp(_automatic_totp_for_staff):
    """For tests about staff who have not set up two-factor authentication yet."""
    from django.contrib.auth.signals import user_logged_in

    user_logged_in.disconnect(dispatch_uid="tests.automatic_totp")


@pytest.fixture
def mysql_only():
    if connection.vendor != "mysql":
        pytest.skip("needs MySQL or MariaDB (CI runs it there)")


@pytest.fixture
def shop(db):
    from decimal import Decimal

    from wagtail.models import Site

    from kernel.models import ShopSettings
    from tests.factories import home_page

    home_page()
    settings = ShopSettings.for_site(Site.objects.get(is_default_site=True))
    settings.base_currency = "USD"
    settings.khr_per_usd = Decimal("4100")
    settings.khr_rounding_step = 100
    settings.show_other_currency = True
    # Most tests read the English words; the shop's defaults (Khmer for new visitors and for
    # the owner) are tested in tests/i18n and tests/notifications/test_languages.py.
    settings.owner_language = "en"
    settings.save()
    return settings


@pytest.fixture
def delivery(db):
    from decimal import Decimal

    from checkout.models import DeliveryMethod

    return DeliveryMethod.objects.create(code="phnom-penh", label="Phnom Penh", fee=Decimal("1.50"))


@pytest.fixture
def details(delivery):
    from checkout.orders import CheckoutDetails

    return CheckoutDetails(
        email="dara@example.com",
        name="Sok Dara",
        phone="+85512345678",
        address="No. 1, Street 240",
        province="Phnom Penh",
        delivery_method=delivery,
        currency="USD",
    )


@pytest.fixture
def bakong(settings):
    """The Bakong stand-in on a free port, with the shop configured to use it."""
    import threading

    from devtools.bakong_sandbox import make_server

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


@pytest.fixture
def telegram(settings):
    """The Telegram Bot API stand-in, with the shop's Telegram settings pointing at it."""
    import threading

    from devtools.telegram_standin import make_server

    server = make_server("127.0.0.1", 0, token="123:test")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address
    settings.TELEGRAM_API_BASE_URL = f"http://{host}:{port}"
    settings.TELEGRAM_BOT_TOKEN = "123:test"
    settings.TELEGRAM_CHAT_ID = "-1001"
    yield server
    server.shutdown()
    server.server_close()


class SMTPServer:
    """A real SMTP server on loopback (aiosmtpd) that keeps what it receives."""

    def __init__(self):
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.messages = []
        self.controller = None

    def start(self):
        from email import message_from_bytes, policy

        from aiosmtpd.controller import Controller

        server = self

        class Handler:
            async def handle_DATA(self, smtp, session, envelope):
                server.messages.append(message_from_bytes(envelope.content, policy=policy.default))
                return "250 Message accepted for delivery"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp(settings):
    server = SMTPServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 3
    settings.DEFAULT_FROM_EMAIL = "Angkor Market <shop@angkormarket.test>"
    settings.SHOP_OWNER_EMAIL = "owner@angkormarket.test"
    yield server
    server.stop()
