"""Errors that shoppers can cause, with a code and an HTTP status for the API."""


class ShopError(Exception):
    """A request the shop refuses, with a clear message. Never a server error."""

    status = 400
    code = "invalid"

    def __init__(self, message, code=None, status=None, fields=None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        if status:
            self.status = status
        self.fields = fields or {}


class NotFound(ShopError):
    status = 404
    code = "not_found"


class Conflict(ShopError):
    """The request is fine but the shop's state does not allow it (stock, empty cart...)."""

    status = 409
    code = "conflict"


def error_body(code, message, fields=None):
    """The API's error shape. ``message`` (lazy or not) is text in the request's language by
    now."""
    return {
        "status": "error",
        "error": {"code": code, "message": str(message), "fields": fields or {}},
    }
