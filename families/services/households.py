"""Households: what a family declares (itself, its QF, its address, its documents) and what the mairie decides."""

from dataclasses import asdict
from typing import IO

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import user_invite
from audit.services import audit_record
from core.roles import Capability, Role, can
from families.models import ChangeRequest, Child, Decision, Guardian, Household
from families.notifications import notify_decision, notify_document_refused
from families.selectors import child_key, household_key, household_of_document
from families.services.common import (
    Address,
    QfDeclaration,
    ensure_acts_for,
    iso,
    journal_counter,
    lock_household,
    parse_date,
)
from storage.models import Document, DocumentType
from storage.services import document_review, document_upload


def household_create(
    *, user: User, name: str, address: Address, first_name: str, last_name: str, phone: str
) -> Household:
    """A parent declares their household; the mairie validates it before any booking."""
    if not can(user, Capability.FAMILY_SPACE):
        raise ValidationError(_("Seul un parent déclare son foyer."))
    guardian = Guardian.objects.filter(user=user).select_related("household").first()
    if guardian is not None:
        if guardian.household.status != Decision.REFUSED:
            raise ValidationError(_("Votre compte est déjà rattaché à un foyer."))
        return _household_declare_again(guardian, name, address, phone)
    with transaction.atomic():
        household = Household(name=name, address=address.address, postcode=address.postcode, city=address.city)
        household.resident = False  # the mairie checks it
        household.full_clean()
        household.save()
        guardian = Guardian(
            household=household, user=user, first_name=first_name, last_name=last_name, phone=phone, email=user.email
        )
        guardian.full_clean()
        guardian.save()
        _request_create(household=household, kind=ChangeRequest.Kind.HOUSEHOLD, payload=asdict(address), user=user)
    return household


def _household_declare_again(guardian: Guardian, name: str, address: Address, phone: str) -> Household:
    """After a refusal, the family corrects its declaration and sends it again."""
    with transaction.atomic():
        household = lock_household(guardian.household)
        household.name, household.address, household.postcode, household.city = (
            name,
            address.address,
            address.postcode,
            address.city,
        )
        household.status = Decision.PENDING
        household.full_clean()
        household.save(update_fields=["name", "address", "postcode", "city", "status"])
        guardian.phone = phone
        guardian.save(update_fields=["phone"])
        _request_create(
            household=household, kind=ChangeRequest.Kind.HOUSEHOLD, payload=asdict(address), user=guardian.user
        )
    return household


def _request_create(*, household: Household, kind: ChangeRequest.Kind, user: User, **fields) -> ChangeRequest:
    """A new request; one pending of each kind (household, QF, address), checked under the household's lock."""
    lock_household(household)
    if kind != ChangeRequest.Kind.CHILD and household.requests.filter(kind=kind, status=Decision.PENDING).exists():
        raise ValidationError(_("Une demande de ce type attend déjà la mairie : attendez sa réponse."))
    try:
        with transaction.atomic():
            return ChangeRequest.objects.create(household=household, kind=kind, created_by=user, **fields)
    except IntegrityError as exc:  # the constraint behind the lock, for writers that skip it
        raise ValidationError(_("Une demande de ce type attend déjà la mairie : attendez sa réponse.")) from exc


def qf_change_request(
    *, actor: User, household: Household, declaration: QfDeclaration, proof: IO[bytes], proof_name: str
) -> ChangeRequest:
    """A new QF applies once the mairie has checked its proof."""
    ensure_acts_for(actor, household)
    with translation.override("fr"):  # the type is named in French in the database, whatever the page's language
        document_type, _created = DocumentType.objects.get_or_create(
            name=_("Justificatif de quotient familial"), defaults={"validity_months": 12}
        )
    with transaction.atomic():
        if household.requests.filter(kind=ChangeRequest.Kind.QF, status=Decision.PENDING).exists():
            raise ValidationError(_("Une demande de ce type attend déjà la mairie : attendez sa réponse."))
        document = document_upload(
            upload=proof,
            client_name=proof_name,
            owner=household_key(household),
            uploaded_by=actor,
            document_type=document_type,
        )
        payload = {
            **asdict(declaration),
            "valid_from": iso(declaration.valid_from),
            "valid_to": iso(declaration.valid_to),
        }
        change = _request_create(
            household=household, kind=ChangeRequest.Kind.QF, payload=payload, proof=document, user=actor
        )
        journal_counter(actor=actor, action="families.qf_request", target=change, household=household, changes=payload)
    return change


def address_change_request(*, actor: User, household: Household, address: Address) -> ChangeRequest:
    ensure_acts_for(actor, household)
    with transaction.atomic():
        change = _request_create(
            household=household, kind=ChangeRequest.Kind.RESIDENCE, payload=asdict(address), user=actor
        )
        journal_counter(
            actor=actor, action="families.address_request", target=change, household=household, changes=asdict(address)
        )
    return change


def household_document_upload(
    *, actor: User, household: Household, upload: IO[bytes], name: str, document_type, child: Child | None
) -> Document:
    """A document sent to the mairie from the household's document space (about one of its children or not)."""
    ensure_acts_for(actor, household)
    with transaction.atomic():
        document = document_upload(
            upload=upload,
            client_name=name,
            owner=household_key(household),
            uploaded_by=actor,
            document_type=document_type,
            subject=child_key(child) if child else "",
        )
        journal_counter(
            actor=actor,
            action="families.document_upload",
            target=document,
            household=household,
            changes={"document": document.original_name, "type": document_type},
        )
    return document


def household_document_review(*, document: Document, actor: User, accepted: bool, reason: str = "") -> Document:
    """Staff accept or refuse a document a family sent on its own; a refusal tells the family why."""
    with transaction.atomic():
        document = document_review(document=document, actor=actor, accepted=accepted, reason=reason)
        household = household_of_document(document)
        if not accepted and household:
            notify_document_refused(document, household)
    return document


def request_decide(*, request: ChangeRequest, actor: User, accept: bool, reason: str = "") -> ChangeRequest:
    """Validate or refuse a request: applied to the household at once, journaled, and e-mailed to the family."""
    if not can(actor, Capability.FAMILIES_REVIEW):
        raise ValidationError(_("Seule la mairie décide des demandes des familles."))
    if not accept and not reason.strip():
        raise ValidationError({"reason": _("Indiquez le motif du refus : la famille le lira.")})
    with transaction.atomic():
        request = (
            ChangeRequest.objects.select_for_update(of=("self",))
            .select_related("household", "child")
            .get(pk=request.pk)
        )
        if request.status != Decision.PENDING:
            raise ValidationError(_("Cette demande a déjà été traitée."))
        request.status = Decision.VALIDATED if accept else Decision.REFUSED
        request.reason = "" if accept else reason.strip()
        request.decided, request.decided_by = timezone.now(), actor
        request.save(update_fields=["status", "reason", "decided", "decided_by"])
        _apply(request, accept)
        if request.proof and request.proof.review == Document.Review.PENDING:
            document_review(document=request.proof, actor=actor, accepted=accept, reason=request.reason)
        audit_record(
            actor=actor,
            action="families.decide",
            target=request,
            changes={"status": request.status, "reason": request.reason},
            context=request.household,
        )
        notify_decision(request)
    return request


def _apply(request: ChangeRequest, accept: bool) -> None:
    household, payload, kind = request.household, request.payload, ChangeRequest.Kind
    if request.kind == kind.HOUSEHOLD:
        household.status = Decision.VALIDATED if accept else Decision.REFUSED
        household.resident = accept and payload.get("resident", False)
        household.save(update_fields=["status", "resident"])
    elif request.kind == kind.CHILD:
        request.child.status = Decision.VALIDATED if accept else Decision.REFUSED
        request.child.save(update_fields=["status"])
    elif accept and request.kind == kind.QF:
        household.qf, household.qf_source = payload["qf"], payload["source"]
        household.qf_valid_from = parse_date(payload.get("valid_from"))
        household.qf_valid_to = parse_date(payload.get("valid_to"))
        household.save(update_fields=["qf", "qf_source", "qf_valid_from", "qf_valid_to"])
    elif accept and request.kind == kind.RESIDENCE:
        for field in ("address", "postcode", "city", "resident"):
            setattr(household, field, payload[field])
        household.save(update_fields=["address", "postcode", "city", "resident"])


def household_create_at_counter(
    *, actor: User, name: str, address: Address, first_name: str, last_name: str, email: str, phone: str
) -> Household:
    """The mairie opens a family's account at the counter: the household is validated at once and the
    parent is e-mailed a single-use link to choose a password."""
    if not can(actor, Capability.FAMILIES_REVIEW):
        raise ValidationError(_("Seule la mairie ouvre un compte au guichet."))
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("Un compte existe déjà avec cette adresse.")})
    with transaction.atomic():
        parent = user_invite(email=email, role=Role.PARENT, first_name=first_name, last_name=last_name)
        household = household_create(
            user=parent, name=name, address=address, first_name=first_name, last_name=last_name, phone=phone
        )
        request_decide(request=household.requests.get(), actor=actor, accept=True)
        household.refresh_from_db()
    return household


def counter_start(*, actor: User, household: Household) -> None:
    """An agent starts acting for a family at the counter; what they then change is journaled one by one."""
    if not can(actor, Capability.FAMILIES_REVIEW):
        raise ValidationError(_("Seule la mairie agit pour une famille au guichet."))
    audit_record(actor=actor, action="families.counter_start", target=household)
