"""One error shape for pages and API: {"code": …, "message": …, "fields": {…}}, messages translated.

Every API error, whoever raises it (a serializer, a service, DRF, the router), leaves through
`api_exception_handler` with a code of `ErrorCode` and the HTTP status that code goes with:

- 400: the request does not follow the OpenAPI schema (a type, a length, a format, an unknown field);
- 422: it follows the schema, but a rule refuses it (dates that overlap, a record that does not exist, a
  file that is no PDF, JPEG or PNG): what no schema can say;
- 403, 404, 405, 406, 409, 415, 429: as HTTP means them (an anonymous visitor gets 403: the API
  authenticates by session cookie, which has no WWW-Authenticate challenge to send with a 401).
"""

from collections.abc import Iterator
from enum import StrEnum

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as ModelValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler


class ErrorCode(StrEnum):
    """Stable codes clients may branch on; the message beside them is for people."""

    INVALID = "invalid"
    PARSE_ERROR = "parse_error"
    RULE = "rule"
    INVALID_RANGE = "invalid_range"
    INVALID_FILE = "invalid_file"
    # A file refused for what it contains (storage.inspection reads it).
    FILE_EMPTY = "empty"
    FILE_TOO_LARGE = "too_large"
    FILE_TYPE = "type"
    FILE_MISMATCH = "mismatch"
    FILE_TOO_MANY_PIXELS = "too_many_pixels"
    FILE_CORRUPT = "corrupt"
    FILE_ENCRYPTED = "encrypted"
    FILE_EMPTY_PDF = "empty_pdf"
    FILE_ACTIVE_PDF = "active_pdf"
    FILE_STORAGE = "storage"
    NO_HOUSEHOLD = "no_household"
    NOT_AUTHENTICATED = "not_authenticated"
    AUTHENTICATION_FAILED = "authentication_failed"
    PERMISSION_DENIED = "permission_denied"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    NOT_ACCEPTABLE = "not_acceptable"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    THROTTLED = "throttled"
    SERVER_ERROR = "server_error"


_CODES = frozenset(code.value for code in ErrorCode)
FILE_CODES = frozenset(code for code in ErrorCode if code.name.startswith("FILE_")) | {ErrorCode.INVALID_FILE}

STATUS_OF: dict[ErrorCode, int] = {
    ErrorCode.INVALID: status.HTTP_400_BAD_REQUEST,
    ErrorCode.PARSE_ERROR: status.HTTP_400_BAD_REQUEST,
    ErrorCode.RULE: status.HTTP_422_UNPROCESSABLE_ENTITY,
    ErrorCode.INVALID_RANGE: status.HTTP_422_UNPROCESSABLE_ENTITY,
    **dict.fromkeys(FILE_CODES, status.HTTP_422_UNPROCESSABLE_ENTITY),
    ErrorCode.NO_HOUSEHOLD: status.HTTP_409_CONFLICT,
    ErrorCode.NOT_AUTHENTICATED: status.HTTP_403_FORBIDDEN,
    ErrorCode.AUTHENTICATION_FAILED: status.HTTP_403_FORBIDDEN,
    ErrorCode.PERMISSION_DENIED: status.HTTP_403_FORBIDDEN,
    ErrorCode.NOT_FOUND: status.HTTP_404_NOT_FOUND,
    ErrorCode.METHOD_NOT_ALLOWED: status.HTTP_405_METHOD_NOT_ALLOWED,
    ErrorCode.NOT_ACCEPTABLE: status.HTTP_406_NOT_ACCEPTABLE,
    ErrorCode.UNSUPPORTED_MEDIA_TYPE: status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
    ErrorCode.THROTTLED: status.HTTP_429_TOO_MANY_REQUESTS,
    ErrorCode.SERVER_ERROR: status.HTTP_500_INTERNAL_SERVER_ERROR,
}
# The code of a DRF error whose own code is not one of ours.
_CODE_OF_STATUS = {
    status.HTTP_400_BAD_REQUEST: ErrorCode.INVALID,
    status.HTTP_401_UNAUTHORIZED: ErrorCode.NOT_AUTHENTICATED,
    status.HTTP_403_FORBIDDEN: ErrorCode.PERMISSION_DENIED,
    status.HTTP_404_NOT_FOUND: ErrorCode.NOT_FOUND,
    status.HTTP_405_METHOD_NOT_ALLOWED: ErrorCode.METHOD_NOT_ALLOWED,
    status.HTTP_406_NOT_ACCEPTABLE: ErrorCode.NOT_ACCEPTABLE,
    status.HTTP_415_UNSUPPORTED_MEDIA_TYPE: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
    status.HTTP_429_TOO_MANY_REQUESTS: ErrorCode.THROTTLED,
    status.HTTP_500_INTERNAL_SERVER_ERROR: ErrorCode.SERVER_ERROR,
}


def _fields_of(exc: ModelValidationError) -> dict[str, list[str]]:
    if not hasattr(exc, "error_dict"):
        return {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}
    return {
        (api_settings.NON_FIELD_ERRORS_KEY if name == NON_FIELD_ERRORS else name): messages
        for name, messages in exc.message_dict.items()
    }


class ApplicationError(exceptions.APIException):
    """A business rule said no: a stable code for clients, a translated message for people."""

    def __init__(self, code: ErrorCode | str, message: str, fields: dict[str, list[str]] | None = None):
        code = ErrorCode(code)  # an unknown code fails here, in development, not in a client
        super().__init__(detail=message, code=str(code))
        self.error_code, self.message, self.fields = code, message, fields or {}
        self.status_code = STATUS_OF[code]

    @classmethod
    def from_validation(cls, exc: ModelValidationError, code: ErrorCode = ErrorCode.RULE) -> "ApplicationError":
        """A service's (or a model's) ValidationError, keyed by field when it has fields."""
        return cls(code, " ".join(exc.messages), fields=_fields_of(exc))


class RuleViolation(exceptions.ValidationError):
    """Input that follows the schema, refused by a rule checked while validating it (a serializer's
    `validate()`, a record that does not exist, a value already taken): 422, not 400."""

    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY


def _messages(detail) -> Iterator[str]:
    if isinstance(detail, dict):
        for value in detail.values():
            yield from _messages(value)
    elif isinstance(detail, list):
        for value in detail:
            yield from _messages(value)
    else:
        yield str(detail)


def error_body(exc: exceptions.APIException) -> dict:
    """The body of an error; plain str values, that every renderer writes (the schema's YAML one too)."""
    if isinstance(exc, ApplicationError):
        return {"code": exc.error_code.value, "message": str(exc.message), "fields": exc.fields}
    if isinstance(exc, exceptions.ValidationError):
        fields = exc.detail if isinstance(exc.detail, dict) else {api_settings.NON_FIELD_ERRORS_KEY: exc.detail}
        if isinstance(exc, RuleViolation):
            return {"code": ErrorCode.RULE.value, "message": " ".join(_messages(fields)), "fields": fields}
        message = str(_("Certaines valeurs sont invalides."))
        return {"code": ErrorCode.INVALID.value, "message": message, "fields": fields}
    codes = exc.get_codes()
    code = codes if isinstance(codes, str) and codes in _CODES else _CODE_OF_STATUS.get(exc.status_code)
    code = code or (ErrorCode.INVALID if exc.status_code < 500 else ErrorCode.SERVER_ERROR)
    return {"code": ErrorCode(code).value, "message": str(exc.detail), "fields": {}}


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Introuvable."))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, ModelValidationError):
        # A model's own rules (clean, constraints) or a service said no.
        exc = ApplicationError.from_validation(exc)
    response = exception_handler(exc, context)
    if response is None:
        return None
    response.data = error_body(exc)
    return response
