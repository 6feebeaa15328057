"""Serializers shared by the families API of parents and of staff."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from families.models import ChangeRequest, Child, Decision, Household, PickupPerson
from families.selectors import pickups_of
from storage.models import Document, DocumentType


class GuardianSerializer(serializers.Serializer):
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.EmailField()
    has_account = serializers.BooleanField(source="user_id")


class HouseholdSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=150)
    address = serializers.CharField(max_length=250)
    postcode = serializers.RegexField(r"^\d{5}$")
    city = serializers.CharField(max_length=100)
    resident = serializers.BooleanField()
    qf = serializers.IntegerField(read_only=True, allow_null=True)
    qf_valid_to = serializers.DateField(read_only=True, allow_null=True)
    status = serializers.ChoiceField(choices=Decision.choices, read_only=True)
    guardians = GuardianSerializer(many=True, read_only=True)


class HouseholdCreateSerializer(HouseholdSerializer):
    first_name = serializers.CharField(max_length=100, write_only=True)
    last_name = serializers.CharField(max_length=100, write_only=True)
    phone = serializers.CharField(max_length=20, write_only=True)


class PickupSerializer(serializers.ModelSerializer):
    class Meta:
        model = PickupPerson
        fields = ["id", "name", "phone", "relationship"]


class ChildSerializer(serializers.ModelSerializer):
    # The household's own pick-up persons: a shared child's other household keeps its list to itself.
    pickup_persons = serializers.SerializerMethodField()

    class Meta:
        model = Child
        fields = [
            "id",
            "first_name",
            "last_name",
            "birth_date",
            "school",
            "school_class",
            "allergies",
            "has_pai",
            "diet",
            "health_notes",
            "status",
            "pickup_persons",
        ]
        read_only_fields = ["status"]

    @extend_schema_field(PickupSerializer(many=True))
    def get_pickup_persons(self, child: Child) -> list[dict]:
        return PickupSerializer(pickups_of(child=child, household=self.context["household"]), many=True).data


class ChildUpdateSerializer(ChildSerializer):
    class Meta(ChildSerializer.Meta):
        # A child's identity is corrected by the mairie, not by the family.
        read_only_fields = ["status", "first_name", "last_name", "birth_date"]


class RequestSerializer(serializers.ModelSerializer):
    child = serializers.StringRelatedField()
    household = serializers.StringRelatedField()

    class Meta:
        model = ChangeRequest
        fields = ["id", "kind", "household", "child", "payload", "proof", "status", "reason", "created", "decided"]


class DossierItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField(source="requirement.label")
    kind = serializers.CharField(source="requirement.kind")
    document = serializers.UUIDField(source="document_id", allow_null=True)
    answer = serializers.BooleanField(allow_null=True)
    review = serializers.CharField()
    reason = serializers.CharField()


class DossierSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    child = serializers.IntegerField(source="child_id")
    school_year = serializers.CharField(source="school_year.name")
    status = serializers.CharField()
    submitted = serializers.DateTimeField(allow_null=True)
    items = DossierItemSerializer(many=True)


class DocumentSerializer(serializers.ModelSerializer):
    document_type = serializers.StringRelatedField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "id",
            "original_name",
            "document_type",
            "content_type",
            "size",
            "uploaded_at",
            "review",
            "refusal_reason",
            "expires_on",
            "download_url",
        ]

    def get_download_url(self, document: Document) -> str:
        return reverse("storage:download", args=[document.pk])


class DocumentUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    document_type = serializers.PrimaryKeyRelatedField(queryset=DocumentType.objects.all(), required=False)
    child = serializers.IntegerField(required=False, help_text="id of one of the household's children")


class QfRequestSerializer(serializers.Serializer):
    qf = serializers.IntegerField(min_value=0, max_value=99999)
    source = serializers.ChoiceField(choices=Household.QfSource.choices)
    valid_from = serializers.DateField()
    valid_to = serializers.DateField(required=False, allow_null=True)
    proof = serializers.FileField()


class AddressRequestSerializer(serializers.Serializer):
    address = serializers.CharField(max_length=250)
    postcode = serializers.RegexField(r"^\d{5}$")
    city = serializers.CharField(max_length=100)
    resident = serializers.BooleanField()


class GuardianInviteSerializer(serializers.Serializer):
    first_name = serializers.CharField(max_length=100)
    last_name = serializers.CharField(max_length=100)
    email = serializers.EmailField()
    phone = serializers.CharField(max_length=20)
    with_account = serializers.BooleanField(default=True)


class DossierOpenSerializer(serializers.Serializer):
    school_year = serializers.IntegerField()


class DossierItemFillSerializer(serializers.Serializer):
    file = serializers.FileField(required=False)
    answer = serializers.BooleanField(required=False, allow_null=True)
