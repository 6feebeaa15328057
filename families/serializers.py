"""Serializers shared by the families API of parents and of staff (core.api's: strict input, clean text)."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core import api
from families.models import PHONE, ChangeRequest, Child, Decision, Household, PickupPerson
from families.selectors import pickups_of
from storage.models import Document, DocumentType

POSTCODE = r"^[0-9]{5}$"


class GuardianSerializer(api.Serializer):
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.EmailField()
    has_account = serializers.SerializerMethodField()

    def get_has_account(self, guardian) -> bool:
        return guardian.user_id is not None


class HouseholdSerializer(api.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = api.CharField(max_length=150)
    address = api.CharField(max_length=250)
    postcode = serializers.RegexField(POSTCODE)
    city = api.CharField(max_length=100)
    resident = serializers.BooleanField()
    qf = serializers.IntegerField(read_only=True, allow_null=True)
    qf_valid_to = serializers.DateField(read_only=True, allow_null=True)
    status = serializers.ChoiceField(choices=Decision.choices, read_only=True)
    guardians = GuardianSerializer(many=True, read_only=True)


class HouseholdCreateSerializer(HouseholdSerializer):
    first_name = api.CharField(max_length=100, write_only=True)
    last_name = api.CharField(max_length=100, write_only=True)
    phone = api.CharField(max_length=20, validators=[PHONE], write_only=True)


class PickupSerializer(api.ModelSerializer):
    class Meta:
        model = PickupPerson
        fields = ["id", "name", "phone", "relationship"]


class ChildSerializer(api.ModelSerializer):
    # The household's own pick-up persons: a shared child's other household keeps its list to itself.
    pickup_persons = serializers.SerializerMethodField()

    class Meta:
        model = Child
        fields = ["id", *Child.DECLARED_FIELDS, "status", "pickup_persons"]
        read_only_fields = ["status"]

    @extend_schema_field(PickupSerializer(many=True))
    def get_pickup_persons(self, child: Child) -> list[dict]:
        return PickupSerializer(pickups_of(child=child, household=self.context["household"]), many=True).data


class ChildUpdateSerializer(ChildSerializer):
    class Meta(ChildSerializer.Meta):
        # A child's identity is corrected by the mairie, not by the family.
        read_only_fields = ["status", "first_name", "last_name", "birth_date"]


class ChangeRequestSerializer(api.ModelSerializer):
    # A QF or address change is about no child: null then.
    child = serializers.StringRelatedField(allow_null=True)
    household = serializers.StringRelatedField()

    class Meta:
        model = ChangeRequest
        fields = ["id", "kind", "household", "child", "payload", "proof", "status", "reason", "created", "decided"]
        read_only_fields = fields


class DossierItemSerializer(api.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField(source="requirement.label")
    kind = serializers.CharField(source="requirement.kind")
    document = serializers.UUIDField(source="document_id", allow_null=True)
    answer = serializers.BooleanField(allow_null=True)
    review = serializers.CharField()
    reason = serializers.CharField()


class DossierSerializer(api.Serializer):
    id = serializers.IntegerField()
    child = serializers.IntegerField(source="child_id")
    school_year = serializers.CharField(source="school_year.name")
    status = serializers.CharField()
    submitted = serializers.DateTimeField(allow_null=True)
    items = DossierItemSerializer(many=True)


class DocumentSerializer(api.ModelSerializer):
    document_type = serializers.StringRelatedField(allow_null=True)
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


class DocumentUploadSerializer(api.Serializer):
    # An empty file is storage.inspection's to refuse (422 `empty`), as any file it reads.
    file = serializers.FileField(allow_empty_file=True)
    document_type = serializers.PrimaryKeyRelatedField(queryset=DocumentType.objects.all(), required=False)
    child = api.IdField(required=False, help_text="id of one of the household's children")


class QfRequestSerializer(api.Serializer):
    qf = api.IntegerField(min_value=0, max_value=99999)
    source = serializers.ChoiceField(choices=Household.QfSource.choices)
    valid_from = serializers.DateField()
    # A form's field: absent for no end date (a multipart body has no null to send).
    valid_to = serializers.DateField(required=False)
    proof = serializers.FileField(allow_empty_file=True)


class AddressRequestSerializer(api.Serializer):
    address = api.CharField(max_length=250)
    postcode = serializers.RegexField(POSTCODE)
    city = api.CharField(max_length=100)
    resident = serializers.BooleanField()


class GuardianInviteSerializer(api.Serializer):
    first_name = api.CharField(max_length=100)
    last_name = api.CharField(max_length=100)
    email = serializers.EmailField()
    phone = api.CharField(max_length=20, validators=[PHONE])
    with_account = serializers.BooleanField(default=True)


class DossierOpenSerializer(api.Serializer):
    school_year = api.IdField()


class DossierItemAnswerSerializer(api.Serializer):
    """A JSON body: the answer to an authorisation or an acceptance (null: no answer)."""

    answer = serializers.BooleanField(allow_null=True)


class DossierItemFillSerializer(api.Serializer):
    """A multipart body: the file of a document piece (and an answer, if any; "null": no answer)."""

    file = serializers.FileField(required=False, allow_empty_file=True)
    answer = serializers.BooleanField(required=False, allow_null=True)
