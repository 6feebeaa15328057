"""The OpenAPI schema says what the server does: drf-spectacular's, plus each operation's error answers in
the one error shape, request bodies without extra properties, and ids that are positive bigints.

Apart from core.api because DRF imports that one (pagination, filters) while it defines its generic views,
and drf-spectacular's AutoSchema imports those views.
"""

from drf_spectacular import openapi
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.permissions import AllowAny

from core.api import ID_MAX, CharField, StrictInputMixin
from core.errors import ErrorCode

UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


@extend_schema_field(
    {
        "type": "object",
        "description": "The refused fields and why, keyed by field (`non_field_errors`: the request as a whole).",
        "additionalProperties": {
            "anyOf": [{"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "object"}]}}, {}]
        },
    }
)
class ErrorFieldsField(serializers.JSONField):
    pass


class ErrorSerializer(serializers.Serializer):
    """Every error of the API: a stable code to branch on, a message for people (in French), the fields."""

    # (value, name): the choices ENUM_NAME_OVERRIDES reads from ErrorCode, so the enum is named ErrorCodeEnum.
    code = serializers.ChoiceField(choices=[(code.value, code.name) for code in ErrorCode])
    message = serializers.CharField()
    fields = ErrorFieldsField()


ERROR_DESCRIPTIONS = {
    400: "The request does not follow this schema: a type, a length, a format, an unknown or read-only field.",
    403: "Not signed in on this commune's portal (a session cookie, and a CSRF token for writes), or not allowed.",
    404: "No such record here, or not one the signed-in user may reach.",
    406: "The API answers JSON only.",
    409: "The signed-in parent has not declared a household yet (`no_household`).",
    415: "Unsupported Content-Type for this operation's body.",
    422: "The request follows the schema, but a rule refuses it (overlapping dates, a record that does not "
    "exist, a file that is no PDF, JPEG or PNG…).",
    429: "Too many requests: retry after the Retry-After header's delay.",
}


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's schema, plus what the server does that it cannot see: each operation's error
    answers in the one error shape, request bodies without extra properties, ids that are positive bigints."""

    def error_statuses(self) -> set[int]:
        statuses = {400, 404, 406} | set(getattr(self.view, "error_statuses", ()))
        if any(not isinstance(permission, AllowAny) for permission in self.view.get_permissions()):
            statuses.add(403)
        if self.method in UNSAFE_METHODS:
            statuses.add(422)
            if self.method != "DELETE" and self.get_request_serializer() is not None:
                statuses.add(415)
        if self.view.get_throttles():
            statuses.add(429)
        return statuses

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for status in sorted(self.error_statuses()):
            if str(status) not in responses:
                response = self._get_response_for_code(ErrorSerializer, str(status), ["application/json"], direction)
                responses[str(status)] = {**response, "description": ERROR_DESCRIPTIONS[status]}
        return responses

    def _map_basic_serializer(self, serializer, direction):
        self._direction = direction
        schema = super()._map_basic_serializer(serializer, direction)
        if direction == "request" and isinstance(serializer, StrictInputMixin):
            schema["additionalProperties"] = False
        return schema

    def _insert_field_validators(self, field, schema):
        super()._insert_field_validators(field, schema)
        if getattr(self, "_direction", None) == "response" and isinstance(field, CharField):
            # The pattern says what text may be sent; what is read back may have been stored before it.
            if "oneOf" in schema:  # drf-spectacular's "pattern, or blank" for a text that may be blank
                schema.update(schema.pop("oneOf")[0])
            schema.pop("pattern", None)

    def _resolve_path_parameters(self, variables):
        parameters = super()._resolve_path_parameters(variables)
        for parameter in parameters:
            if parameter["schema"].get("type") == "integer":
                parameter["schema"].update(minimum=1, maximum=ID_MAX)
        return parameters
