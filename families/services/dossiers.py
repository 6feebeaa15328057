"""Yearly dossiers: opened and filled by the child's households, sent, then reviewed piece by piece by the mairie."""

from typing import IO

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record
from catalog.models import SchoolYear
from core.roles import Capability, can
from families.models import Child, Decision, Dossier, DossierItem, DossierRequirement, Household
from families.notifications import notify_dossier_decision
from families.selectors import child_key, household_key
from families.services.common import ensure_acts_for, journal_counter
from storage.models import Document
from storage.services import document_review, document_upload


def dossier_open(*, actor: User, household: Household, child: Child, school_year: SchoolYear) -> Dossier:
    """The child's dossier for the year, with one item per piece asked; a renewal keeps what is still valid.

    Opening it again adds the pieces the commune asked for since."""
    ensure_acts_for(actor, household)
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
        if created:
            journal_counter(
                actor=actor, action="families.dossier_open", target=dossier, household=household, changes={}
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
    *,
    actor: User,
    household: Household,
    dossier: Dossier,
    answers: dict[int, bool | None],
    uploads: dict[int, tuple[IO[bytes], str]],
) -> Dossier:
    """Save what the family gave; a piece changed after a refusal goes back to the mairie's review.

    All or nothing: if one upload is refused, the files already stored for this call are removed.
    """
    ensure_acts_for(actor, household)
    stored: list[Document] = []
    changed: dict[str, object] = {}
    try:
        with transaction.atomic():
            dossier = _lock_editable(dossier)
            items = {item.pk: item for item in dossier.items.select_related("requirement")}
            for item_id, (upload, name) in uploads.items():
                item = items[item_id]
                item.document = document_upload(
                    upload=upload,
                    client_name=name,
                    owner=household_key(household),
                    uploaded_by=actor,
                    document_type=item.requirement.document_type,
                    subject=child_key(dossier.child),
                )
                stored.append(item.document)
                item.review, item.reason = Decision.PENDING, ""
                item.save(update_fields=["document", "review", "reason"])
                changed[str(item)] = name
            for item_id, answer in answers.items():
                item = items[item_id]
                if item.answer != answer:
                    item.answer, item.review, item.reason = answer, Decision.PENDING, ""
                    item.save(update_fields=["answer", "review", "reason"])
                    changed[str(item)] = answer
            if changed:
                journal_counter(
                    actor=actor, action="families.dossier_fill", target=dossier, household=household, changes=changed
                )
    except Exception:
        for document in stored:
            default_storage.delete(document.file.name)
        raise
    return dossier


def _lock_editable(dossier: Dossier) -> Dossier:
    dossier = Dossier.objects.select_for_update().select_related("child").get(pk=dossier.pk)
    if dossier.status not in (Dossier.Status.DRAFT, Dossier.Status.REFUSED):
        raise ValidationError(_("Ce dossier est en cours d'examen ou validé : il ne se modifie plus."))
    return dossier


def dossier_submit(*, actor: User, household: Household, dossier: Dossier) -> Dossier:
    ensure_acts_for(actor, household)
    with transaction.atomic():
        dossier = _lock_editable(dossier)
        asked = dossier.items.select_related("requirement").filter(requirement__active=True)
        missing = [str(item) for item in asked if not item.filled]
        if missing:
            raise ValidationError(_("Il manque : %(missing)s.") % {"missing": ", ".join(missing)})
        dossier.status, dossier.submitted = Dossier.Status.SUBMITTED, timezone.now()
        dossier.save(update_fields=["status", "submitted"])
        journal_counter(actor=actor, action="families.dossier_submit", target=dossier, household=household)
    return dossier


def dossier_review(*, dossier: Dossier, actor: User, decisions: dict[int, tuple[bool, str]]) -> Dossier:
    """The mairie accepts or refuses each piece; one refusal sends the dossier back to the family."""
    if not can(actor, Capability.FAMILIES_REVIEW):
        raise ValidationError(_("Seule la mairie examine les dossiers."))
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
        for household in dossier.child.households.all():
            audit_record(
                actor=actor,
                action="families.dossier",
                target=dossier,
                changes={"status": dossier.status},
                context=household,
            )
        notify_dossier_decision(dossier)
    return dossier


def requirement_save(*, requirement: DossierRequirement, actor: User, changed: list[str]) -> DossierRequirement:
    """New pieces appear in dossiers as they are opened; a piece no longer asked is kept for past dossiers."""
    if not can(actor, Capability.FAMILIES_CONFIGURE):
        raise ValidationError(_("Seul un administrateur de la commune change les pièces du dossier."))
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
