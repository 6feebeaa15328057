"""Families API: a parent's own household, children, pick-ups, requests, dossiers and documents; staff decisions."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import ApplicationError
from core.roles import Role
from families import services
from families.models import ChangeRequest, Child, Decision, Dossier, Household, PickupPerson
from families.selectors import (
    documents_of_household,
    dossier_with_items,
    get_child_for,
    household_key,
    household_of,
    open_school_years,
)
from storage.models import Document, DocumentType
from storage.services import document_upload


class IsParent(BasePermission):
    def has_permission(self, request, view) -> bool:
        return request.user.is_authenticated and request.user.role == Role.PARENT


def application_error(exc: ValidationError) -> ApplicationError:
    fields = exc.message_dict if hasattr(exc, "error_dict") else {}
    return ApplicationError("invalid", " ".join(exc.messages), fields=fields)


def _household(request: Request):
    household = household_of(request.user)
    if household is None:
        raise ApplicationError("no_household", _("Déclarez d'abord votre foyer."))
    return household


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


class HouseholdView(APIView):
    """The signed-in parent's household: read it, or declare it (the mairie then validates it)."""

    permission_classes = [IsParent]

    @extend_schema(responses=HouseholdSerializer)
    def get(self, request: Request) -> Response:
        return Response(HouseholdSerializer(_household(request)).data)

    @extend_schema(request=HouseholdCreateSerializer, responses={201: HouseholdSerializer})
    def post(self, request: Request) -> Response:
        data = HouseholdCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        address = services.Address(values["address"], values["postcode"], values["city"], values["resident"])
        try:
            household = services.household_create(
                user=request.user,
                name=values["name"],
                address=address,
                first_name=values["first_name"],
                last_name=values["last_name"],
                phone=values["phone"],
            )
        except ValidationError as exc:
            raise application_error(exc) from exc
        return Response(HouseholdSerializer(household).data, status=status.HTTP_201_CREATED)


class PickupSerializer(serializers.ModelSerializer):
    class Meta:
        model = PickupPerson
        fields = ["id", "name", "phone", "relationship"]


class ChildSerializer(serializers.ModelSerializer):
    pickup_persons = PickupSerializer(many=True, read_only=True)

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


class ChildListView(generics.ListCreateAPIView):
    """The household's children; a new child waits for the mairie's validation."""

    permission_classes = [IsParent]
    serializer_class = ChildSerializer

    def get_queryset(self):
        return _household(self.request).children.prefetch_related("pickup_persons")

    def perform_create(self, serializer):
        child = Child(**serializer.validated_data)
        try:
            serializer.instance = services.child_add(
                user=self.request.user, household=_household(self.request), child=child
            )
        except ValidationError as exc:
            raise application_error(exc) from exc


class ChildUpdateSerializer(ChildSerializer):
    class Meta(ChildSerializer.Meta):
        # A child's identity is corrected by the mairie, not by the family.
        read_only_fields = ["status", "first_name", "last_name", "birth_date"]


class ChildDetailView(generics.RetrieveUpdateAPIView):
    permission_classes = [IsParent]
    serializer_class = ChildUpdateSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self) -> Child:
        return get_child_for(user=self.request.user, pk=self.kwargs["pk"])

    def perform_update(self, serializer):
        child = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(child, name, value)
        services.child_update(child=child, fields=list(serializer.validated_data))


class PickupListView(generics.ListCreateAPIView):
    permission_classes = [IsParent]
    serializer_class = PickupSerializer

    def get_queryset(self):
        return get_child_for(user=self.request.user, pk=self.kwargs["child_id"]).pickup_persons.all()

    def create(self, request: Request, *args, **kwargs) -> Response:
        get_child_for(user=request.user, pk=self.kwargs["child_id"])  # someone else's child: 404 before anything
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
        child = get_child_for(user=self.request.user, pk=self.kwargs["child_id"])
        try:
            serializer.instance = services.pickup_add(child=child, **serializer.validated_data)
        except ValidationError as exc:
            raise application_error(exc) from exc


class PickupDetailView(generics.DestroyAPIView):
    permission_classes = [IsParent]
    serializer_class = PickupSerializer

    def get_object(self) -> PickupPerson:
        return get_object_or_404(PickupPerson, pk=self.kwargs["pk"], child__household=_household(self.request))

    def perform_destroy(self, instance):
        services.pickup_remove(person=instance)


class RequestSerializer(serializers.ModelSerializer):
    child = serializers.StringRelatedField()
    household = serializers.StringRelatedField()

    class Meta:
        model = ChangeRequest
        fields = ["id", "kind", "household", "child", "payload", "proof", "status", "reason", "created", "decided"]


class RequestListView(generics.ListAPIView):
    """The household's requests and where they stand (pending, validated, refused with a reason)."""

    permission_classes = [IsParent]
    serializer_class = RequestSerializer

    def get_queryset(self):
        return _household(self.request).requests.select_related("child", "household")


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


class DossierListView(generics.ListAPIView):
    """Each child's dossiers by school year, piece by piece."""

    permission_classes = [IsParent]
    serializer_class = DossierSerializer

    def get_queryset(self):
        return (
            Dossier.objects.filter(child__household=_household(self.request))
            .select_related("school_year")
            .prefetch_related("items__requirement")
        )


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


class DocumentListView(APIView):
    """The household's document space: list, or upload a PDF, JPEG or PNG (multipart, field `file`)."""

    permission_classes = [IsParent]
    parser_classes = [MultiPartParser]

    @extend_schema(responses=DocumentSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(DocumentSerializer(documents_of_household(_household(request)), many=True).data)

    @extend_schema(request=DocumentUploadSerializer, responses={201: DocumentSerializer})
    def post(self, request: Request) -> Response:
        data = DocumentUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload, child_id = data.validated_data["file"], data.validated_data.get("child")
        child = get_child_for(user=request.user, pk=child_id) if child_id else None
        try:
            document = document_upload(
                upload=upload,
                client_name=upload.name,
                owner=household_key(_household(request)),
                uploaded_by=request.user,
                document_type=data.validated_data.get("document_type"),
                subject=f"families.child:{child.pk}" if child else "",
            )
        except ValidationError as exc:
            raise ApplicationError(exc.code or "invalid_file", " ".join(exc.messages), {"file": exc.messages}) from exc
        return Response(DocumentSerializer(document).data, status=status.HTTP_201_CREATED)


class QfRequestSerializer(serializers.Serializer):
    qf = serializers.IntegerField(min_value=0, max_value=99999)
    source = serializers.ChoiceField(choices=Household.QfSource.choices)
    valid_from = serializers.DateField()
    valid_to = serializers.DateField(required=False, allow_null=True)
    proof = serializers.FileField()


class QfRequestView(APIView):
    """Send a new QF with its proof (multipart); it applies once the mairie validates it."""

    permission_classes = [IsParent]
    parser_classes = [MultiPartParser]

    @extend_schema(request=QfRequestSerializer, responses={201: RequestSerializer})
    def post(self, request: Request) -> Response:
        data = QfRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        declaration = services.QfDeclaration(
            values["qf"], values["source"], values["valid_from"], values.get("valid_to")
        )
        try:
            change = services.qf_change_request(
                user=request.user,
                household=_household(request),
                declaration=declaration,
                proof=values["proof"],
                proof_name=values["proof"].name,
            )
        except ValidationError as exc:
            raise application_error(exc) from exc
        return Response(RequestSerializer(change).data, status=status.HTTP_201_CREATED)


class AddressRequestSerializer(serializers.Serializer):
    address = serializers.CharField(max_length=250)
    postcode = serializers.RegexField(r"^\d{5}$")
    city = serializers.CharField(max_length=100)
    resident = serializers.BooleanField()


class AddressRequestView(APIView):
    permission_classes = [IsParent]

    @extend_schema(request=AddressRequestSerializer, responses={201: RequestSerializer})
    def post(self, request: Request) -> Response:
        data = AddressRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            change = services.address_change_request(
                user=request.user, household=_household(request), address=services.Address(**data.validated_data)
            )
        except ValidationError as exc:
            raise application_error(exc) from exc
        return Response(RequestSerializer(change).data, status=status.HTTP_201_CREATED)


class GuardianInviteSerializer(serializers.Serializer):
    first_name = serializers.CharField(max_length=100)
    last_name = serializers.CharField(max_length=100)
    email = serializers.EmailField()
    phone = serializers.CharField(max_length=20)
    with_account = serializers.BooleanField(default=True)


class GuardianInviteView(APIView):
    """Invite the second legal guardian, who gets their own account on the household."""

    permission_classes = [IsParent]

    @extend_schema(request=GuardianInviteSerializer, responses={201: GuardianSerializer})
    def post(self, request: Request) -> Response:
        data = GuardianInviteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            guardian = services.guardian_invite(household=_household(request), **data.validated_data)
        except ValidationError as exc:
            raise application_error(exc) from exc
        return Response(GuardianSerializer(guardian).data, status=status.HTTP_201_CREATED)


class DossierOpenSerializer(serializers.Serializer):
    school_year = serializers.IntegerField()


class DossierOpenView(APIView):
    """Start (or find) a child's dossier for a school year still open."""

    permission_classes = [IsParent]

    @extend_schema(request=DossierOpenSerializer, responses={201: DossierSerializer})
    def post(self, request: Request, child_id: int) -> Response:
        child = get_child_for(user=request.user, pk=child_id)
        data = DossierOpenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        year = get_object_or_404(open_school_years(timezone.localdate()), pk=data.validated_data["school_year"])
        try:
            dossier = services.dossier_open(child=child, school_year=year)
        except ValidationError as exc:
            raise application_error(exc) from exc
        return Response(DossierSerializer(dossier_with_items(dossier)).data, status=status.HTTP_201_CREATED)


def _own_dossier(request: Request, pk: int) -> Dossier:
    return dossier_with_items(get_object_or_404(Dossier, pk=pk, child__household=_household(request)))


class DossierItemFillSerializer(serializers.Serializer):
    file = serializers.FileField(required=False)
    answer = serializers.BooleanField(required=False, allow_null=True)


class DossierItemView(APIView):
    """Give one piece of a dossier: a file (multipart `file`) or an answer (`answer`: true/false)."""

    permission_classes = [IsParent]

    @extend_schema(request=DossierItemFillSerializer, responses=DossierSerializer)
    def post(self, request: Request, pk: int, item_id: int) -> Response:
        dossier = _own_dossier(request, pk)
        item = get_object_or_404(dossier.items, pk=item_id)
        data = DossierItemFillSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data.get("file")
        uploads = {item.pk: (upload, upload.name)} if upload else {}
        answers = {item.pk: data.validated_data["answer"]} if "answer" in data.validated_data else {}
        try:
            services.dossier_fill(dossier=dossier, user=request.user, answers=answers, uploads=uploads)
        except ValidationError as exc:
            raise application_error(exc) from exc
        return Response(DossierSerializer(dossier_with_items(dossier)).data)


class DossierSubmitView(APIView):
    permission_classes = [IsParent]

    @extend_schema(request=None, responses=DossierSerializer)
    def post(self, request: Request, pk: int) -> Response:
        dossier = _own_dossier(request, pk)
        try:
            services.dossier_submit(dossier=dossier, user=request.user)
        except ValidationError as exc:
            raise application_error(exc) from exc
        return Response(DossierSerializer(dossier_with_items(dossier)).data)
