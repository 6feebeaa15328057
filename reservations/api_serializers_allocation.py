"""Serializers of the allocation by draw in the reservations API: the windows a household asks in, its
requests and their outcome, the staff's run."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalog.models import BookingWindow
from core import api
from core.ids import BIGINT_MAX
from reservations.allocation_selectors import window_days
from reservations.models import AllocationRequest, AllocationRun
from reservations.serializers import UNIT_CODE

Priority = BookingWindow.Priority


class AllocationRequestSerializer(api.ModelSerializer):
    """A child's units asked for on a day of a window; once allocated, its rank that day and why."""

    child_name = serializers.SerializerMethodField()

    class Meta:
        model = AllocationRequest
        fields = ["id", "window", "child", "child_name", "date", "units", "state", "rank", "explanation", "created_at"]
        read_only_fields = fields
        extra_kwargs = {
            "rank": {"help_text": "the order it was served in that day (null until the run)"},
            "explanation": {"help_text": "why: the criteria met, the lottery's number, the outcome"},
        }

    def get_child_name(self, request: AllocationRequest) -> str:
        return f"{request.child.first_name} {request.child.last_name}"


class PrioritySerializer(api.Serializer):
    code = serializers.ChoiceField(choices=Priority.choices)
    label = serializers.CharField()


class WindowUnitSerializer(api.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class AllocationWindowSerializer(api.ModelSerializer):
    """A window whose places are allocated after the requests: its days, until when it takes requests,
    its priorities in order, and the household's requests (context `requests`: window id → requests)."""

    service_name = serializers.CharField(source="service.name", read_only=True)
    days = serializers.SerializerMethodField(help_text="the days that may be asked for (the service's weekdays)")
    units = WindowUnitSerializer(source="service.units.all", many=True, read_only=True)
    priorities = serializers.SerializerMethodField(help_text="the commune's criteria, in the order they apply")
    open = serializers.SerializerMethodField(help_text="requests are taken now")
    requests = serializers.SerializerMethodField(help_text="the household's requests in this window")

    class Meta:
        model = BookingWindow
        fields = [
            "id",
            "service",
            "service_name",
            "first_day",
            "last_day",
            "days",
            "units",
            "requests_until",
            "priorities",
            "allocated_at",
            "open",
            "requests",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.DateField()))
    def get_days(self, window: BookingWindow) -> list[str]:
        return [day.isoformat() for day in window_days(window)]

    @extend_schema_field(PrioritySerializer(many=True))
    def get_priorities(self, window: BookingWindow) -> list[dict]:
        return [{"code": p, "label": Priority(p).label} for p in window.priorities]

    def get_open(self, window: BookingWindow) -> bool:
        until = window.requests_until
        return window.allocated_at is None and until is not None and self.context["now"] < until

    @extend_schema_field(AllocationRequestSerializer(many=True))
    def get_requests(self, window: BookingWindow) -> list[dict]:
        return AllocationRequestSerializer(self.context["requests"].get(window.pk, []), many=True).data


class AllocationAskSerializer(api.Serializer):
    child = api.IdField(help_text="id of one of the household's children, enrolled in the window's service")
    date = serializers.DateField(help_text="a day of the window (YYYY-MM-DD)")
    units = serializers.ListField(
        child=serializers.RegexField(UNIT_CODE, max_length=40),
        min_length=1,
        max_length=20,
        help_text="codes of the service's units asked for",
    )


class AllocationRunOptionsSerializer(api.Serializer):
    seed = api.IntegerField(
        required=False,
        min_value=0,
        max_value=BIGINT_MAX,
        help_text="the lottery's seed (the same seed over the same requests, the same order); none: drawn",
    )


class AllocationRunDaySerializer(api.Serializer):
    date = serializers.DateField()
    requests = serializers.IntegerField()
    allocated = serializers.IntegerField()


class AllocationRunSerializer(api.ModelSerializer):
    days = AllocationRunDaySerializer(source="summary.days", many=True, read_only=True)

    class Meta:
        model = AllocationRun
        fields = ["id", "window", "seed", "run_at", "days"]
        read_only_fields = fields
