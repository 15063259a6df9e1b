"""One id per request: taken from nginx's X-Request-ID when well-formed, else made; on every
log line of the request and on the response. Log lines as JSON with LOG_FORMAT=json."""

import io
import json
import logging
import os
import re
import subprocess
import sys

from django.conf import settings
from django.core.signals import request_finished
from django.http import HttpResponse
from django.test import RequestFactory

from kernel.logs import JsonFormatter
from kernel.redact import RedactingFilter
from kernel.request_id import RequestIdFilter, RequestIdMiddleware, current_request_id

HEX_ID = re.compile(r"[0-9a-f]{32}")


def test_an_id_from_nginx_is_kept_and_answered(client, db):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="5f0c2a9e41b44c0e9d1e7f3a2b6c8d10")
    assert response.status_code == 200
    assert response["X-Request-ID"] == "5f0c2a9e41b44c0e9d1e7f3a2b6c8d10"


def test_a_request_without_an_id_gets_a_fresh_one_each_time(client, db):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert HEX_ID.fullmatch(first) and HEX_ID.fullmatch(second)
    assert first != second


def test_a_malformed_id_is_replaced_not_logged(client, db):
    for sent in (
        "a" * 65,
        "two words",
        "id\nFAKE LOG LINE",
        "<script>",
        "",
        "ok_but_underscore",
    ):
        answered = client.get("/healthz", HTTP_X_REQUEST_ID=sent)["X-Request-ID"]
        assert HEX_ID.fullmatch(answered), (sent, answered)


def test_the_id_is_set_until_the_request_is_finished(rf, db):
    seen = []

    def view(request):
        seen.append((current_request_id(), request.request_id))
        return HttpResponse("ok")

    response = RequestIdMiddleware(view)(rf.get("/", HTTP_X_REQUEST_ID="abc-123"))
    assert seen == [("abc-123", "abc-123")]
    assert response["X-Request-ID"] == "abc-123"
    assert current_request_id() == "abc-123"  # for Django's own lines about the response
    request_finished.send(sender=None)
    assert current_request_id() is None


def log_through(formatter, message, *args, exc_info=None, request_id=None):
    """One record through a handler set up like LOGGING's console handler, logged by a view
    of a request with ``request_id`` when one is given."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.addFilter(RedactingFilter())
    handler.setFormatter(formatter)
    logger = logging.getLogger("tests.observability.sample")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        if request_id:

            def view(request):
                logger.error(message, *args, exc_info=exc_info)
                return HttpResponse("ok")

            RequestIdMiddleware(view)(RequestFactory().get("/", HTTP_X_REQUEST_ID=request_id))
            request_finished.send(sender=None)
        else:
            logger.error(message, *args, exc_info=exc_info)
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    return stream.getvalue()


def test_a_json_line_has_the_request_id_and_the_exception_with_secrets_redacted(settings, db):
    settings.TELEGRAM_BOT_TOKEN = "123456789:AAHsecretsecretsecretsecretsecret12"
    try:
        raise ConnectionError(f"POST /bot{settings.TELEGRAM_BOT_TOKEN}/sendMessage failed")
    except ConnectionError:
        exc_info = sys.exc_info()
    text = log_through(
        JsonFormatter(),
        "Telegram answered %s for %s",
        "502",
        f"/bot{settings.TELEGRAM_BOT_TOKEN}/sendMessage",
        exc_info=exc_info,
        request_id="req-42",
    )
    lines = text.splitlines()
    assert len(lines) == 1  # the traceback is inside the one object
    line = json.loads(lines[0])
    assert line["level"] == "ERROR"
    assert line["logger"] == "tests.observability.sample"
    assert line["request_id"] == "req-42"
    assert line["message"].startswith("Telegram answered 502 for /bot[redacted]")
    assert "Traceback" in line["exception"] and "ConnectionError" in line["exception"]
    assert "AAHsecret" not in text
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", line["time"])


def test_a_json_line_outside_a_request_says_so_and_keeps_khmer_readable():
    line = json.loads(log_through(JsonFormatter(), "បញ្ជាទិញ %s", "A-1"))
    assert line["request_id"] == "-"
    assert line["message"] == "បញ្ជាទិញ A-1"
    assert "exception" not in line


def run_django(code, **env):
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "website.settings.test", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_log_format_json_makes_every_line_of_the_shop_one_json_object():
    result = run_django(
        "import logging\n"
        "logging.getLogger('checkout.payments').warning('first')\n"
        "try:\n    1 / 0\nexcept ZeroDivisionError:\n"
        "    logging.getLogger('notifications').exception('second')\n",
        LOG_FORMAT="json",
    )
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines()]
    assert [(line["logger"], line["message"]) for line in lines] == [
        ("checkout.payments", "first"),
        ("notifications", "second"),
    ]
    assert "ZeroDivisionError" in lines[1]["exception"]


def test_plain_lines_stay_the_default_and_name_the_request():
    result = run_django("import logging; logging.getLogger('checkout').warning('plain line')")
    assert result.returncode == 0, result.stderr
    assert re.search(r" WARNING checkout \[-\] plain line$", result.stderr.strip())


def test_an_unknown_log_format_is_refused_at_start():
    # As gunicorn and the worker load the settings (manage.py would carry on without them).
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "website.settings.test", "LOG_FORMAT": "xml"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "LOG_FORMAT must be plain or json" in result.stderr
