"""One error shape for pages and API: {"code": …, "message": …, "fields": {…}}, messages translated."""

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as ModelValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler


class ErrorCode(StrEnum):
    """Stable codes clients may branch on; the message beside them is for people."""

    INVALID = "invalid"
    INVALID_RANGE = "invalid_range"
    INVALID_FILE = "invalid_file"
    NO_HOUSEHOLD = "no_household"
    NOT_FOUND = "not_found"
    PERMISSION_DENIED = "permission_denied"
    NOT_AUTHENTICATED = "not_authenticated"


class ApplicationError(exceptions.APIException):
    """A business rule said no: a stable code for clients, a translated message for people."""

    status_code = status.HTTP_400_BAD_REQUEST

    def __init__(self, code: ErrorCode | str, message: str, fields: dict[str, list[str]] | None = None):
        super().__init__(detail=message, code=str(code))
        self.error_code, self.message, self.fields = str(code), message, fields or {}

    @classmethod
    def from_validation(cls, exc: ModelValidationError, code: ErrorCode = ErrorCode.INVALID) -> "ApplicationError":
        """A service's ValidationError, keyed by field when it has fields."""
        fields = exc.message_dict if hasattr(exc, "error_dict") else {}
        return cls(code, " ".join(exc.messages), fields=fields)


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Introuvable."))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, ModelValidationError):
        # A model's own rules (clean, constraints) said no, in the service layer.
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, ApplicationError):
        body = {"code": exc.error_code, "message": str(exc.message), "fields": exc.fields}
    elif isinstance(exc, exceptions.ValidationError):
        fields = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        body = {"code": ErrorCode.INVALID, "message": str(_("Certaines valeurs sont invalides.")), "fields": fields}
    else:
        codes = exc.get_codes()
        body = {"code": codes if isinstance(codes, str) else "error", "message": str(exc.detail), "fields": {}}
    response.data = body
    return response
