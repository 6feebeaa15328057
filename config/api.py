"""One error shape for the whole API: {"code": …, "message": …, "fields": {…}}, messages translated."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as ModelValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler


class ApplicationError(exceptions.APIException):
    """A business rule said no: a stable code for clients, a translated message for people."""

    status_code = status.HTTP_400_BAD_REQUEST

    def __init__(self, code: str, message: str, fields: dict[str, list[str]] | None = None):
        super().__init__(detail=message, code=code)
        self.error_code, self.message, self.fields = code, message, fields or {}


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
        body = {"code": "invalid", "message": str(_("Certaines valeurs sont invalides.")), "fields": fields}
    else:
        body = {
            "code": exc.get_codes() if isinstance(exc.get_codes(), str) else "error",
            "message": str(exc.detail),
            "fields": {},
        }
    response.data = body
    return response
