"""Keeping secrets out of logs, stored error texts and e-mails.

Exception messages from HTTP and mail libraries carry whatever they were given: ``requests``
puts the full URL in its errors (and the Telegram Bot API's URL holds the bot token), a
malformed ``Authorization`` header is quoted back whole, an SMTP server may echo what it was
sent. ``redact`` replaces the values of the shop's secret settings, Telegram bot tokens,
the passwords in connection URLs and guests' order tokens in order page paths
(``/km/orders/<token>/``: whoever holds one sees the order) with ``[redacted]``; call it on
any text that is stored or logged. ``RedactingFilter`` does the same for every log record a handler writes (installed on
the console handler in ``LOGGING``), as a second layer.
"""

import logging
import re
from urllib.parse import unquote, urlsplit

from django.conf import settings

REDACTED = "[redacted]"

# Settings whose values are secrets; ``DB_PASSWORD`` is read from the database settings.
SECRET_SETTINGS = (
    "TELEGRAM_BOT_TOKEN",
    "BAKONG_API_TOKEN",
    "EMAIL_HOST_PASSWORD",
    "SECRET_KEY",
    "METRICS_TOKEN",
    "SENTRY_DSN",
)
# Storage options that are secrets (the media bucket's S3_SECRET_ACCESS_KEY, in STORAGES).
SECRET_STORAGE_OPTIONS = ("secret_key",)
# Secrets read from the environment only (the off-site backups' bucket key, which the worker's
# metrics read; the media bucket's, when a process reads it before the settings).
SECRET_ENVIRONMENT = ("BACKUP_S3_SECRET_ACCESS_KEY", "S3_SECRET_ACCESS_KEY")
# Settings that may be URLs with a password in them (redis://:password@host/0).
URL_SETTINGS = ("REDIS_URL", "DATABASE_URL", "CACHE_URL")

# Values shorter than this are not treated as secrets: replacing "x" or "test" everywhere
# would mangle messages without protecting anything real.
MIN_SECRET_LENGTH = 6

PATTERNS = [
    # A Telegram bot token: in the API's URL (/bot<id>:<secret>/) or on its own.
    re.compile(r"(?<=bot)\d{3,}:[A-Za-z0-9_-]{10,}"),
    re.compile(r"\b\d{6,}:[A-Za-z0-9_-]{30,}"),
    # A bearer token quoted back in an error about its header.
    re.compile(r"(?i)(?<=bearer )[A-Za-z0-9._~+/=-]{10,}"),
    # The password in a connection URL: scheme://user:password@host
    re.compile(r"(?<=://)([^:/@\s]*):[^@\s/]+(?=@)"),
    # A guest's order token in an order page's path (/en/orders/<token>/receipt.pdf, with or
    # without the language prefix; secrets.token_urlsafe(24) is 32 characters). "find" and
    # other short words are not tokens.
    re.compile(r"(?<=/orders/)[A-Za-z0-9_-]{20,}"),
    # The same token given to the payment status API as ?token=... (error reports keep query
    # strings only when personal data is on; log lines may quote them).
    re.compile(r"(?<=[?&]token=)[A-Za-z0-9_-]{20,}"),
]


def _url_password(value):
    try:
        password = urlsplit(value).password
    except ValueError:
        return None
    return unquote(password) if password else None


def secret_values():
    """The configured secrets, longest first (so a secret containing another goes whole)."""
    import os

    values = set()
    for name in SECRET_SETTINGS:
        value = getattr(settings, name, "") or ""
        if isinstance(value, str):
            values.update({value, value.strip()})
    for storage in getattr(settings, "STORAGES", {}).values():
        options = (storage.get("OPTIONS") if isinstance(storage, dict) else None) or {}
        for option in SECRET_STORAGE_OPTIONS:
            value = options.get(option)
            if isinstance(value, str):
                values.update({value, value.strip()})
    for name in SECRET_ENVIRONMENT:
        values.add(os.environ.get(name, "").strip())
    for database in getattr(settings, "DATABASES", {}).values():
        values.add(str(database.get("PASSWORD") or ""))
    for cache in getattr(settings, "CACHES", {}).values():
        location = cache.get("LOCATION")
        for item in location if isinstance(location, list | tuple) else [location]:
            if isinstance(item, str):
                values.add(_url_password(item) or "")
    for name in URL_SETTINGS:
        for value in (getattr(settings, name, None), os.environ.get(name)):
            if isinstance(value, str):
                values.add(_url_password(value) or "")
    return sorted((v for v in values if len(v) >= MIN_SECRET_LENGTH), key=len, reverse=True)


def redact(text):
    """``text`` with every known secret replaced by ``[redacted]``. Never raises."""
    if text is None:
        return text
    text = str(text)
    try:
        secrets = secret_values()
    except Exception:  # noqa: BLE001  (settings not configured: patterns still apply)
        secrets = []
    for secret in secrets:
        text = text.replace(secret, REDACTED)
        quoted = repr(secret)[1:-1]  # as it appears inside a repr() of a string
        if quoted != secret:
            text = text.replace(quoted, REDACTED)
    for pattern in PATTERNS:
        if pattern.groups:
            text = pattern.sub(lambda match: f"{match.group(1)}:{REDACTED}", text)
        else:
            text = pattern.sub(REDACTED, text)
    return text


def describe_error(error):
    """A short, redacted description of an exception for storing or logging."""
    message = redact(str(error))
    return f"{type(error).__name__}: {message}" if message else type(error).__name__


class RedactingFilter(logging.Filter):
    """Rewrites each record's message (and formatted traceback) with secrets redacted.

    Install it on handlers: a filter on a logger only sees records logged to that very
    logger, not those that propagate to it."""

    def filter(self, record):
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001  (a bad format string: leave it to the formatter)
            return True
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True
