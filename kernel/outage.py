"""A database outage answers 503 ("try again shortly"), not 500 or 400.

``handler500`` (``kernel.views.server_error``) and the API's exception handler answer so when the error that
reached it was caused by the database being unreachable, wherever it was raised (a view, a
middleware). ``handler400`` does the same for Django's ``SessionInterrupted``: the session
middleware saves the session after the view, and when that fails because the database is
down, Django reports it as if a concurrent logout had deleted the session (a 400). The two are
told apart by the exception chain: the session backend raises ``UpdateError`` from the
database's error, which is an ``OperationalError`` (or ``InterfaceError``) only when the
database could not be reached, and a plain ``DatabaseError`` ("did not affect any rows") when
the session row is really gone. The chain says what happened to this very save; asking the
database again afterwards could find it back up and answer wrongly.

An ``OperationalError`` is not always an outage: MySQL's lock wait timeout (1205) and deadlock
(1213) are ones too. They are answered 503 as well (trying again is the right advice), but
logged as what they are (``log_database_error``: the error's class, code and text), not as
"the database is unreachable".
"""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext_lazy

from kernel.errors import error_body
from kernel.request_id import current_request_id

logger = logging.getLogger(__name__)

DATABASE_UNREACHABLE = (OperationalError, InterfaceError)
# Seconds a client is asked to wait before trying again.
RETRY_AFTER_SECONDS = 30
UNAVAILABLE_MESSAGE = gettext_lazy(
    "The shop cannot reach its records just now. Please try again in a minute."
)


def database_error_in(error):
    """The ``OperationalError`` or ``InterfaceError`` that ``error`` is, or was raised from or
    while handling; ``None`` when there is none."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, DATABASE_UNREACHABLE):
            return error
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return None


def caused_by_database_outage(error):
    """Whether ``error``, or an error it was raised from or while handling, is the database
    being unreachable (or refusing the statement for now: a lock wait, a deadlock)."""
    return database_error_in(error) is not None


def describe_database_error(error):
    """``OperationalError 1205: Lock wait timeout exceeded; ...``: the database error in
    ``error``'s chain by class, MySQL error code and text, as the driver gave them."""
    found = database_error_in(error) or error
    args = getattr(found, "args", ()) or ()
    code = args[0] if args and isinstance(args[0], int) else None
    text = " ".join(str(arg) for arg in (args[1:] if code is not None else args)).strip()
    name = type(found).__name__
    if code is not None:
        name = f"{name} {code}"
    return f"{name}: {text}" if text else name


def log_database_error(error, what="answered 503", log=None):
    """Log a database error that was answered "try again shortly", saying which error it was
    (``Database error (OperationalError 1205: Lock wait timeout exceeded; ...): answered
    503``), with its traceback."""
    (log or logger).error(
        "Database error (%s): %s", describe_database_error(error), what, exc_info=error
    )


def database_unavailable_response(request):
    """503 with "try again shortly": the API's error shape under /api/, else the shop's page
    (rendered without context processors, which may need the database)."""
    message = str(UNAVAILABLE_MESSAGE)
    if request.path.startswith("/api/"):
        response = JsonResponse(error_body("unavailable", message), status=503)
    else:
        try:
            body = loader.get_template("503.html").render({"request_id": current_request_id()})
            response = HttpResponse(body, status=503)
        except Exception:  # noqa: BLE001  (a page must come out, whatever else is broken)
            response = HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
