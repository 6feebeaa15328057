"""Serializers of closures in the reservations API: the list, one closure with the bookings it cancelled,
the body that decides one, and what it cancels (or, previewed, would cancel)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalog.models import Service
from core import api
from reservations.models import Closure
from reservations.serializers import BookingSerializer, WaitingEntrySerializer


def _amount(**kwargs) -> api.DecimalField:
    return api.DecimalField(max_digits=10, decimal_places=2, **kwargs)


class ClosureSerializer(api.ModelSerializer):
    service_name = serializers.CharField(source="service.name", read_only=True, allow_null=True, default=None)
    site_name = serializers.CharField(source="site.name", read_only=True, allow_null=True, default=None)
    level = serializers.ChoiceField(
        choices=Service.SchoolLevel.choices, allow_blank=True, read_only=True, help_text="empty: every class"
    )
    cancelled = serializers.IntegerField(read_only=True, help_text="bookings it cancelled")
    families = serializers.IntegerField(read_only=True, help_text="households whose bookings it cancelled")

    class Meta:
        model = Closure
        fields = [
            "id",
            "date",
            "cause",
            "label",
            "minimum_service",
            "service",
            "service_name",
            "site",
            "site_name",
            "school",
            "level",
            "created_at",
            "cancelled",
            "families",
        ]
        read_only_fields = fields


class CancelledBookingSerializer(BookingSerializer):
    owed = _amount(read_only=True, allow_null=True, help_text="owed back (paid at booking); null: nothing")

    class Meta(BookingSerializer.Meta):
        fields = [*BookingSerializer.Meta.fields, "owed"]
        read_only_fields = fields


class ClosureDetailSerializer(ClosureSerializer):
    bookings = CancelledBookingSerializer(
        source="bookings_cancelled", many=True, read_only=True, help_text="the bookings it cancelled"
    )
    owed_total = _amount(read_only=True, allow_null=True, help_text="owed back in all; null: nothing")

    class Meta(ClosureSerializer.Meta):
        fields = [*ClosureSerializer.Meta.fields, "bookings", "owed_total"]
        read_only_fields = fields


class NewClosureSerializer(api.Serializer):
    """A service closed, or every service of a site; for all its children, or a school's, or a class's."""

    date = serializers.DateField(help_text="today or a day to come (YYYY-MM-DD)")
    cause = serializers.ChoiceField(choices=Closure.Cause.choices)
    label = api.CharField(
        max_length=Closure._meta.get_field("label").max_length,
        help_text="the message e-mailed to each family concerned, shown on the day's planning",
    )
    service = api.IdField(required=False, help_text="id of the service closed (or `site`)")
    site = api.IdField(required=False, help_text="id of the site whose every service closes (or `service`)")
    school = api.CharField(
        required=False, allow_blank=True, default="", max_length=150, help_text="only the children of this school"
    )
    level = serializers.ChoiceField(
        choices=Service.SchoolLevel.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="only the children of this class",
    )
    minimum_service = serializers.BooleanField(
        required=False,
        default=False,
        help_text="a minimum service is assured: the bookings are kept and billed, the families told",
    )

    def validate(self, attrs: dict) -> dict:
        if "service" in attrs and "site" in attrs:
            raise serializers.ValidationError({"site": _("Choisissez un service ou un site, pas les deux.")})
        return attrs


class OwedSerializer(api.Serializer):
    booking = serializers.IntegerField(source="booking.pk")
    amount = _amount()


class ClosureHitSerializer(api.Serializer):
    """What a closure reaches on its day."""

    bookings = BookingSerializer(
        many=True, help_text="the bookings it cancels (with a minimum service: those kept, and the families told)"
    )
    waiting_entries = WaitingEntrySerializer(source="entries", many=True, help_text="the waiting-list entries cleared")
    owed = OwedSerializer(many=True, help_text="what is owed back, booking by booking (paid at booking)")
    owed_total = _amount()
    unpriced = serializers.SerializerMethodField(
        help_text="ids of bookings paid without a valid price: settled by hand"
    )
    families = serializers.SerializerMethodField(help_text="households told (booked, or waiting for the day)")
    closes_day = serializers.BooleanField(help_text="no school nor class, no minimum service: the day closes")

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_unpriced(self, hit) -> list[int]:
        return [booking.pk for booking in hit.unpriced]

    def get_families(self, hit) -> int:
        return len(hit.households)


class ClosureCreatedSerializer(ClosureHitSerializer):
    closure = ClosureSerializer()
