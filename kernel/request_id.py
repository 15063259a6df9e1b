"""One id per request, from nginx to the log lines and error reports.

nginx gives every request a fresh ``X-Request-ID`` (its ``$request_id``) and logs it; gunicorn
logs it too. ``RequestIdMiddleware`` takes that header when it looks like an id (at most 64
letters, digits and dashes; anything else is replaced, so a client cannot put text of its
choosing into the logs), or makes one when the request did not come through nginx. The id is
kept in a context variable for the rest of the request: ``RequestIdFilter`` adds it to every
log record, error reports carry it as a tag, the 500 page shows it, and the response carries
it back in ``X-Request-ID``.
"""

import logging
import re
import uuid
from contextvars import ContextVar

from django.core.signals import request_finished

HEADER = "X-Request-ID"
META_KEY = "HTTP_X_REQUEST_ID"
VALID_ID = re.compile(r"[A-Za-z0-9-]{1,64}")
# Shown in log lines written outside a request (the worker, start-up, management commands).
NO_REQUEST = "-"

_current = ContextVar("shop_request_id", default=None)


def new_request_id():
    """A fresh id in nginx's own shape (32 hex digits)."""
    return uuid.uuid4().hex


def request_id_from(value):
    """``value`` if it is a well-formed id, else ``None``."""
    if isinstance(value, str) and VALID_ID.fullmatch(value):
        return value
    return None


def current_request_id():
    """The id of the request being handled, or ``None`` outside a request."""
    return _current.get()


class RequestIdMiddleware:
    """Sets the request's id for its whole handling and answers with it. First in MIDDLEWARE,
    so everything after it (health checks included) logs with the id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_from(request.META.get(META_KEY)) or new_request_id()
        request.request_id = request_id
        # Kept until the response is finished, not only while the middleware runs: Django
        # logs "Not Found" and other 4xx/5xx lines after the whole middleware chain returned.
        _current.set(request_id)
        response = self.get_response(request)
        response[HEADER] = request_id
        return response


def forget_request_id(**kwargs):
    _current.set(None)


# Connected where the middleware is loaded, so wherever requests are handled.
request_finished.connect(forget_request_id, dispatch_uid="kernel.request_id.forget")


class RequestIdFilter(logging.Filter):
    """Adds ``record.request_id`` (the current request's id, or ``-``). Install it on handlers,
    so records from every logger get it."""

    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id() or NO_REQUEST
        return True
