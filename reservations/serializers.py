"""Serializers of the reservations API (core.api's: strict input, clean text)."""

import json

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalog.api import Filters
from catalog.engine import Reason
from catalog.models import CutoffRule
from catalog.pricing import PricingRefused, price_day
from core import api
from families.models import Decision
from reservations.models import Booking, Enrolment, EnrolmentRequirement, WaitingListEntry
from reservations.planning import MAX_DAYS as PLANNING_DAYS
from reservations.planning import State as PlanningState
from reservations.planning import within_reach

UNIT_CODE = r"^[-a-zA-Z0-9_]+$"  # a unit's code: a slug
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def _day_field(weekday: int) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.RegexField(UNIT_CODE, max_length=40),
        required=False,
        max_length=20,
        help_text=f"codes of the units booked each {WEEKDAYS[weekday]}",
    )


# The typical week as the enrolment keeps it: weekday ("0" = Monday … "6" = Sunday) → unit codes. A class
# built with type(): its fields are named by digits.
WeekSerializer = type(
    "WeekSerializer",
    (api.Serializer,),
    {str(weekday): _day_field(weekday) for weekday in range(7)},
)


@extend_schema_field(WeekSerializer)
class WeekPartField(serializers.Field):
    """The typical week in a multipart body: one part holding its JSON (a form has no objects to send)."""

    default_error_messages = {"invalid": _("Un objet JSON est attendu.")}

    def to_internal_value(self, data) -> dict:
        if isinstance(data, str):
            try:
                data = json.loads(data)
            except ValueError:
                self.fail("invalid")
        if not isinstance(data, dict):
            self.fail("invalid")
        week = WeekSerializer(data=data)
        week.is_valid(raise_exception=True)
        return dict(week.validated_data)


class EnrolmentRequestSerializer(api.Serializer):
    """A JSON body: for a service that asks for no piece."""

    child = api.IdField(help_text="id of one of the household's children")
    service = api.IdField(help_text="id of a service")
    school_year = api.IdField(help_text="id of the current school year or one to come")
    start = serializers.DateField(required=False, help_text="first day (default: the school year's first)")
    end = serializers.DateField(required=False, help_text="last day (default: the school year's last)")
    week = WeekSerializer(required=False, help_text="the typical week (absent or empty: days booked one by one)")
    recurrence = serializers.ChoiceField(choices=Enrolment.Recurrence.choices, default=Enrolment.Recurrence.WEEKLY)
    anchor = serializers.DateField(
        required=False, help_text="one week in two: a day of the first week booked (required then)"
    )

    def validate(self, attrs: dict) -> dict:
        if "start" in attrs and "end" in attrs and attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"end": _("La fin doit suivre le début.")})
        return attrs


class EnrolmentRequestFormSerializer(EnrolmentRequestSerializer):
    """A multipart body: the same fields, the typical week as a JSON part, and the pieces the service asks
    for, `pieces[i]` answering the requirement `requirements[i]`."""

    week = WeekPartField(required=False, help_text="the typical week, as a part holding its JSON")
    requirements = serializers.ListField(
        child=api.IdField(),
        required=False,
        max_length=20,
        help_text="ids of the service's enrolment requirements, in the order of `pieces`",
    )
    pieces = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True),
        required=False,
        max_length=20,
        help_text="one PDF, JPEG or PNG per requirement",
    )

    def validate(self, attrs: dict) -> dict:
        attrs = super().validate(attrs)
        requirements, pieces = attrs.get("requirements", []), attrs.get("pieces", [])
        if len(requirements) != len(pieces):
            raise serializers.ValidationError({"pieces": _("Une pièce par pièce demandée, dans le même ordre.")})
        if len(set(requirements)) != len(requirements):
            raise serializers.ValidationError({"requirements": _("Une pièce demandée figure deux fois.")})
        return attrs


class EnrolmentPieceSerializer(api.Serializer):
    requirement = serializers.IntegerField(source="requirement_id")
    document = serializers.UUIDField(source="document_id")


class EnrolmentSerializer(api.ModelSerializer):
    child_name = serializers.SerializerMethodField()
    household_name = serializers.CharField(source="household.name", read_only=True)
    service_name = serializers.CharField(source="service.name", read_only=True)
    school_year_name = serializers.CharField(source="school_year.name", read_only=True)
    week = WeekSerializer(read_only=True)
    pieces = EnrolmentPieceSerializer(many=True, read_only=True)

    class Meta:
        model = Enrolment
        fields = [
            "id",
            "child",
            "child_name",
            "household",
            "household_name",
            "service",
            "service_name",
            "school_year",
            "school_year_name",
            "start",
            "end",
            "week",
            "recurrence",
            "anchor",
            "status",
            "reason",
            "requested_at",
            "decided_at",
            "ended_on",
            "pieces",
        ]
        read_only_fields = fields

    def get_child_name(self, enrolment: Enrolment) -> str:
        return f"{enrolment.child.first_name} {enrolment.child.last_name}"


class BookingSerializer(api.ModelSerializer):
    child_name = serializers.SerializerMethodField()
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    late_price = serializers.ChoiceField(
        choices=CutoffRule.LatePrice.choices,
        allow_blank=True,
        read_only=True,
        help_text="the late rule applied to the change that made it (empty: on time)",
    )

    class Meta:
        model = Booking
        fields = [
            "id",
            "child",
            "child_name",
            "household",
            "service",
            "unit",
            "unit_code",
            "date",
            "state",
            "source",
            "late_price",
            "late_amount",
            "enrolment",
            "created",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "late_amount": {"help_text": "the fixed price or surcharge of that rule, if it has one"},
        }

    def get_child_name(self, booking: Booking) -> str:
        return f"{booking.child.first_name} {booking.child.last_name}"


class EnrolmentRequirementSerializer(api.ModelSerializer):
    document_type_name = serializers.CharField(source="document_type.name", read_only=True)

    class Meta:
        model = EnrolmentRequirement
        fields = ["id", "service", "document_type", "document_type_name", "position"]
        read_only_fields = fields


class EnrolmentDecisionSerializer(api.Serializer):
    accept = serializers.BooleanField()
    reason = api.MultilineCharField(
        required=False, allow_blank=True, default="", max_length=1000, help_text="required to refuse"
    )


class RefusedDaySerializer(api.Serializer):
    date = serializers.DateField(source="request.date")
    reason = serializers.ChoiceField(choices=[(reason.value, reason.name) for reason in Reason])
    message = serializers.CharField()
    detail = serializers.CharField()


class EnrolmentDecidedSerializer(api.Serializer):
    enrolment = EnrolmentSerializer()
    booked = BookingSerializer(many=True, help_text="the bookings the typical week made")
    full_days = serializers.ListField(child=serializers.DateField(), help_text="days not booked: no place left")
    refused_days = RefusedDaySerializer(many=True, help_text="every day not booked, and why (full ones too)")


class EnrolmentFilters(Filters):
    status = serializers.ChoiceField(choices=Decision.choices, required=False)
    service = api.IdField(required=False, source="service_id", help_text="id of a service")
    child = api.IdField(required=False, source="child_id", help_text="id of a child")


class BookingFilters(Filters):
    child = api.IdField(required=False, source="child_id", help_text="id of a child")
    service = api.IdField(required=False, source="service_id", help_text="id of a service")
    enrolment = api.IdField(required=False, source="enrolment_id", help_text="id of an enrolment: its bookings")
    start = serializers.DateField(required=False, source="date__gte", help_text="from this day (YYYY-MM-DD)")
    end = serializers.DateField(required=False, source="date__lte", help_text="to this day included (YYYY-MM-DD)")
    state = serializers.ChoiceField(choices=Booking.State.choices, required=False)


class RequirementFilters(Filters):
    service = api.IdField(required=False, source="service_id", help_text="id of a service: what it asks for")


# --- The planning and the basket ------------------------------------------------------------------------------


def _amount(**kwargs) -> api.DecimalField:
    return api.DecimalField(max_digits=10, decimal_places=2, **kwargs)


class PlanningQuerySerializer(api.Serializer):
    start = serializers.DateField(help_text="YYYY-MM-DD")
    end = serializers.DateField(help_text=f"YYYY-MM-DD, at most {PLANNING_DAYS - 1} days after start")

    def validate(self, attrs: dict) -> dict:
        if not within_reach(attrs["start"], timezone.localdate()):
            raise serializers.ValidationError({"start": _("Choisissez une date à moins de cinq ans d'aujourd'hui.")})
        if attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"end": _("La fin doit suivre le début.")})
        if (attrs["end"] - attrs["start"]).days >= PLANNING_DAYS:
            raise serializers.ValidationError({"end": _("%(n)s jours au plus par demande.") % {"n": PLANNING_DAYS}})
        return attrs


class HouseholdPlanningQuerySerializer(PlanningQuerySerializer):
    child = serializers.ListField(
        child=api.IdField(),
        required=False,
        max_length=20,
        help_text="ids of the household's children (repeated: ?child=1&child=2); none: every child",
    )


class PlanningUnitSerializer(api.Serializer):
    """A child's unit of a service on a day, its state in words and in a symbol."""

    unit = serializers.IntegerField(source="unit.pk")
    code = serializers.CharField(source="unit.code")
    name = serializers.CharField(source="unit.name")
    state = serializers.ChoiceField(choices=[(state.value, state.name) for state in PlanningState])
    state_label = serializers.CharField(source="label")
    symbol = serializers.CharField()
    booked = serializers.BooleanField(help_text="the household holds it (booked, requested, held, cancellation asked)")
    wanted = serializers.BooleanField(help_text="as the basket would leave it (else as booked)")
    changeable = serializers.BooleanField(help_text="a change online is allowed now")
    reason = serializers.CharField(help_text="why it is not changeable, or what a change costs late")
    late = serializers.BooleanField(help_text="a change now is late: the rule's late price applies")
    in_basket = serializers.BooleanField(help_text="the basket changes it")


class PlanningDaySerializer(api.Serializer):
    child = serializers.IntegerField(source="child.pk")
    service = serializers.IntegerField(source="service.pk")
    service_name = serializers.CharField(source="service.name")
    date = serializers.DateField()
    open = serializers.BooleanField()
    closed_reason = serializers.CharField(help_text="why the service does not run that day (holiday, closure…)")
    units = PlanningUnitSerializer(source="cells", many=True)
    price = serializers.SerializerMethodField(help_text="what the units booked cost that day, on time")

    @extend_schema_field(_amount(allow_null=True))
    def get_price(self, day) -> str | None:
        codes = [cell.unit.code for cell in day.cells if cell.booked]
        household = self.context["household"]
        if not codes:
            return None
        try:
            total = price_day(day.service, day.date, codes, qf=household.qf, resident=household.resident).total
        except PricingRefused:
            return None
        return f"{total:.2f}"


class MonthCostSerializer(api.Serializer):
    child = serializers.IntegerField(source="child.pk")
    month = serializers.DateField(help_text="its first day")
    total = _amount(help_text="Coût de la période: the month's booked days so far, late prices included")
    days = serializers.IntegerField(help_text="days booked")


class PlanningSerializer(api.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    days = PlanningDaySerializer(many=True, help_text="each child's day of each service it is enrolled in")
    costs = MonthCostSerializer(many=True, help_text="each child's cost of each month the range touches")
    total = _amount(help_text="the costs' sum")


class RecapLineSerializer(api.Serializer):
    """A day of the basket: its units before and after, what it costs, or why it will be refused online."""

    id = serializers.IntegerField(source="line.pk")
    child = serializers.IntegerField(source="child.pk")
    child_name = serializers.SerializerMethodField()
    service = serializers.IntegerField(source="service.pk")
    service_name = serializers.CharField(source="service.name")
    date = serializers.DateField()
    before = serializers.ListField(child=serializers.CharField(), help_text="unit codes booked now")
    after = serializers.ListField(child=serializers.CharField(), help_text="unit codes once validated")
    price = _amount(help_text="the day as it will be, on time")
    late_price = _amount(allow_null=True, help_text="the day as it will be with the late price, if late")
    booked_price = _amount(help_text="the day as it is booked now")
    total = _amount(help_text="what the change adds to the bill (negative: takes from it)")
    refusal = serializers.CharField(help_text="why validation will refuse it online (empty: it will apply)")

    def get_child_name(self, line) -> str:
        return f"{line.child.first_name} {line.child.last_name}"


class BasketSerializer(api.Serializer):
    lines = RecapLineSerializer(many=True)
    total = _amount(help_text="what the basket adds to the bill")


class BasketDaySerializer(api.Serializer):
    """The units wanted for a child and a service on a day (none: cancel the day); as booked: the day leaves
    the basket."""

    child = api.IdField(help_text="id of one of the household's children")
    service = api.IdField(help_text="id of a service the child has an enrolment in")
    date = serializers.DateField(help_text="a day of that enrolment (YYYY-MM-DD)")
    units = serializers.ListField(
        child=serializers.RegexField(UNIT_CODE, max_length=40),
        max_length=20,
        allow_empty=True,
        help_text="codes of the service's units wanted that day (empty: none)",
    )


class BasketRefusalSerializer(api.Serializer):
    child = serializers.IntegerField(source="line.child_id")
    service = serializers.IntegerField(source="line.service_id")
    date = serializers.DateField(source="line.date")
    units = serializers.ListField(source="line.units", child=serializers.CharField())
    reason = serializers.ChoiceField(choices=[(reason.value, reason.name) for reason in Reason])
    message = serializers.CharField()
    detail = serializers.CharField()


class BasketValidationSerializer(api.Serializer):
    all_or_none = serializers.BooleanField(
        required=False,
        default=False,
        help_text="the last places for several children: if any day is refused, apply nothing and keep the basket",
    )


class BasketValidatedSerializer(api.Serializer):
    booked = BookingSerializer(many=True, help_text="the bookings made")
    cancelled = BookingSerializer(many=True, help_text="the bookings cancelled")
    refused = BasketRefusalSerializer(many=True, help_text="the days not applied, and why")
    to_pay = _amount(help_text="services paid at booking: what to pay now for the places held")
    held_until = serializers.DateTimeField(
        allow_null=True, help_text="when the places held are released unless paid (none held: null)"
    )
    undone = serializers.BooleanField(help_text="all or none was asked and a day refused: nothing was applied")


class WaitingEntrySerializer(api.ModelSerializer):
    """A child waiting for a unit of a full day: its rank in line, or the place offered and until when."""

    unit_code = serializers.CharField(source="unit.code", read_only=True)
    rank = serializers.SerializerMethodField(help_text="1 = next served; null once offered or closed")

    class Meta:
        model = WaitingListEntry
        fields = ["id", "child", "service", "unit", "unit_code", "date", "state", "rank", "offered_until", "booking"]
        read_only_fields = fields

    def get_rank(self, entry: WaitingListEntry) -> int | None:
        return self.context.get("ranks", {}).get(entry.pk)


class WaitingJoinSerializer(api.Serializer):
    child = api.IdField(help_text="id of one of the household's children")
    service = api.IdField(help_text="id of a service with a waiting list the child is enrolled in")
    date = serializers.DateField(help_text="the full day (YYYY-MM-DD)")
    units = serializers.ListField(
        child=serializers.RegexField(UNIT_CODE, max_length=40),
        min_length=1,
        max_length=20,
        help_text="codes of the full units to wait for",
    )
