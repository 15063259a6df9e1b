"""What every JSON API view shares: session authentication, CSRF on every write, JSON only,
and one error shape.

Every error answers ``{"status": "error", "error": {"code", "message", "fields"}}`` with a
4xx status, never an HTML page.
"""

import logging

from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.parsers import JSONParser
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from checkout.errors import ShopError

logger = logging.getLogger(__name__)


def error_body(code, message, fields=None):
    return {"status": "error", "error": {"code": code, "message": message, "fields": fields or {}}}


class CsrfProtectedWrites(BasePermission):
    """Writes need a valid CSRF token, for guests too (DRF only checks logged-in users)."""

    message = "CSRF token missing or incorrect."

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        SessionAuthentication().enforce_csrf(request)
        return True


ERROR_CODES = {
    exceptions.ParseError: ("malformed_request", "The request body is not valid JSON."),
    exceptions.UnsupportedMediaType: (
        "unsupported_media_type",
        "Send JSON with the header Content-Type: application/json.",
    ),
    exceptions.MethodNotAllowed: ("method_not_allowed", None),
    exceptions.NotAuthenticated: ("not_authenticated", None),
    exceptions.AuthenticationFailed: ("not_authenticated", None),
    exceptions.PermissionDenied: ("forbidden", None),
    exceptions.NotFound: ("not_found", "Not found."),
    exceptions.Throttled: ("too_many_requests", None),
    exceptions.NotAcceptable: ("not_acceptable", None),
}


def exception_handler(exc, context):
    if isinstance(exc, ShopError):
        return Response(error_body(exc.code, exc.message, exc.fields), status=exc.status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        logger.exception("Unexpected error in the API", exc_info=exc)
        return Response(
            error_body("server_error", "Something went wrong on our side. Please try again."),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    if isinstance(exc, exceptions.ValidationError):
        fields = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = error_body("invalid", "Please correct the fields listed.", fields)
        return response
    code, message = next(
        (value for kind, value in ERROR_CODES.items() if isinstance(exc, kind)),
        ("error", None),
    )
    detail = str(exc.detail) if hasattr(exc, "detail") else str(exc)
    if isinstance(exc, exceptions.PermissionDenied) and "CSRF" in detail:
        code, message = "csrf_failed", "CSRF token missing or incorrect: reload the page."
    response.data = error_body(code, message or detail)
    return response


def api_not_found(request, *args, **kwargs):
    return JsonResponse(error_body("not_found", "No such API endpoint."), status=404)


class ShopAPIView(APIView):
    authentication_classes = [SessionAuthentication]
    permission_classes = [CsrfProtectedWrites]
    renderer_classes = [JSONRenderer]
    parser_classes = [JSONParser]

    def get_exception_handler(self):
        return exception_handler


def only_shop_endpoints(endpoints, **kwargs):
    """drf-spectacular hook: describe /api/ only, not Wagtail's admin API."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/")]
