"""Error reports to Sentry (or any server that speaks its protocol), from the web processes
and the worker alike.

Nothing is sent unless ``SENTRY_DSN`` is set. What is sent is kept free of shoppers' personal
data unless the operator says otherwise (``SENTRY_SEND_PII=true``): no request bodies (checkout
forms hold names, phone numbers and addresses), no cookies, no query strings, no client address
or user e-mail, no local variables, only harmless request headers. Every string in an event
goes through ``kernel.redact`` (the same rules as the log lines), and each event carries the
request's id as the ``request_id`` tag, so a report, the log lines and nginx's access log of
one request can be found from each other.
"""

import sentry_sdk
from django.core.exceptions import ImproperlyConfigured
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.integrations.logging import LoggingIntegration
from sentry_sdk.utils import Dsn

from kernel.redact import redact
from kernel.request_id import current_request_id

# Request headers an event may keep when personal data is off; all others are dropped
# (Cookie, Authorization, X-Forwarded-For, X-Real-IP, Referer...).
HARMLESS_HEADERS = {
    "accept",
    "accept-language",
    "content-length",
    "content-type",
    "host",
    "user-agent",
    "x-forwarded-proto",
    "x-request-id",
}
# WSGI environment keys an event may keep (never REMOTE_ADDR).
HARMLESS_ENV = {"SERVER_NAME", "SERVER_PORT"}


def start(
    *,
    dsn,
    environment,
    release,
    sample_rate=1.0,
    traces_sample_rate=0.0,
    send_pii=False,
):
    """Start reporting errors when ``dsn`` is set; otherwise do nothing. Called once, from
    the settings, so the web processes and the worker both report. A DSN the SDK cannot read
    stops the start with ``ImproperlyConfigured`` (the DSN itself is not quoted: it holds the
    project's key)."""
    dsn = (dsn or "").strip()
    if not dsn:
        return False
    try:
        Dsn(dsn)
    except ValueError as error:  # sentry_sdk's BadDsn, or a port that is not a number
        raise ImproperlyConfigured(
            f"SENTRY_DSN (or SENTRY_DSN_FILE) is not a Sentry DSN like "
            f"https://<key>@<host>/<project>: {error}."
        ) from None
    sentry_sdk.init(
        dsn=dsn,
        environment=environment or None,
        release=release or None,
        sample_rate=sample_rate,
        traces_sample_rate=traces_sample_rate,
        send_default_pii=send_pii,
        include_local_variables=send_pii,
        max_request_body_size="never",
        integrations=[
            DjangoIntegration(),
            # Log lines at ERROR become reports (a failed worker task, say); INFO and above
            # are kept as breadcrumbs of the next report.
            LoggingIntegration(),
        ],
        before_send=keep_private if not send_pii else redact_event,
        before_send_transaction=keep_private if not send_pii else redact_event,
    )
    return True


def keep_private(event, hint=None):
    """``before_send`` without personal data: strips what could identify a shopper, then
    redacts and tags the event (``redact_event``: every string in it, the request's URL, the
    message and the breadcrumbs' messages and data included, so order tokens in paths and
    secrets in log lines kept as breadcrumbs go too)."""
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("cookies", "data", "query_string"):
            request.pop(key, None)
        headers = request.get("headers")
        if isinstance(headers, dict):
            request["headers"] = {
                name: value
                for name, value in headers.items()
                if str(name).lower() in HARMLESS_HEADERS
            }
        environ = request.get("env")
        if isinstance(environ, dict):
            request["env"] = {k: v for k, v in environ.items() if k in HARMLESS_ENV}
        url = request.get("url")
        if isinstance(url, str):
            request["url"] = url.split("?", 1)[0]
    user = event.get("user")
    if isinstance(user, dict):
        event["user"] = {"id": user["id"]} if "id" in user else {}
    return redact_event(event, hint)


def redact_event(event, hint=None):
    """``before_send``: secrets redacted in every string of the event, and the request id
    added as a tag."""
    event = _redacted(event)
    request_id = current_request_id()
    if request_id:
        tags = event.get("tags")
        if not isinstance(tags, dict):
            tags = event["tags"] = {}
        tags["request_id"] = request_id
    return event


def _redacted(value):
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: _redacted(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_redacted(item) for item in value]
    return value
