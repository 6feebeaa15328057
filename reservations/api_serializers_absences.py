"""Serializers of absences in the reservations API: the service's reasons, a household's absences, the
report (JSON, or multipart with the justificatif), the justificatif added later, the mairie's decision."""

from rest_framework import serializers

from catalog.api import Filters
from catalog.models import AbsenceReason
from core import api
from reservations.models import Absence, Booking


class AbsenceReasonSerializer(api.ModelSerializer):
    class Meta:
        model = AbsenceReason
        fields = ["id", "service", "label", "needs_proof", "position"]
        read_only_fields = fields
        extra_kwargs = {
            "needs_proof": {"help_text": "a justificatif is required, when reporting or within the service's days"}
        }


class AbsenceReasonFilters(Filters):
    service = api.IdField(required=False, source="service_id", help_text="id of a service: its reasons only")


class CoveredDaySerializer(api.ModelSerializer):
    """A booking the absence covers (it stays booked: the absence says how it is billed)."""

    unit_code = serializers.CharField(source="unit.code", read_only=True)

    class Meta:
        model = Booking
        fields = ["id", "date", "unit", "unit_code", "state"]
        read_only_fields = fields


class AbsenceSerializer(api.ModelSerializer):
    child_name = serializers.SerializerMethodField()
    service_name = serializers.CharField(source="service.name", read_only=True)
    reason_label = serializers.CharField(source="reason.label", read_only=True)
    proof_name = serializers.CharField(source="proof.original_name", read_only=True, allow_null=True, default=None)
    bookings = CoveredDaySerializer(many=True, read_only=True)

    class Meta:
        model = Absence
        fields = [
            "id",
            "child",
            "child_name",
            "household",
            "service",
            "service_name",
            "reason",
            "reason_label",
            "first_day",
            "last_day",
            "note",
            "proof",
            "proof_name",
            "proof_due",
            "state",
            "decision_note",
            "reported_at",
            "decided_at",
            "bookings",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "proof": {"help_text": "id of the justificatif in the household's documents (null: none yet)"},
            "proof_due": {"help_text": "the last day to add the justificatif the reason needs (null: none expected)"},
            "decision_note": {"help_text": "the mairie's reason, when not justified"},
        }

    def get_child_name(self, absence: Absence) -> str:
        return f"{absence.child.first_name} {absence.child.last_name}"


class AbsenceReportSerializer(api.Serializer):
    """A JSON body: the justificatif may follow (`absences/{id}/proof`)."""

    child = api.IdField(help_text="id of one of the household's children")
    service = api.IdField(help_text="id of a service the child is booked at")
    reason = api.IdField(help_text="id of one of that service's absence reasons (`absence-reasons`)")
    first_day = serializers.DateField(help_text="YYYY-MM-DD")
    last_day = serializers.DateField(required=False, help_text="YYYY-MM-DD (default: first_day, one day)")
    note = api.MultilineCharField(required=False, allow_blank=True, default="", max_length=1000)

    def validate(self, attrs: dict) -> dict:
        attrs.setdefault("last_day", attrs["first_day"])  # the service checks the range
        return attrs


class AbsenceReportFormSerializer(AbsenceReportSerializer):
    """A multipart body: the same fields, and the justificatif."""

    proof = serializers.FileField(required=False, allow_empty_file=True, help_text="a PDF, JPEG or PNG")


class AbsenceProofSerializer(api.Serializer):
    proof = serializers.FileField(allow_empty_file=True, help_text="a PDF, JPEG or PNG")


class AbsenceDecisionSerializer(api.Serializer):
    justified = serializers.BooleanField(help_text="justified: not billed, but for the service's waiting days")
    note = api.MultilineCharField(
        required=False, allow_blank=True, default="", max_length=300, help_text="required when not justified"
    )
