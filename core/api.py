"""The API's one convention, in code: strict input, text that follows `core.text`, one pagination, one way
to filter (the README's "API" section tells it in words; `core.api_schema` writes it into the OpenAPI schema).

Every API serializer derives from `Serializer` or `ModelSerializer` here. Their input is refused (400) when
it does not follow the schema: an unknown or read-only field, a JSON value of the wrong type ("12" for an
integer, 1 for a boolean), text with control characters. What follows the schema but breaks a rule (the
serializer's `validate()`, a record that does not exist, a value already taken) is refused with 422.
"""

import re
from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.http import QueryDict
from django.urls import Resolver404, resolve
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiFilterExtension, OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_parameter_type
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, serializers
from rest_framework.fields import empty
from rest_framework.filters import BaseFilterBackend
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.permissions import AllowAny
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from core.errors import RuleViolation
from core.ids import BIGINT_MAX
from core.text import REFUSED_CODE, REFUSED_MESSAGE, has_refused_characters, normalise_text, text_validator

# Ids are PostgreSQL bigints (BigAutoField).
ID_MAX = BIGINT_MAX

# --- Fields -------------------------------------------------------------------------------------------------


class CharField(serializers.CharField):
    """A name or a one-line text: a string, NFC, trimmed, no control or invisible character (`core.text`).

    Its pattern is in the schema; `max_length` counts what was sent, before trimming, as the schema does."""

    multiline = False
    default_error_messages = {"invalid": _("Une chaîne de caractères est attendue.")}

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if not self.read_only:
            self.validators.append(text_validator(multiline=self.multiline, blank=self.allow_blank))

    def run_validation(self, data=empty):
        # Before DRF trims it: "\n" or "\x1f" alone would otherwise pass for a blank text.
        if isinstance(data, str) and has_refused_characters(data, multiline=self.multiline):
            raise exceptions.ValidationError(REFUSED_MESSAGE, code=REFUSED_CODE)
        return super().run_validation(data)

    def to_internal_value(self, data) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        if self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return normalise_text(data, multiline=self.multiline)


class MultilineCharField(CharField):
    """A text of several lines (allergies, notes, an address): tabs and line breaks allowed."""

    multiline = True


class IntegerField(serializers.IntegerField):
    """An integer; written as text (a form, a query string), digits only: "1.0" or "+1" is no integer."""

    def to_internal_value(self, data) -> int:
        if isinstance(data, str) and not re.fullmatch(r"-?[0-9]+", data):
            self.fail("invalid")
        return super().to_internal_value(data)


class IdField(IntegerField):
    """The id of a record: a positive bigint."""

    def __init__(self, **kwargs):
        super().__init__(min_value=1, max_value=ID_MAX, **kwargs)


class DecimalField(serializers.DecimalField):
    """An amount written as a string of digits with a dot ("4.50"), exactly as the schema's pattern says."""

    def pattern(self) -> str:
        signed = self.min_value is None or self.min_value < 0
        whole = self.max_digits - self.decimal_places
        return rf"^{'-?' if signed else ''}[0-9]{{1,{whole}}}(\.[0-9]{{1,{self.decimal_places}}})?$"

    def to_internal_value(self, data) -> Decimal:
        if isinstance(data, str) and not re.fullmatch(self.pattern(), data):
            self.fail("invalid")
        return super().to_internal_value(data)


class DecimalFieldExtension(OpenApiSerializerFieldExtension):
    target_class = DecimalField

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        return {**schema, "pattern": self.target.pattern()}


class TimeField(serializers.TimeField):
    """A time of day, "HH:MM" or "HH:MM:SS", as the schema's pattern says (OpenAPI's `time` format would ask
    for an offset from UTC, which a time of the commune's day has not)."""

    PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$"

    def to_internal_value(self, data):
        if isinstance(data, str) and not re.fullmatch(self.PATTERN, data):
            self.fail("invalid", format="HH:MM")
        return super().to_internal_value(data)


class TimeFieldExtension(OpenApiSerializerFieldExtension):
    target_class = TimeField

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        schema.pop("format", None)
        return {**schema, "pattern": TimeField.PATTERN, "example": "12:00"}


# --- Serializers --------------------------------------------------------------------------------------------

# Leaf codes of errors that a schema cannot foresee: a refusal made only of these is a rule's (422).
RULE_CODES = frozenset({"does_not_exist", "unique"})

_JSON_TYPES = {
    "str": (lambda v: isinstance(v, str), _("Une chaîne de caractères est attendue.")),
    "int": (lambda v: isinstance(v, int) and not isinstance(v, bool), _("Un nombre entier est attendu.")),
    "number": (lambda v: isinstance(v, int | float) and not isinstance(v, bool), _("Un nombre est attendu.")),
    "bool": (lambda v: isinstance(v, bool), _("true ou false est attendu.")),
    "list": (lambda v: isinstance(v, list), _("Une liste est attendue.")),
    "object": (lambda v: isinstance(v, dict), _("Un objet est attendu.")),
}


def _pk_kind(model: type[models.Model]) -> str:
    pk = model._meta.pk
    return "int" if isinstance(pk, models.AutoField | models.IntegerField) else "str"


def _json_kind(field: serializers.Field) -> tuple[str | None, str | None]:
    """The JSON type of a field's value, and of the items of a list; None: any."""
    if isinstance(field, serializers.ManyRelatedField):
        return "list", _json_kind(field.child_relation)[0]
    if isinstance(field, serializers.ListField):
        return "list", _json_kind(field.child)[0]
    if isinstance(field, serializers.MultipleChoiceField | serializers.ListSerializer):
        return "list", None
    if isinstance(field, serializers.BaseSerializer | serializers.DictField | serializers.HStoreField):
        return "object", None
    if isinstance(field, serializers.BooleanField):
        return "bool", None
    if isinstance(field, serializers.DecimalField):
        as_string = getattr(field, "coerce_to_string", None)
        as_string = api_settings.COERCE_DECIMAL_TO_STRING if as_string is None else as_string
        return ("str" if as_string else "number"), None
    if isinstance(field, serializers.IntegerField):
        return "int", None
    if isinstance(field, serializers.FloatField):
        return "number", None
    if isinstance(field, serializers.PrimaryKeyRelatedField):
        return (_pk_kind(field.queryset.model) if field.queryset is not None else None), None
    if isinstance(field, serializers.ChoiceField):
        return ("str" if all(isinstance(key, str) for key in field.choices) else None), None
    text = (serializers.CharField, serializers.DateField, serializers.DateTimeField, serializers.TimeField)
    if isinstance(field, (*text, serializers.UUIDField, serializers.DurationField)):
        return "str", None
    return None, None  # files, JSON: their own checks


def _json_type_error(field: serializers.Field, value) -> str | None:
    if value is None:
        return None  # the field's own allow_null decides
    kind, item_kind = _json_kind(field)
    if kind is None:
        return None
    accepts, message = _JSON_TYPES[kind]
    if not accepts(value):
        return message
    if kind == "list" and item_kind is not None:
        accepts_item, item_message = _JSON_TYPES[item_kind]
        if not all(accepts_item(item) for item in value if item is not None):
            return item_message
    return None


def _leaf_codes(detail) -> set[str]:
    if isinstance(detail, dict):
        return set().union(*(_leaf_codes(value) for value in detail.values()))
    if isinstance(detail, list):
        return set().union(*(_leaf_codes(value) for value in detail))
    return {getattr(detail, "code", None)}


class StrictInputMixin:
    # Refuses what the schema does not allow (400), and tells rules' refusals apart (422). (A comment, not
    # a docstring: drf-spectacular would show it as every serializer's description.)

    def to_internal_value(self, data):
        errors = {}
        if isinstance(data, dict):  # a JSON object, or a form's or query string's QueryDict
            writable = {name: field for name, field in self.fields.items() if not field.read_only}
            for name in data:
                if name not in writable:
                    message = _("Ce champ est en lecture seule.") if name in self.fields else _("Champ inconnu.")
                    errors[name] = [exceptions.ErrorDetail(message, code="unknown")]
            if not isinstance(data, QueryDict):  # text is all a form or a query string can send
                for name, field in writable.items():
                    if name in data and (message := _json_type_error(field, data[name])):
                        errors[name] = [exceptions.ErrorDetail(message, code="incorrect_type")]
        if errors:
            raise exceptions.ValidationError(errors)
        try:
            return super().to_internal_value(data)
        except exceptions.ValidationError as exc:
            if _leaf_codes(exc.detail) <= RULE_CODES:
                raise RuleViolation(exc.detail) from exc
            raise

    def run_validation(self, data=empty):
        self._refused_by_rule = False
        try:
            (is_empty_value, data) = self.validate_empty_values(data)
            if is_empty_value:
                return data
            value = self.to_internal_value(data)
            try:
                self.run_validators(value)
                value = self.validate(value)
            except (exceptions.ValidationError, DjangoValidationError) as exc:
                raise RuleViolation(detail=serializers.as_serializer_error(exc)) from exc
            return value
        except RuleViolation:
            self._refused_by_rule = True
            raise

    def is_valid(self, *, raise_exception: bool = False) -> bool:
        valid = super().is_valid(raise_exception=False)
        if not valid and raise_exception:
            raise (RuleViolation if getattr(self, "_refused_by_rule", False) else exceptions.ValidationError)(
                self.errors
            )
        return valid


class Serializer(StrictInputMixin, serializers.Serializer):
    pass


class ModelSerializer(StrictInputMixin, serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: CharField,
        models.TextField: MultilineCharField,
        models.DecimalField: DecimalField,
        models.TimeField: TimeField,
        models.IntegerField: IntegerField,
        models.BigIntegerField: IntegerField,
        models.SmallIntegerField: IntegerField,
        models.PositiveIntegerField: IntegerField,
        models.PositiveSmallIntegerField: IntegerField,
        models.PositiveBigIntegerField: IntegerField,
    }


# --- Lists: pagination and filters -------------------------------------------------------------------------


class Pagination(LimitOffsetPagination):
    """Every list: `?limit=` (1 to 200, 50 by default) and `?offset=`; `count`, `next`, `previous`, `results`."""

    default_limit = 50
    max_limit = 200
    max_offset = 2**31 - 1

    def paginate_queryset(self, queryset, request, view=None):
        if isinstance(queryset, models.QuerySet):
            queryset = stable_order(queryset)
        return super().paginate_queryset(queryset, request, view)

    def get_limit(self, request) -> int:
        return self._number(request, self.limit_query_param, self.default_limit, 1, self.max_limit)

    def get_offset(self, request) -> int:
        return self._number(request, self.offset_query_param, 0, 0, self.max_offset)

    @staticmethod
    def _number(request, name: str, default: int, minimum: int, maximum: int) -> int:
        raw = request.query_params.get(name)
        if raw is None:
            return default
        if not re.fullmatch(r"[0-9]+", raw) or not minimum <= int(raw) <= maximum:
            message = _("Un nombre entier de %(min)s à %(max)s est attendu.") % {"min": minimum, "max": maximum}
            raise exceptions.ValidationError({name: [message]})
        return int(raw)

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [
            build_parameter_type(
                self.limit_query_param,
                {"type": "integer", "minimum": 1, "maximum": self.max_limit, "default": self.default_limit},
                OpenApiParameter.QUERY,
                description="How many results per page.",
            ),
            build_parameter_type(
                self.offset_query_param,
                {"type": "integer", "minimum": 0, "maximum": self.max_offset, "default": 0},
                OpenApiParameter.QUERY,
                description="How many results to skip.",
            ),
        ]


def stable_order(queryset: models.QuerySet) -> models.QuerySet:
    """The queryset's order, ties broken by id: pages neither repeat nor skip a row."""
    query = queryset.query
    ordering = list(query.order_by) or (list(queryset.model._meta.ordering) if query.default_ordering else [])
    if any(str(term).lstrip("-") == "pk" for term in ordering):
        return queryset
    return queryset.order_by(*ordering, "pk")


class Filters(Serializer):
    """A list's filters, declared as the query parameters they read: a list view names them in
    `filter_serializer_class`, each field filters the rows on its `source`."""

    def filter(self, queryset: models.QuerySet) -> models.QuerySet:
        for field in self.fields.values():
            if field.source in self.validated_data:
                queryset = queryset.filter(**{field.source: self.validated_data[field.source]})
        return queryset


class QueryFilters(BaseFilterBackend):
    """The one filter backend: a list reads its declared filters and the pagination's parameters, and refuses
    any other query parameter (a misspelt filter would otherwise return every row)."""

    def filter_queryset(self, request, queryset, view):
        if getattr(view, "action", "list") != "list":
            return queryset  # a viewset's detail operations take no filter
        params = request.query_params.copy()
        for name in (Pagination.limit_query_param, Pagination.offset_query_param):
            params.pop(name, None)
        filters = (getattr(view, "filter_serializer_class", None) or Filters)(data=params)
        filters.is_valid(raise_exception=True)
        return filters.filter(queryset)


class QueryFiltersExtension(OpenApiFilterExtension):
    target_class = QueryFilters

    def get_schema_operation_parameters(self, auto_schema, *args, **kwargs) -> list[dict]:
        filters_class = getattr(auto_schema.view, "filter_serializer_class", None)
        if filters_class is None or getattr(auto_schema.view, "action", "list") != "list":
            return []
        return [
            build_parameter_type(
                name,
                auto_schema._map_serializer_field(field, "request"),
                OpenApiParameter.QUERY,
                description=str(field.help_text or ""),
            )
            for name, field in filters_class().fields.items()
        ]


# --- Paths that name no operation ---------------------------------------------------------------------------


class NotFoundView(APIView):
    """The last route of an API prefix: a path that names no operation gets a 404 in the error shape,
    not Django's HTML page (with a hint when only a trailing slash is wrong)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    schema = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.path.endswith("/") and _names_an_operation(request.path.rstrip("/")):
            raise exceptions.NotFound(
                _("Les adresses de l'API ne finissent pas par « / » : %(path)s.") % {"path": request.path.rstrip("/")}
            )
        raise exceptions.NotFound(_("Introuvable."))


def _names_an_operation(path: str) -> bool:
    try:
        return getattr(resolve(path).func, "cls", NotFoundView) is not NotFoundView
    except (Resolver404, AttributeError):
        return False
