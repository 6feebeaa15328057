"""Catalogue API: read for every signed-in user, write for the commune's administrators."""

from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
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
from core.errors import ApplicationError

MAX_DAYS = 93


class CatalogViewSet(viewsets.ModelViewSet):
    """Writes go through `catalog.services`, which validates the whole row and journals the change."""

    permission_classes = [ReadOrAdministratorWrite]

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


def model_serializer(model_class: type) -> type[serializers.ModelSerializer]:
    """A plain all-fields serializer, for the catalogue tables the API exposes as they are."""
    # Who manages a site is the back-office's business, and not for parents to read.
    hidden = [field.name for field in model_class._meta.many_to_many]
    meta = type(
        "Meta", (), {"model": model_class, "exclude": hidden} if hidden else {"model": model_class, "fields": "__all__"}
    )
    return type(f"{model_class.__name__}Serializer", (serializers.ModelSerializer,), {"Meta": meta})


class CutoffRuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = models.CutoffRule
        fields = "__all__"


class TariffBracketSerializer(serializers.ModelSerializer):
    class Meta:
        model = models.TariffBracket
        fields = "__all__"


class TariffSerializer(serializers.ModelSerializer):
    brackets = TariffBracketSerializer(many=True, read_only=True)

    class Meta:
        model = models.Tariff
        fields = "__all__"


AgeGroupCapacitySerializer = model_serializer(models.AgeGroupCapacity)


class ServiceSerializer(serializers.ModelSerializer):
    cutoff_rules = CutoffRuleSerializer(many=True, read_only=True)
    age_groups = AgeGroupCapacitySerializer(many=True, read_only=True)

    class Meta:
        model = models.Service
        exclude = ["managers"]


class DayDecisionSerializer(serializers.Serializer):
    allowed = serializers.BooleanField()
    reason = serializers.CharField(allow_null=True)
    message = serializers.CharField()
    late = serializers.BooleanField()
    late_policy = serializers.CharField(allow_null=True)
    late_amount = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)


class AgeGroupDaySerializer(serializers.Serializer):
    label = serializers.CharField()
    min_age_months = serializers.IntegerField()
    max_age_months = serializers.IntegerField(allow_null=True, help_text="exclu ; null : sans limite")
    capacity = serializers.IntegerField()
    places_left = serializers.IntegerField()


class DaySerializer(serializers.Serializer):
    date = serializers.DateField()
    open = serializers.BooleanField()
    capacity = serializers.IntegerField(allow_null=True, help_text="null: sans limite")
    places_left = serializers.IntegerField(allow_null=True)
    age_groups = AgeGroupDaySerializer(many=True, help_text="places réservées par tranche d'âge, s'il y en a")
    booking_deadline = serializers.DateTimeField(allow_null=True)
    cancellation_deadline = serializers.DateTimeField(allow_null=True)
    booking = DayDecisionSerializer()
    cancellation = DayDecisionSerializer()


class DaysQuerySerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()

    def validate(self, attrs: dict) -> dict:
        if attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"end": _("La fin doit suivre le début.")})
        if attrs["end"] - attrs["start"] >= timedelta(days=MAX_DAYS):
            raise serializers.ValidationError({"end": _("%(n)s jours au plus par demande.") % {"n": MAX_DAYS}})
        return attrs


class ServiceViewSet(CatalogViewSet):
    serializer_class = ServiceSerializer

    def get_queryset(self):
        return services_with_rules()

    @extend_schema(
        parameters=[
            OpenApiParameter("start", date, required=True, description="YYYY-MM-DD"),
            OpenApiParameter(
                "end", date, required=True, description=f"YYYY-MM-DD, au plus {MAX_DAYS} jours après start"
            ),
        ],
        responses=DaySerializer(many=True),
    )
    @action(detail=True, methods=["get"])
    def days(self, request: Request, pk: str | None = None, format: str | None = None) -> Response:
        """Each day: open or not, capacity and places left, deadlines, and whether a change now is allowed."""
        service = self.get_object()
        query = DaysQuerySerializer(data=request.query_params)
        if not query.is_valid():
            raise ApplicationError("invalid_range", _("Période invalide."), fields=query.errors)
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


class BookingWindowViewSet(CatalogViewSet):
    queryset = models.BookingWindow.objects.all()
    serializer_class = model_serializer(models.BookingWindow)


class CapacityOverrideViewSet(CatalogViewSet):
    queryset = models.CapacityOverride.objects.all()
    serializer_class = model_serializer(models.CapacityOverride)


class AgeGroupCapacityViewSet(CatalogViewSet):
    queryset = models.AgeGroupCapacity.objects.all()
    serializer_class = AgeGroupCapacitySerializer


class CutoffRuleViewSet(CatalogViewSet):
    queryset = models.CutoffRule.objects.all()
    serializer_class = CutoffRuleSerializer


class TariffViewSet(CatalogViewSet):
    queryset = models.Tariff.objects.prefetch_related("brackets")
    serializer_class = TariffSerializer

    def save_entry(self, entry, changed_fields):
        return tariff_save(actor=self.request.user, tariff=entry, changed_fields=changed_fields)


class TariffBracketViewSet(CatalogViewSet):
    queryset = models.TariffBracket.objects.all()
    serializer_class = TariffBracketSerializer

    def save_entry(self, entry, changed_fields):
        return tariff_bracket_save(actor=self.request.user, bracket=entry, changed_fields=changed_fields)

    def perform_destroy(self, instance):
        tariff_bracket_delete(actor=self.request.user, bracket=instance)
