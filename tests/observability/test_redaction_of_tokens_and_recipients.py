"""Order tokens in paths, the metrics token, the Sentry DSN and the buckets' secret keys are
redacted from log lines and error reports (request URL, message, breadcrumbs); a failed message
is logged without its recipient; database errors are logged as what they are."""

import logging
import socket

import pytest
from aiosmtpd.controller import Controller
from django.db import OperationalError
from django.utils import timezone

from kernel.error_reports import keep_private, redact_event
from kernel.outage import caused_by_database_outage, describe_database_error, log_database_error
from kernel.redact import REDACTED, RedactingFilter, redact
from notifications.models import EMAIL, Notification
from notifications.sending import deliver_notifications

TOKEN = "Xy3_kP9-qR2sT5uV8wZ1aB4cD7eF0gH6"  # secrets.token_urlsafe(24): 32 characters


@pytest.mark.parametrize(
    "path",
    [
        f"/km/orders/{TOKEN}/",
        f"/en/orders/{TOKEN}/receipt.pdf",
        f"/en/orders/{TOKEN}/new-payment/",
        f"/orders/{TOKEN}/cancel/",
        f"https://shop.example.com/km/orders/{TOKEN}/",
    ],
)
def test_an_order_token_in_a_path_is_redacted(path):
    text = redact(f"Not Found: {path}")
    assert TOKEN not in text
    assert f"/orders/{REDACTED}" in text


def test_short_words_after_orders_are_kept():
    assert redact("/en/orders/find/") == "/en/orders/find/"
    assert redact("/admin/shop/orders/12345/") == "/admin/shop/orders/12345/"


def test_the_metrics_token_the_dsn_and_the_bucket_keys_are_secrets(settings, monkeypatch):
    settings.METRICS_TOKEN = "metrics-bearer-token-0123456789"
    settings.SENTRY_DSN = "https://0123456789abcdef@o1.ingest.example.com/42"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "kernel.storage.MediaStorage",
            "OPTIONS": {"bucket_name": "media", "secret_key": "media-bucket-secret-key"},
        },
    }
    monkeypatch.setenv("BACKUP_S3_SECRET_ACCESS_KEY", "backup-bucket-secret-key")
    text = redact(
        "Authorization: Token metrics-bearer-token-0123456789; dsn "
        "https://0123456789abcdef@o1.ingest.example.com/42; keys media-bucket-secret-key "
        "backup-bucket-secret-key"
    )
    for secret in (
        "metrics-bearer-token-0123456789",
        "0123456789abcdef",
        "media-bucket-secret-key",
        "backup-bucket-secret-key",
    ):
        assert secret not in text


def test_log_lines_lose_the_order_token():
    record = logging.LogRecord(
        "django.request",
        logging.WARNING,
        __file__,
        1,
        "Not Found: %s",
        (f"/km/orders/{TOKEN}/",),
        None,
    )
    RedactingFilter().filter(record)
    assert TOKEN not in record.getMessage()


def event_with_a_token():
    return {
        "message": f"Could not render /en/orders/{TOKEN}/receipt.pdf",
        "logentry": {"message": "Not Found: %s", "params": [f"/km/orders/{TOKEN}/"]},
        "request": {
            "url": f"https://shop.example.com/km/orders/{TOKEN}/?token={TOKEN}",
            "method": "GET",
            "headers": {"Referer": f"https://shop.example.com/en/orders/{TOKEN}/"},
        },
        "breadcrumbs": {
            "values": [
                {"type": "log", "message": f"GET /en/orders/{TOKEN}/ answered 404"},
                {
                    "type": "http",
                    "data": {"url": f"http://127.0.0.1/km/orders/{TOKEN}/new-payment/"},
                },
            ]
        },
    }


@pytest.mark.parametrize("before_send", [keep_private, redact_event])
def test_error_reports_lose_the_order_token_everywhere(before_send):
    event = before_send(event_with_a_token())
    assert TOKEN not in repr(event)
    assert event["request"]["url"].startswith("https://shop.example.com/km/orders/")
    assert REDACTED in event["breadcrumbs"]["values"][0]["message"]


def test_breadcrumb_messages_lose_secrets(settings):
    settings.TELEGRAM_BOT_TOKEN = "123456789:AAHfake-telegram-bot-secret-0123456789"
    event = keep_private(
        {
            "breadcrumbs": {
                "values": [
                    {
                        "message": "POST https://api.telegram.org/bot123456789:AAHfake-telegram-"
                        "bot-secret-0123456789/sendMessage failed"
                    }
                ]
            }
        }
    )
    assert "AAHfake" not in repr(event)


class RefusingRecipients:
    """An SMTP server that refuses every recipient, quoting the address back."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        return f"550 5.1.1 <{address}>: Recipient address rejected"


@pytest.fixture
def refusing_smtp(settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(RefusingRecipients(), hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = False, "", ""
    settings.EMAIL_TIMEOUT = 3
    yield
    controller.stop()


def test_a_failed_message_is_logged_without_its_recipient(db, refusing_smtp, caplog):
    notification = Notification.objects.create(
        event_key="order-1-receipt",
        channel=EMAIL,
        recipient="sokha.private@example.com",
        kind="receipt",
        subject="Your receipt",
        body_text="Thank you",
        next_attempt_at=timezone.now(),
    )
    caplog.set_level(logging.INFO)
    assert deliver_notifications() == {"sent": 0, "failed": 1}
    # What the shop logged (the stand-in SMTP server's own log lines name the address).
    logged = "\n".join(
        record.getMessage() for record in caplog.records if not record.name.startswith("mail.log")
    )
    assert f"Could not send notification {notification.pk} (email receipt, attempt 1)" in logged
    assert "sokha.private" not in logged
    # The outbox keeps the whole error for staff.
    notification.refresh_from_db()
    assert "sokha.private@example.com" in notification.last_error


def test_a_lock_wait_timeout_is_logged_as_what_it_is(caplog):
    try:
        try:
            raise OperationalError(1205, "Lock wait timeout exceeded; try restarting transaction")
        except OperationalError as error:
            raise RuntimeError("the view failed") from error
    except RuntimeError as error:
        failure = error
    assert caused_by_database_outage(failure)  # still answered 503
    assert describe_database_error(failure) == (
        "OperationalError 1205: Lock wait timeout exceeded; try restarting transaction"
    )
    with caplog.at_level(logging.ERROR, logger="kernel.outage"):
        log_database_error(failure, "the API answered 503")
    assert caplog.records[-1].getMessage() == (
        "Database error (OperationalError 1205: Lock wait timeout exceeded; try restarting "
        "transaction): the API answered 503"
    )
    assert "unreachable" not in caplog.text
    assert describe_database_error(OperationalError(2006, "MySQL server has gone away")) == (
        "OperationalError 2006: MySQL server has gone away"
    )
