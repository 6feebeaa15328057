"""Families API for parents: their own household, children, pick-ups, requests, dossiers and documents.

A service's refusal (a Django ValidationError) leaves through core.errors' handler as a 422 `rule`.
"""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core import api
from core.access import api_permission
from core.errors import FILE_CODES, ApplicationError, ErrorCode
from core.roles import Capability
from families import services
from families.models import ChangeRequest, Child, Decision, Dossier
from families.selectors import (
    FamilyActor,
    documents_of_household,
    dossier_with_items,
    get_child_for,
    get_dossier_for,
    get_dossier_item_for,
    get_open_year_for,
    get_pickup_for,
    household_of,
)
from families.serializers import (
    AddressRequestSerializer,
    ChangeRequestSerializer,
    ChildSerializer,
    ChildUpdateSerializer,
    DocumentSerializer,
    DocumentUploadSerializer,
    DossierItemAnswerSerializer,
    DossierItemFillSerializer,
    DossierOpenSerializer,
    DossierSerializer,
    GuardianInviteSerializer,
    GuardianSerializer,
    HouseholdCreateSerializer,
    HouseholdSerializer,
    PickupSerializer,
    QfRequestSerializer,
)

IsParent = api_permission(Capability.FAMILY_SPACE)


def family_actor(request: Request) -> FamilyActor:
    household = household_of(request.user)
    if household is None:
        raise ApplicationError(ErrorCode.NO_HOUSEHOLD, _("Déclarez d'abord votre foyer."))
    return FamilyActor(user=request.user, household=household)


def named_in_body(field: str, selector, *args):
    """A record an id of the body names, through its selector: none within the actor's reach is the body's
    fault (422, on that field), not the path's (404), as everywhere in the API."""
    try:
        return selector(*args)
    except Http404 as exc:
        message = _("Aucun enregistrement de votre espace ne porte cet identifiant.")
        raise ApplicationError(ErrorCode.RULE, message, {field: [message]}) from exc


class HouseholdView(APIView):
    """The signed-in parent's household: read it, or declare it (the mairie then validates it)."""

    permission_classes = [IsParent]
    error_statuses = (409,)

    @extend_schema(responses=HouseholdSerializer)
    def get(self, request: Request) -> Response:
        return Response(HouseholdSerializer(family_actor(request).household).data)

    @extend_schema(request=HouseholdCreateSerializer, responses={201: HouseholdSerializer})
    def post(self, request: Request) -> Response:
        data = HouseholdCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        address = services.Address(values["address"], values["postcode"], values["city"], values["resident"])
        household = services.household_create(
            user=request.user,
            name=values["name"],
            address=address,
            first_name=values["first_name"],
            last_name=values["last_name"],
            phone=values["phone"],
        )
        return Response(HouseholdSerializer(household).data, status=status.HTTP_201_CREATED)


class FamilyAPIMixin:
    # A parent's view: serializers learn the household (a shared child shows only its pick-ups). A comment:
    # drf-spectacular would show a docstring as the description of every operation without its own.

    permission_classes = [IsParent]
    error_statuses = (409,)  # no household declared yet

    @property
    def actor(self) -> FamilyActor:
        if not hasattr(self, "_actor"):
            self._actor = family_actor(self.request)
        return self._actor

    def get_serializer_context(self) -> dict:
        return {**super().get_serializer_context(), "household": self.actor.household}


class ChildListView(FamilyAPIMixin, generics.ListCreateAPIView):
    """The household's children; a new child waits for the mairie's validation."""

    serializer_class = ChildSerializer

    def get_queryset(self):
        return self.actor.household.children.all()

    def perform_create(self, serializer):
        child = Child(**serializer.validated_data)
        serializer.instance = services.child_add(actor=self.request.user, household=self.actor.household, child=child)


class ChildDetailView(FamilyAPIMixin, generics.RetrieveUpdateAPIView):
    serializer_class = ChildUpdateSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self) -> Child:
        return get_child_for(self.actor, self.kwargs["pk"])

    def perform_update(self, serializer):
        child = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(child, name, value)
        services.child_update(
            actor=self.request.user,
            household=self.actor.household,
            child=child,
            fields=list(serializer.validated_data),
        )


class PickupListView(FamilyAPIMixin, generics.ListCreateAPIView):
    """The household's own pick-up persons for one of its children."""

    serializer_class = PickupSerializer

    def get_queryset(self):
        child = get_child_for(self.actor, self.kwargs["child_id"])
        return child.pickup_persons.filter(household=self.actor.household)

    def create(self, request: Request, *args, **kwargs) -> Response:
        get_child_for(self.actor, self.kwargs["child_id"])  # someone else's child: 404 before anything
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
        child = get_child_for(self.actor, self.kwargs["child_id"])
        serializer.instance = services.pickup_add(
            actor=self.request.user, household=self.actor.household, child=child, **serializer.validated_data
        )


class PickupDetailView(FamilyAPIMixin, generics.DestroyAPIView):
    serializer_class = PickupSerializer

    def get_object(self):
        return get_pickup_for(self.actor, self.kwargs["pk"])

    def perform_destroy(self, instance):
        services.pickup_remove(actor=self.request.user, person=instance)


class RequestFilters(api.Filters):
    kind = serializers.ChoiceField(choices=ChangeRequest.Kind.choices, required=False)
    status = serializers.ChoiceField(choices=Decision.choices, required=False)


class RequestListView(FamilyAPIMixin, generics.ListAPIView):
    """The household's requests and where they stand (pending, validated, refused with a reason)."""

    serializer_class = ChangeRequestSerializer
    filter_serializer_class = RequestFilters

    def get_queryset(self):
        return self.actor.household.requests.select_related("child", "household")


class DossierListView(FamilyAPIMixin, generics.ListAPIView):
    """Each child's dossiers by school year, piece by piece (a shared child's dossier is the same for both)."""

    serializer_class = DossierSerializer

    def get_queryset(self):
        return (
            Dossier.objects.filter(child__households=self.actor.household)
            .select_related("school_year")
            .prefetch_related("items__requirement")
        )


class DocumentListView(FamilyAPIMixin, generics.ListAPIView):
    """The household's document space: list, or upload a PDF, JPEG or PNG (multipart, field `file`)."""

    serializer_class = DocumentSerializer
    parser_classes = [MultiPartParser]

    def get_queryset(self):
        return documents_of_household(self.actor.household)

    @extend_schema(request=DocumentUploadSerializer, responses={201: DocumentSerializer})
    def post(self, request: Request) -> Response:
        data = DocumentUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload, child_id = data.validated_data["file"], data.validated_data.get("child")
        child = named_in_body("child", get_child_for, self.actor, child_id) if child_id else None
        try:
            document = services.household_document_upload(
                actor=request.user,
                household=self.actor.household,
                upload=upload,
                name=upload.name,
                document_type=data.validated_data.get("document_type"),
                child=child,
            )
        except ValidationError as exc:
            # storage.inspection says why it refused the file: its code is one of ours.
            code = exc.code if exc.code in FILE_CODES else ErrorCode.INVALID_FILE
            raise ApplicationError(code, " ".join(exc.messages), {"file": exc.messages}) from exc
        return Response(DocumentSerializer(document).data, status=status.HTTP_201_CREATED)


class QfRequestView(FamilyAPIMixin, APIView):
    """Send a new QF with its proof (multipart); it applies once the mairie validates it."""

    parser_classes = [MultiPartParser]

    @extend_schema(request=QfRequestSerializer, responses={201: ChangeRequestSerializer})
    def post(self, request: Request) -> Response:
        data = QfRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        declaration = services.QfDeclaration(
            values["qf"], values["source"], values["valid_from"], values.get("valid_to")
        )
        change = services.qf_change_request(
            actor=request.user,
            household=self.actor.household,
            declaration=declaration,
            proof=values["proof"],
            proof_name=values["proof"].name,
        )
        return Response(ChangeRequestSerializer(change).data, status=status.HTTP_201_CREATED)


class AddressRequestView(FamilyAPIMixin, APIView):
    @extend_schema(request=AddressRequestSerializer, responses={201: ChangeRequestSerializer})
    def post(self, request: Request) -> Response:
        data = AddressRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        change = services.address_change_request(
            actor=request.user, household=self.actor.household, address=services.Address(**data.validated_data)
        )
        return Response(ChangeRequestSerializer(change).data, status=status.HTTP_201_CREATED)


class GuardianInviteView(FamilyAPIMixin, APIView):
    """Invite the second legal guardian, who gets their own account on the household."""

    @extend_schema(request=GuardianInviteSerializer, responses={201: GuardianSerializer})
    def post(self, request: Request) -> Response:
        data = GuardianInviteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        guardian = services.guardian_invite(actor=request.user, household=self.actor.household, **data.validated_data)
        return Response(GuardianSerializer(guardian).data, status=status.HTTP_201_CREATED)


class DossierOpenView(FamilyAPIMixin, APIView):
    """Start (or find) a child's dossier for a school year still open."""

    @extend_schema(request=DossierOpenSerializer, responses={201: DossierSerializer})
    def post(self, request: Request, child_id: int) -> Response:
        child = get_child_for(self.actor, child_id)
        data = DossierOpenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        year = named_in_body(
            "school_year", get_open_year_for, self.actor, data.validated_data["school_year"], timezone.localdate()
        )
        dossier = services.dossier_open(
            actor=request.user, household=self.actor.household, child=child, school_year=year
        )
        return Response(DossierSerializer(dossier_with_items(dossier)).data, status=status.HTTP_201_CREATED)


class DossierItemView(FamilyAPIMixin, APIView):
    """Give one piece of a dossier: a file (multipart `file`) or an answer (JSON `answer`: true/false)."""

    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(
        request={"application/json": DossierItemAnswerSerializer, "multipart/form-data": DossierItemFillSerializer},
        responses=DossierSerializer,
    )
    def post(self, request: Request, pk: int, item_id: int) -> Response:
        dossier = get_dossier_for(self.actor, pk)
        item = get_dossier_item_for(self.actor, dossier, item_id)
        as_json = request.content_type.startswith("application/json")
        data = (DossierItemAnswerSerializer if as_json else DossierItemFillSerializer)(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data.get("file")
        uploads = {item.pk: (upload, upload.name)} if upload else {}
        answers = {item.pk: data.validated_data["answer"]} if "answer" in data.validated_data else {}
        services.dossier_fill(
            actor=request.user, household=self.actor.household, dossier=dossier, answers=answers, uploads=uploads
        )
        return Response(DossierSerializer(dossier_with_items(dossier)).data)


class DossierSubmitView(FamilyAPIMixin, APIView):
    @extend_schema(request=None, responses=DossierSerializer)
    def post(self, request: Request, pk: int) -> Response:
        dossier = get_dossier_for(self.actor, pk)
        services.dossier_submit(actor=request.user, household=self.actor.household, dossier=dossier)
        return Response(DossierSerializer(dossier_with_items(dossier)).data)
