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
"""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext_lazy

from kernel.request_id import current_request_id

logger = logging.getLogger(__name__)

DATABASE_UNREACHABLE = (OperationalError, InterfaceError)
# Seconds a client is asked to wait before trying again.
RETRY_AFTER_SECONDS = 30
UNAVAILABLE_MESSAGE = gettext_lazy(
    "The shop cannot reach its records just now. Please try again in a minute."
)


def caused_by_database_outage(error):
    """Whether ``error``, or an error it was raised from or while handling, is the database
    being unreachable."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, DATABASE_UNREACHABLE):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def database_unavailable_response(request):
    """503 with "try again shortly": the API's error shape under /api/, else the shop's page
    (rendered without context processors, which may need the database)."""
    message = str(UNAVAILABLE_MESSAGE)
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {
                "status": "error",
                "error": {"code": "unavailable", "message": message, "fields": {}},
            },
            status=503,
        )
    else:
        try:
            body = loader.get_template("503.html").render({"request_id": current_request_id()})
            response = HttpResponse(body, status=503)
        except Exception:  # noqa: BLE001  (a page must come out, whatever else is broken)
            response = HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
