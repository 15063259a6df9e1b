"""What every JSON API view shares: session authentication, CSRF on every write, JSON only,
and one error shape.

Every error answers ``{"status": "error", "error": {"code", "message", "fields"}}`` with a
4xx status, never an HTML page.
"""

import logging
import math

from django.conf import settings
from django.contrib.sessions.exceptions import SessionInterrupted
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.openapi import AutoSchema
from rest_framework import exceptions, serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from kernel.errors import ShopError, error_body
from kernel.input import BodyRefused, ShopJSONParser
from kernel.outage import (
    RETRY_AFTER_SECONDS,
    UNAVAILABLE_MESSAGE,
    caused_by_database_outage,
    database_unavailable_response,
    log_database_error,
)
from kernel.views import bad_request_page

logger = logging.getLogger(__name__)


class CsrfProtectedWrites(BasePermission):
    """Writes need a valid CSRF token, for guests too (DRF only checks logged-in users)."""

    message = gettext_lazy("CSRF token missing or incorrect.")

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        SessionAuthentication().enforce_csrf(request)
        return True


# DRF's refusals: the error code, and the shop's message for them (DRF has no Khmer). The
# message replaces DRF's own default one; a detail the raiser wrote itself is kept (except for
# the first three, whose message always says it better). Method not allowed and throttled
# are worded in ``drf_message`` (they carry the method, the wait).
ERROR_CODES = {
    exceptions.ParseError: (
        "malformed_request",
        gettext_lazy("The request body is not valid JSON."),
    ),
    exceptions.UnsupportedMediaType: (
        "unsupported_media_type",
        gettext_lazy("Send JSON with the header Content-Type: application/json."),
    ),
    exceptions.NotFound: ("not_found", gettext_lazy("Not found.")),
    exceptions.MethodNotAllowed: ("method_not_allowed", None),
    exceptions.NotAuthenticated: (
        "not_authenticated",
        gettext_lazy("Authentication credentials were not provided."),
    ),
    exceptions.AuthenticationFailed: (
        "not_authenticated",
        gettext_lazy("Incorrect authentication credentials."),
    ),
    exceptions.PermissionDenied: (
        "forbidden",
        gettext_lazy("You do not have permission to perform this action."),
    ),
    exceptions.Throttled: ("too_many_requests", None),
    exceptions.NotAcceptable: (
        "not_acceptable",
        gettext_lazy("Could not satisfy the request Accept header."),
    ),
}
ALWAYS_OURS = (exceptions.ParseError, exceptions.UnsupportedMediaType, exceptions.NotFound)


def drf_message(exc, context, message):
    """The message for one of DRF's refusals, in the request's language."""
    if isinstance(exc, exceptions.MethodNotAllowed):
        request = context.get("request")
        method = getattr(request, "method", "") or ""
        return _('Method "%(method)s" not allowed.') % {"method": method}
    if isinstance(exc, exceptions.Throttled):
        if exc.wait is None:
            return _("Request was throttled.")
        wait = math.ceil(exc.wait)  # whole seconds, as DRF says it
        return ngettext(
            "Request was throttled. Expected available in %(wait)d second.",
            "Request was throttled. Expected available in %(wait)d seconds.",
            wait,
        ) % {"wait": wait}
    detail = str(exc.detail) if hasattr(exc, "detail") else str(exc)
    if message is None:
        return detail
    if isinstance(exc, ALWAYS_OURS) or detail == str(exc.default_detail):
        return message
    return detail


def request_refused(exc):
    """Django's refusals of a request body (too big, too many fields, ...) as the API's error
    shape: raised while the body is read, which for a POST is during the CSRF check."""
    if isinstance(exc, RequestDataTooBig):
        return 413, error_body(
            "request_too_large",
            _("The request body is too large (at most %(size)d kB).")
            % {"size": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024},
        )
    if isinstance(exc, TooManyFieldsSent):
        return 413, error_body("request_too_large", _("The request has too many fields."))
    return 400, error_body("bad_request", _("The request could not be read."))


def exception_handler(exc, context):
    if isinstance(exc, ShopError):
        return Response(error_body(exc.code, exc.message, exc.fields), status=exc.status)
    if isinstance(exc, SuspiciousOperation):
        # Django logs these (to django.security) when it answers them itself; so does this.
        logging.getLogger(f"django.security.{exc.__class__.__name__}").warning(str(exc))
        code, body = request_refused(exc)
        return Response(body, status=code)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None and caused_by_database_outage(exc):
        log_database_error(exc, "the API answered 503", log=logger)
        return Response(
            error_body("unavailable", UNAVAILABLE_MESSAGE),
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    if response is None:
        logger.exception("Unexpected error in the API", exc_info=exc)
        return Response(
            error_body("server_error", _("Something went wrong on our side. Please try again.")),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    if isinstance(exc, exceptions.ValidationError):
        fields = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = error_body("invalid", _("Please correct the fields listed."), fields)
        return response
    code, message = next(
        (value for kind, value in ERROR_CODES.items() if isinstance(exc, kind)),
        ("error", None),
    )
    detail = str(exc.detail) if hasattr(exc, "detail") else str(exc)
    if isinstance(exc, BodyRefused):
        message = detail  # the shop's own message, translated where it was raised
    elif isinstance(exc, exceptions.PermissionDenied) and "CSRF" in detail:
        code, message = "csrf_failed", _("CSRF token missing or incorrect: reload the page.")
    else:
        message = drf_message(exc, context, message)
    response.data = error_body(code, message)
    return response


@csrf_exempt  # it only ever answers 404; CSRF would turn unknown writes into HTML 403s
def api_not_found(request, *args, **kwargs):
    return JsonResponse(error_body("not_found", _("No such API endpoint.")), status=404)


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class ErrorSerializer(serializers.Serializer):
    status = serializers.CharField(default="error")
    error = ErrorDetailSerializer()


ERROR_STATUSES = {
    "400": "Invalid input",
    "403": "CSRF token missing or incorrect",
    "404": "Not found",
    "405": "Method not allowed",
    "409": "Not possible in the current state (stock, empty cart...)",
    "413": "Request body too large",
    "415": "Not JSON",
    "429": "Too many requests",
}


class ShopAutoSchema(AutoSchema):
    """Every shop endpoint serves guests too (the session cookie is optional) and answers
    errors in one documented shape."""

    def get_auth(self):
        auths = super().get_auth()
        return auths if {} in auths else [*auths, {}]

    def _get_request_for_media_type(self, serializer, direction="request"):
        # drf-spectacular documents a PATCH body as partial (every field optional), as DRF's
        # generic views validate it; the shop's views validate it whole (checkout.api's
        # validated()), so say so: {} is not a valid line change.
        method = self.method
        if method == "PATCH":
            self.method = "PUT"
        try:
            return super()._get_request_for_media_type(serializer, direction)
        finally:
            self.method = method

    def _get_response_bodies(self, direction="response"):
        bodies = super()._get_response_bodies(direction)
        if direction == "response":
            for code, description in ERROR_STATUSES.items():
                if code not in bodies:
                    bodies[code] = self._get_response_for_code(ErrorSerializer, code)
                    bodies[code]["description"] = description
        return bodies


class ShopAPIView(APIView):
    schema = ShopAutoSchema()
    authentication_classes = [SessionAuthentication]
    permission_classes = [CsrfProtectedWrites]
    renderer_classes = [JSONRenderer]
    parser_classes = [ShopJSONParser]

    def get_exception_handler(self):
        return exception_handler


def only_shop_endpoints(endpoints, **kwargs):
    """drf-spectacular hook: describe /api/ only, not Wagtail's admin API."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/")]


def csrf_failure(request, reason=""):
    """Django's CSRF rejection: JSON in the API's error shape under /api/, else the usual page."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            error_body("csrf_failed", _("CSRF token missing or incorrect: reload the page.")),
            status=403,
        )
    from django.views.csrf import csrf_failure as default_failure

    return default_failure(request, reason=reason)


def bad_request(request, exception=None):
    """Django's 400 (a body too large or with too many fields, a bad Host...): JSON in the API's
    error shape under /api/, else a plain page. ``handler400`` in ``website.urls``.

    A session that could not be saved because the database is down is a 503, not a 400
    (``kernel.outage`` explains how that is told apart from a session really deleted)."""
    if isinstance(exception, SessionInterrupted) and caused_by_database_outage(exception):
        log_database_error(exception, "the session could not be saved; answered 503", log=logger)
        return database_unavailable_response(request)
    if request.path.startswith("/api/"):
        code, body = request_refused(exception)
        return JsonResponse(body, status=code)
    return bad_request_page(request, exception)
