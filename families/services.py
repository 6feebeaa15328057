"""Writes on households: what a family declares, and what the mairie decides."""

from dataclasses import asdict, dataclass
from datetime import date
from typing import IO

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import user_invite
from audit.services import audit_record
from catalog.models import SchoolYear
from core.queue import delay_on_commit
from core.roles import Role
from core.tasks import send_email
from families.models import (
    ChangeRequest,
    Child,
    Decision,
    Dossier,
    DossierItem,
    DossierRequirement,
    Guardian,
    Household,
    PickupPerson,
)
from families.selectors import child_key, household_key
from families.tasks import send_decision_email, send_dossier_email
from storage.models import Document, DocumentType
from storage.services import document_review, document_upload


@dataclass(frozen=True)
class Address:
    address: str
    postcode: str
    city: str
    resident: bool


@dataclass(frozen=True)
class QfDeclaration:
    qf: int
    source: str
    valid_from: date | None
    valid_to: date | None


def household_create(
    *, user: User, name: str, address: Address, first_name: str, last_name: str, phone: str
) -> Household:
    """A parent declares their household; the mairie validates it before any booking."""
    if user.role != Role.PARENT:
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
        ChangeRequest.objects.create(
            household=household, kind=ChangeRequest.Kind.HOUSEHOLD, payload=asdict(address), created_by=user
        )
    return household


def _household_declare_again(guardian: Guardian, name: str, address: Address, phone: str) -> Household:
    """After a refusal, the family corrects its declaration and sends it again."""
    household = guardian.household
    with transaction.atomic():
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
        ChangeRequest.objects.create(
            household=household, kind=ChangeRequest.Kind.HOUSEHOLD, payload=asdict(address), created_by=guardian.user
        )
    return household


def child_add(*, user: User, household: Household, child: Child) -> Child:
    child.household, child.status = household, Decision.PENDING
    child.full_clean()
    with transaction.atomic():
        child.save()
        ChangeRequest.objects.create(household=household, kind=ChangeRequest.Kind.CHILD, child=child, created_by=user)
    return child


def child_update(*, child: Child, fields: list[str]) -> Child:
    """Health information and school are the family's to keep up to date; no validation needed."""
    child.full_clean()
    child.save(update_fields=fields or None)
    return child


def pickup_add(*, child: Child, name: str, phone: str, relationship: str) -> PickupPerson:
    person = PickupPerson(child=child, name=name, phone=phone, relationship=relationship)
    person.full_clean()
    person.save()
    return person


def pickup_remove(*, person: PickupPerson) -> None:
    person.delete()


def qf_change_request(
    *, user: User, household: Household, declaration: QfDeclaration, proof: IO[bytes], proof_name: str
) -> ChangeRequest:
    """A new QF applies once the mairie has checked its proof."""
    _refuse_if_pending(household, ChangeRequest.Kind.QF)
    with translation.override("fr"):  # the type is named in French in the database, whatever the page's language
        document_type, _created = DocumentType.objects.get_or_create(
            name=_("Justificatif de quotient familial"), defaults={"validity_months": 12}
        )
    with transaction.atomic():
        document = document_upload(
            upload=proof,
            client_name=proof_name,
            owner=household_key(household),
            uploaded_by=user,
            document_type=document_type,
        )
        payload = {
            **asdict(declaration),
            "valid_from": _iso(declaration.valid_from),
            "valid_to": _iso(declaration.valid_to),
        }
        return ChangeRequest.objects.create(
            household=household, kind=ChangeRequest.Kind.QF, payload=payload, proof=document, created_by=user
        )


def address_change_request(*, user: User, household: Household, address: Address) -> ChangeRequest:
    _refuse_if_pending(household, ChangeRequest.Kind.RESIDENCE)
    return ChangeRequest.objects.create(
        household=household, kind=ChangeRequest.Kind.RESIDENCE, payload=asdict(address), created_by=user
    )


def _refuse_if_pending(household: Household, kind: ChangeRequest.Kind) -> None:
    # Two pending changes of the same thing would let the older one overwrite the newer.
    if household.requests.filter(kind=kind, status=Decision.PENDING).exists():
        raise ValidationError(_("Une demande de ce type attend déjà la mairie : attendez sa réponse."))


def request_decide(*, request: ChangeRequest, actor: User, accept: bool, reason: str = "") -> ChangeRequest:
    """Validate or refuse a request: applied to the household at once, journaled, and e-mailed to the family."""
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
        delay_on_commit(send_decision_email, request_id=request.pk)
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
        household.qf_valid_from = _date(payload.get("valid_from"))
        household.qf_valid_to = _date(payload.get("valid_to"))
        household.save(update_fields=["qf", "qf_source", "qf_valid_from", "qf_valid_to"])
    elif accept and request.kind == kind.RESIDENCE:
        for field in ("address", "postcode", "city", "resident"):
            setattr(household, field, payload[field])
        household.save(update_fields=["address", "postcode", "city", "resident"])


def guardian_invite(
    *, household: Household, first_name: str, last_name: str, email: str, phone: str, with_account: bool = True
) -> Guardian:
    """The first guardian records the second; with an account, they are invited to the same household."""
    if household.guardians.count() >= 2:
        raise ValidationError(_("Un foyer compte au plus deux responsables légaux."))
    if with_account and User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("Un compte existe déjà avec cette adresse : contactez la mairie.")})
    with transaction.atomic():
        user = (
            user_invite(email=email, role=Role.PARENT, first_name=first_name, last_name=last_name)
            if with_account
            else None
        )
        guardian = Guardian(
            household=household, user=user, first_name=first_name, last_name=last_name, phone=phone, email=email.lower()
        )
        guardian.full_clean()
        guardian.save()
    return guardian


def guardian_update_contact(*, guardian: Guardian, first_name: str, last_name: str, phone: str) -> Guardian:
    """A guardian keeps their contact details up to date; their e-mail address is changed only by staff."""
    guardian.first_name, guardian.last_name, guardian.phone = first_name, last_name, phone
    guardian.full_clean()
    guardian.save(update_fields=["first_name", "last_name", "phone"])
    return guardian


def guardian_change_email(*, guardian: Guardian, actor: User, email: str) -> Guardian:
    """An administrator changes a guardian's e-mail (and login); journaled, and the old address is told."""
    if actor.role != Role.ADMINISTRATOR:
        raise ValidationError(_("Seul un administrateur de la commune change une adresse de connexion."))
    if User.objects.filter(email__iexact=email).exclude(pk=guardian.user_id).exists():
        raise ValidationError({"email": _("Un compte existe déjà avec cette adresse.")})
    previous = guardian.email
    with transaction.atomic():
        guardian.email = email.lower()
        guardian.save(update_fields=["email"])
        if guardian.user:
            guardian.user.email = guardian.email
            guardian.user.save(update_fields=["email"])
            guardian.user.emailaddress_set.update(email=guardian.email, verified=True)
        if previous and previous != guardian.email:
            # The old address hears of it: a change it did not ask for is a warning sign.
            delay_on_commit(
                send_email,
                subject=_("Votre adresse de connexion au Portail Famille a changé"),
                body=_(
                    "Bonjour,\n\nLa mairie a remplacé votre adresse e-mail de connexion par %(new)s.\n"
                    "Si vous ne l'avez pas demandé, contactez la mairie au plus vite."
                )
                % {"new": guardian.email},
                to=[previous],
            )
        audit_record(
            actor=actor,
            action="families.email",
            target=guardian,
            changes={"from": previous, "to": guardian.email},
            context=guardian.household,
        )
    return guardian


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def dossier_open(*, child: Child, school_year: SchoolYear) -> Dossier:
    """The child's dossier for the year, with one item per piece asked; a renewal keeps what is still valid."""
    if child.status == Decision.REFUSED:
        raise ValidationError(_("La mairie a refusé l'inscription de cet enfant : contactez-la."))
    with transaction.atomic():
        dossier, created = Dossier.objects.get_or_create(child=child, school_year=school_year)
        if dossier.status not in (Dossier.Status.DRAFT, Dossier.Status.REFUSED):
            return dossier  # under review or validated: a piece asked since then waits for next year
        existing = set(dossier.items.values_list("requirement_id", flat=True))
        missing = [r for r in DossierRequirement.objects.filter(active=True) if r.pk not in existing]
        previous = _previous_items(child, school_year) if created else {}
        DossierItem.objects.bulk_create(
            [_renewed_item(dossier, requirement, previous.get(requirement.pk)) for requirement in missing]
        )
    return dossier


def _previous_items(child: Child, school_year: SchoolYear) -> dict[int, DossierItem]:
    last = (
        Dossier.objects.filter(child=child, school_year__start__lt=school_year.start)
        .order_by("-school_year__start")
        .first()
    )
    return {item.requirement_id: item for item in last.items.select_related("document")} if last else {}


def _renewed_item(dossier: Dossier, requirement: DossierRequirement, previous: DossierItem | None) -> DossierItem:
    item = DossierItem(dossier=dossier, requirement=requirement)
    if previous is None or requirement.kind == DossierRequirement.Kind.ACCEPTANCE:
        return item  # the règlement intérieur is accepted again every year
    document = previous.document
    still_valid = document is not None and (
        document.expires_on is None or document.expires_on > dossier.school_year.start
    )
    if requirement.kind == DossierRequirement.Kind.DOCUMENT and still_valid and previous.review == Decision.VALIDATED:
        item.document, item.review = document, Decision.VALIDATED
    elif requirement.kind == DossierRequirement.Kind.AUTHORISATION:
        item.answer = previous.answer
    return item


def dossier_fill(
    *, dossier: Dossier, user: User, answers: dict[int, bool | None], uploads: dict[int, tuple[IO[bytes], str]]
) -> Dossier:
    """Save what the family gave; a piece changed after a refusal goes back to the mairie's review.

    All or nothing: if one upload is refused, the files already stored for this call are removed.
    """
    stored: list[Document] = []
    try:
        with transaction.atomic():
            dossier = _lock_editable(dossier)
            items = {item.pk: item for item in dossier.items.select_related("requirement")}
            for item_id, (upload, name) in uploads.items():
                item = items[item_id]
                item.document = document_upload(
                    upload=upload,
                    client_name=name,
                    owner=household_key(dossier.child.household),
                    uploaded_by=user,
                    document_type=item.requirement.document_type,
                    subject=child_key(dossier.child),
                )
                stored.append(item.document)
                item.review, item.reason = Decision.PENDING, ""
                item.save(update_fields=["document", "review", "reason"])
            for item_id, answer in answers.items():
                item = items[item_id]
                if item.answer != answer:
                    item.answer, item.review, item.reason = answer, Decision.PENDING, ""
                    item.save(update_fields=["answer", "review", "reason"])
    except Exception:
        for document in stored:
            default_storage.delete(document.file.name)
        raise
    return dossier


def _lock_editable(dossier: Dossier) -> Dossier:
    dossier = Dossier.objects.select_for_update().select_related("child__household").get(pk=dossier.pk)
    if dossier.status not in (Dossier.Status.DRAFT, Dossier.Status.REFUSED):
        raise ValidationError(_("Ce dossier est en cours d'examen ou validé : il ne se modifie plus."))
    return dossier


def dossier_submit(*, dossier: Dossier, user: User) -> Dossier:
    with transaction.atomic():
        dossier = _lock_editable(dossier)
        asked = dossier.items.select_related("requirement").filter(requirement__active=True)
        missing = [str(item) for item in asked if not item.filled]
        if missing:
            raise ValidationError(_("Il manque : %(missing)s.") % {"missing": ", ".join(missing)})
        dossier.status, dossier.submitted = Dossier.Status.SUBMITTED, timezone.now()
        dossier.save(update_fields=["status", "submitted"])
    return dossier


def dossier_review(*, dossier: Dossier, actor: User, decisions: dict[int, tuple[bool, str]]) -> Dossier:
    """The mairie accepts or refuses each piece; one refusal sends the dossier back to the family."""
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
        if dossier.status != Dossier.Status.SUBMITTED:
            raise ValidationError(_("Ce dossier n'attend pas d'examen."))
        for item in dossier.items.select_related("document", "requirement"):
            if item.pk not in decisions:
                continue
            accept, reason = decisions[item.pk]
            if accept and not item.filled and item.requirement.active:
                raise ValidationError(
                    _("« %(piece)s » n'a pas été fourni : il ne peut pas être accepté.") % {"piece": item}
                )
            if not accept and not reason.strip():
                raise ValidationError(_("Indiquez le motif de chaque pièce refusée : la famille le lira."))
            item.review = Decision.VALIDATED if accept else Decision.REFUSED
            item.reason = "" if accept else reason.strip()
            item.save(update_fields=["review", "reason"])
            if item.document and item.document.review == Document.Review.PENDING:
                document_review(document=item.document, actor=actor, accepted=accept, reason=item.reason)
        reviews = set(dossier.items.values_list("review", flat=True))
        if Decision.PENDING in reviews:
            raise ValidationError(_("Chaque pièce doit être acceptée ou refusée."))
        dossier.status = Dossier.Status.VALIDATED if reviews == {Decision.VALIDATED} else Dossier.Status.REFUSED
        dossier.decided = timezone.now()
        dossier.save(update_fields=["status", "decided"])
        audit_record(
            actor=actor,
            action="families.dossier",
            target=dossier,
            changes={"status": dossier.status},
            context=dossier.child.household,
        )
        delay_on_commit(send_dossier_email, dossier_id=dossier.pk)
    return dossier


def requirement_save(*, requirement: DossierRequirement, actor: User, changed: list[str]) -> DossierRequirement:
    """New pieces appear in dossiers as they are opened; a piece no longer asked is kept for past dossiers."""
    with transaction.atomic():
        requirement.full_clean()
        requirement.save()
        audit_record(
            actor=actor,
            action="families.requirement",
            target=requirement,
            changes={f: getattr(requirement, f, None) for f in changed},
        )
    return requirement


def household_create_at_counter(
    *, actor: User, name: str, address: Address, first_name: str, last_name: str, email: str, phone: str
) -> Household:
    """The mairie opens a family's account at the counter: the household is validated at once and the
    parent is e-mailed a single-use link to choose a password."""
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
