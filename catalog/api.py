"""Catalogue API: read for every signed-in user, write for the commune's administrators."""

from datetime import timedelta

from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from catalog import models
from catalog.days import service_days
from catalog.permissions import ReadOrAdministratorWrite
from catalog.selectors import services_with_rules
from catalog.services import (
    catalog_entry_delete,
    catalog_entry_save,
    tariff_bracket_delete,
    tariff_bracket_save,
    tariff_save,
)
from core import api
from core.errors import ApplicationError, ErrorCode, RuleViolation

MAX_DAYS = 93


class CatalogViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    # Writes go through `catalog.services`, which validates the whole row and journals the change. (A
    # comment: drf-spectacular would show a docstring as the description of every catalogue operation.)

    permission_classes = [ReadOrAdministratorWrite]
    lookup_value_converter = "int"
    error_statuses: tuple[int, ...] = ()  # beyond core.api.AutoSchema's own (an action may add some)

    # The API changes a record with PATCH only: no PUT, one way to write the same thing is enough.
    def partial_update(self, request: Request, *args, **kwargs) -> Response:
        """Change the fields sent, and only them."""
        return mixins.UpdateModelMixin.update(self, request, *args, partial=True, **kwargs)

    def perform_create(self, serializer):
        entry = serializer.Meta.model(**serializer.validated_data)
        serializer.instance = self.save_entry(entry, serializer.validated_data)

    def perform_update(self, serializer):
        entry = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(entry, name, value)
        self.save_entry(entry, serializer.validated_data)

    def perform_destroy(self, instance):
        catalog_entry_delete(actor=self.request.user, entry=instance)

    def save_entry(self, entry, changed_fields):
        return catalog_entry_save(actor=self.request.user, entry=entry, changed_fields=changed_fields)


def model_serializer(model_class: type) -> type[api.ModelSerializer]:
    """A plain all-fields serializer, for the catalogue tables the API exposes as they are."""
    # Who manages a site is the back-office's business, and not for parents to read.
    hidden = [field.name for field in model_class._meta.many_to_many]
    meta = type(
        "Meta", (), {"model": model_class, "exclude": hidden} if hidden else {"model": model_class, "fields": "__all__"}
    )
    return type(f"{model_class.__name__}Serializer", (api.ModelSerializer,), {"Meta": meta})


def code_of(source: str) -> api.CharField:
    """The code of a linked unit or combination, beside its id (null when there is none)."""
    return api.CharField(source=f"{source}.code", read_only=True, allow_null=True, help_text=f"code of {source}")


class ServiceUnitSerializer(api.ModelSerializer):
    requires_codes = serializers.SlugRelatedField(
        source="requires", slug_field="code", many=True, read_only=True, help_text="codes of `requires`"
    )
    excludes_codes = serializers.SlugRelatedField(
        source="excludes", slug_field="code", many=True, read_only=True, help_text="codes of `excludes`"
    )

    class Meta:
        model = models.ServiceUnit
        fields = [
            "id",
            "service",
            "code",
            "name",
            "duration_hours",
            "capacity",
            "position",
            "requires",
            "requires_codes",
            "excludes",
            "excludes_codes",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "requires": {"help_text": "ids of the units: booked only with one of them the same day (empty: alone)"},
            "excludes": {"help_text": "ids of the units never booked the same day"},
        }


class UnitCombinationSerializer(api.ModelSerializer):
    unit_codes = serializers.SlugRelatedField(
        source="units", slug_field="code", many=True, read_only=True, help_text="codes of `units`"
    )

    class Meta:
        model = models.UnitCombination
        fields = ["id", "service", "code", "name", "priority", "units", "unit_codes"]
        read_only_fields = fields
        extra_kwargs = {
            "units": {"help_text": "ids of the units billed together as this combination"},
            "priority": {"help_text": "the highest priority is billed first when several combinations fit a day"},
        }


class CutoffRuleSerializer(api.ModelSerializer):
    applies_to_code = code_of("applies_to")

    class Meta:
        model = models.CutoffRule
        fields = "__all__"


class TariffBracketSerializer(api.ModelSerializer):
    class Meta:
        model = models.TariffBracket
        fields = "__all__"


class TariffSerializer(api.ModelSerializer):
    brackets = TariffBracketSerializer(many=True, read_only=True)
    unit_code = code_of("unit")
    combination_code = code_of("combination")

    class Meta:
        model = models.Tariff
        fields = "__all__"


AgeGroupCapacitySerializer = model_serializer(models.AgeGroupCapacity)


class ServiceSerializer(api.ModelSerializer):
    units = ServiceUnitSerializer(many=True, read_only=True)
    combinations = UnitCombinationSerializer(many=True, read_only=True)
    cutoff_rules = CutoffRuleSerializer(many=True, read_only=True)
    age_groups = AgeGroupCapacitySerializer(many=True, read_only=True)
    # What validate_weekdays allows, said in the schema (the model's column would allow up to 32767).
    weekdays = serializers.ListField(
        child=api.IntegerField(min_value=0, max_value=6), help_text="0 = lundi … 6 = dimanche"
    )

    class Meta:
        model = models.Service
        exclude = ["managers"]


class DayDecisionSerializer(serializers.Serializer):
    allowed = serializers.BooleanField()
    reason = serializers.CharField(allow_null=True)
    message = serializers.CharField()
    late = serializers.BooleanField()
    late_price = serializers.CharField(allow_null=True)
    late_amount = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)


class AgeGroupDaySerializer(serializers.Serializer):
    label = serializers.CharField()
    min_age_months = serializers.IntegerField()
    max_age_months = serializers.IntegerField(allow_null=True, help_text="exclu ; null : sans limite")
    capacity = serializers.IntegerField()
    places_left = serializers.IntegerField()


class UnitDaySerializer(serializers.Serializer):
    code = serializers.CharField(help_text="the unit's code")
    booking_deadline = serializers.DateTimeField(allow_null=True)
    cancellation_deadline = serializers.DateTimeField(allow_null=True)
    booking = DayDecisionSerializer()
    cancellation = DayDecisionSerializer()


class DaySerializer(serializers.Serializer):
    date = serializers.DateField()
    open = serializers.BooleanField()
    capacity = serializers.IntegerField(allow_null=True, help_text="null: sans limite")
    places_left = serializers.IntegerField(allow_null=True)
    age_groups = AgeGroupDaySerializer(many=True, help_text="places réservées par tranche d'âge, s'il y en a")
    booking_deadline = serializers.DateTimeField(allow_null=True)
    cancellation_deadline = serializers.DateTimeField(allow_null=True)
    booking = DayDecisionSerializer(help_text="the service's rule for every unit without one of its own")
    cancellation = DayDecisionSerializer()
    units = UnitDaySerializer(many=True, help_text="each unit's own rule (seed 001: matin and soir differ)")


class DaysQuerySerializer(api.Serializer):
    start = serializers.DateField(help_text="YYYY-MM-DD")
    end = serializers.DateField(help_text=f"YYYY-MM-DD, au plus {MAX_DAYS - 1} jours après start")

    def validate(self, attrs: dict) -> dict:
        if attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"end": _("La fin doit suivre le début.")})
        if attrs["end"] - attrs["start"] >= timedelta(days=MAX_DAYS):
            raise serializers.ValidationError({"end": _("%(n)s jours au plus par demande.") % {"n": MAX_DAYS}})
        return attrs


class Filters(api.Filters):
    """`core.api.Filters`, where a parameter sent empty (`?service=`) is refused as the schema says, rather than
    ignored (DRF reads an empty optional value of a query string as one not sent)."""

    def to_internal_value(self, data):
        errors = {}
        for name, field in self.fields.items():
            if isinstance(data, QueryDict) and data.get(name) == "":
                try:
                    field.run_validation("")
                except serializers.ValidationError as exc:
                    errors[name] = exc.detail
        if errors:
            raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


class ServiceFilters(Filters):
    site = api.IdField(required=False, source="site_id", help_text="id of a site: its services only")
    kind = serializers.ChoiceField(choices=models.Service.Kind.choices, required=False)


class OfServiceFilters(Filters):
    service = api.IdField(required=False, source="service_id", help_text="id of a service: its rows only")


class CombinationFilters(OfServiceFilters):
    unit = api.IdField(required=False, source="units", help_text="id of a unit: the combinations holding it")


class CutoffRuleFilters(OfServiceFilters):
    applies_to = api.IdField(required=False, source="applies_to_id", help_text="id of a unit: its own rules only")
    direction = serializers.ChoiceField(choices=models.CutoffRule.Direction.choices, required=False)


class TariffFilters(OfServiceFilters):
    unit = api.IdField(required=False, source="unit_id", help_text="id of a unit: the tariffs pricing it alone")
    combination = api.IdField(
        required=False, source="combination_id", help_text="id of a combination: the tariffs pricing it"
    )


class ServiceViewSet(CatalogViewSet):
    serializer_class = ServiceSerializer
    filter_serializer_class = ServiceFilters

    def get_queryset(self):
        # What the engine reads, and the codes the answer names its rules' and tariffs' units by.
        return services_with_rules().prefetch_related(
            "cutoff_rules__applies_to", "tariffs__unit", "tariffs__combination"
        )

    @extend_schema(parameters=[DaysQuerySerializer], responses=DaySerializer(many=True))
    # A bounded list (MAX_DAYS at most): one page, and 422 for a period the rules refuse.
    @action(detail=True, methods=["get"], pagination_class=None, error_statuses=(422,))
    def days(self, request: Request, pk: int) -> Response:
        """Each day: open or not, capacity and places left, deadlines, and whether a change now is allowed."""
        service = self.get_object()
        query = DaysQuerySerializer(data=request.query_params)
        try:
            query.is_valid(raise_exception=True)
        except RuleViolation as exc:
            raise ApplicationError(ErrorCode.INVALID_RANGE, _("Période invalide."), fields=exc.detail) from exc
        days = service_days(
            service=service, start=query.validated_data["start"], end=query.validated_data["end"], now=timezone.now()
        )
        return Response(DaySerializer(days, many=True).data)


class SiteViewSet(CatalogViewSet):
    queryset = models.Site.objects.all()
    serializer_class = model_serializer(models.Site)


class SchoolYearViewSet(CatalogViewSet):
    queryset = models.SchoolYear.objects.all()
    serializer_class = model_serializer(models.SchoolYear)


class CalendarExceptionViewSet(CatalogViewSet):
    queryset = models.CalendarException.objects.all()
    serializer_class = model_serializer(models.CalendarException)
    filter_serializer_class = OfServiceFilters


class BookingWindowViewSet(CatalogViewSet):
    queryset = models.BookingWindow.objects.all()
    serializer_class = model_serializer(models.BookingWindow)
    filter_serializer_class = OfServiceFilters


class CapacityOverrideViewSet(CatalogViewSet):
    queryset = models.CapacityOverride.objects.all()
    serializer_class = model_serializer(models.CapacityOverride)
    filter_serializer_class = OfServiceFilters


class AgeGroupCapacityViewSet(CatalogViewSet):
    queryset = models.AgeGroupCapacity.objects.all()
    serializer_class = AgeGroupCapacitySerializer
    filter_serializer_class = OfServiceFilters


class CatalogReadViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    # Read only: units and combinations are written from the back-office and by the catalogue's import. Any
    # other method is a 405 to every signed-in user, as the operation does not exist.

    permission_classes = [IsAuthenticated]
    lookup_value_converter = "int"
    error_statuses: tuple[int, ...] = ()


class ServiceUnitViewSet(CatalogReadViewSet):
    queryset = models.ServiceUnit.objects.prefetch_related("requires", "excludes")
    serializer_class = ServiceUnitSerializer
    filter_serializer_class = OfServiceFilters


class UnitCombinationViewSet(CatalogReadViewSet):
    queryset = models.UnitCombination.objects.prefetch_related("units")
    serializer_class = UnitCombinationSerializer
    filter_serializer_class = CombinationFilters


class CutoffRuleViewSet(CatalogViewSet):
    queryset = models.CutoffRule.objects.select_related("applies_to")
    serializer_class = CutoffRuleSerializer
    filter_serializer_class = CutoffRuleFilters


class TariffViewSet(CatalogViewSet):
    queryset = models.Tariff.objects.select_related("unit", "combination").prefetch_related("brackets")
    serializer_class = TariffSerializer
    filter_serializer_class = TariffFilters

    def save_entry(self, entry, changed_fields):
        return tariff_save(actor=self.request.user, tariff=entry, changed_fields=changed_fields)


class OfTariffFilters(Filters):
    tariff = api.IdField(required=False, source="tariff_id", help_text="id of a tariff: its brackets only")


class TariffBracketViewSet(CatalogViewSet):
    queryset = models.TariffBracket.objects.all()
    serializer_class = TariffBracketSerializer
    filter_serializer_class = OfTariffFilters

    def save_entry(self, entry, changed_fields):
        return tariff_bracket_save(actor=self.request.user, bracket=entry, changed_fields=changed_fields)

    def perform_destroy(self, instance):
        tariff_bracket_delete(actor=self.request.user, bracket=instance)
