"""Absences: a family reports its child absent from booked days with a reason of the service's, adds the
justificatif then or within the service's days, and the mairie decides whether it is justified.

The bookings stay booked (the place was kept): an absence says how they are billed — a justified one is
not, but for the service's waiting days (jours de carence) — and what the registers show."""

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record
from catalog.models import AbsenceReason, Service
from core.access import require_capability
from core.roles import Capability
from families.models import Child, Household
from families.services import household_document_upload
from families.services.common import ensure_acts_for, journal_counter
from reservations.models import Absence, Booking
from reservations.notifications import notify_absence_decision
from reservations.services.enrolments import Upload
from storage.models import Document
from storage.services import document_review


def absence_report(
    *,
    actor: User,
    household: Household,
    child: Child,
    service: Service,
    reason: AbsenceReason,
    first_day: date,
    last_day: date,
    note: str = "",
    proof: Upload | None = None,
    today: date | None = None,
) -> Absence:
    """Report the child absent from the household's booked days of the service from `first_day` to
    `last_day`; the justificatif now, or later where the reason needs one."""
    ensure_acts_for(actor, household)
    today = today or timezone.localdate()
    _check_report(household, child, service, reason, first_day, last_day, today)
    with transaction.atomic():
        covered = list(
            Booking.objects.select_for_update()
            .filter(
                household=household,
                child=child,
                service=service,
                date__range=(first_day, last_day),
                state__in=Booking.HOLDING,
            )
            .exclude(state=Booking.State.OFFERED)  # a place offered and not yet accepted is not the child's
            .order_by("date", "pk")
        )
        if not covered:
            raise ValidationError(
                _("%(child)s n'a aucun jour réservé à « %(service)s » du %(first)s au %(last)s : rien à signaler.")
                % {"child": child.first_name, "service": service, "first": _day(first_day), "last": _day(last_day)}
            )
        if taken := sorted({b.date for b in covered if b.absence_id}):
            raise ValidationError(
                _("Une absence est déjà signalée pour : %(days)s.") % {"days": ", ".join(map(_day, taken))}
            )
        document = _proof_upload(actor, household, child, proof) if proof else None
        absence = Absence.objects.create(
            child=child,
            household=household,
            service=service,
            reason=reason,
            first_day=first_day,
            last_day=last_day,
            note=note.strip(),
            proof=document,
            proof_due=today + timedelta(days=service.absence_proof_days) if reason.needs_proof and not proof else None,
            reported_by=actor,
        )
        Booking.objects.filter(pk__in=[b.pk for b in covered]).update(absence=absence)
        journal_counter(
            actor=actor,
            action="reservations.absence",
            target=absence,
            household=household,
            changes={"first_day": first_day.isoformat(), "last_day": last_day.isoformat(), "reason": reason.label},
        )
    return absence


def _check_report(household, child, service, reason, first_day: date, last_day: date, today: date) -> None:
    if not child.households.filter(pk=household.pk).exists():
        raise ValidationError({"child": _("Cet enfant n'est pas de votre foyer.")})
    if reason.service_id != service.pk:
        raise ValidationError({"reason": _("Choisissez un motif du service « %(service)s ».") % {"service": service}})
    if last_day < first_day:
        raise ValidationError({"last_day": _("Le dernier jour d'absence ne peut précéder le premier.")})
    earliest = today - timedelta(days=service.absence_proof_days)
    if first_day < earliest:
        raise ValidationError(
            {
                "first_day": _(
                    "Une absence se signale au plus tard %(n)s jours après : à partir du %(day)s. "
                    "Pour un jour plus ancien, contactez le service."
                )
                % {"n": service.absence_proof_days, "day": _day(earliest)}
            }
        )


def absence_add_proof(
    *, actor: User, household: Household, absence: Absence, proof: Upload, today: date | None = None
) -> Absence:
    """The justificatif added after reporting: while the mairie has not decided, until the day it is due."""
    ensure_acts_for(actor, household)
    today = today or timezone.localdate()
    with transaction.atomic():
        absence = _locked(absence, household=household)
        if absence.state != Absence.State.REPORTED:
            raise ValidationError(_("La mairie a déjà décidé de cette absence : le justificatif ne peut plus changer."))
        if absence.proof_id:
            raise ValidationError(_("Un justificatif est déjà joint à cette absence : la mairie va l'examiner."))
        if absence.proof_due and today > absence.proof_due:
            raise ValidationError(
                _("Le justificatif était attendu au plus tard le %(day)s : il ne peut plus être ajouté en ligne.")
                % {"day": _day(absence.proof_due)}
            )
        absence.proof = _proof_upload(actor, household, absence.child, proof)
        absence.save(update_fields=["proof"])
        journal_counter(
            actor=actor,
            action="reservations.absence_proof",
            target=absence,
            household=household,
            changes={"proof": absence.proof.original_name},
        )
    return absence


def absence_decide(
    *, actor: User, absence: Absence, justified: bool, note: str = "", now: datetime | None = None
) -> Absence:
    """Staff decide: justified (not billed, but for the waiting days) or not (billed, with the reason the
    family reads); the justificatif is reviewed with it, and the family told."""
    require_capability(actor, Capability.FAMILIES_REVIEW)
    note = note.strip()
    if not justified and not note:
        raise ValidationError({"note": _("Indiquez pourquoi l'absence n'est pas justifiée : la famille le lira.")})
    with transaction.atomic():
        absence = _locked(absence)
        if absence.state != Absence.State.REPORTED:
            raise ValidationError(_("Cette absence a déjà été décidée."))
        absence.state = Absence.State.JUSTIFIED if justified else Absence.State.UNJUSTIFIED
        absence.decision_note, absence.decided_by, absence.decided_at = note, actor, now or timezone.now()
        absence.save(update_fields=["state", "decision_note", "decided_by", "decided_at"])
        if absence.proof and absence.proof.review == Document.Review.PENDING:
            document_review(document=absence.proof, actor=actor, accepted=justified, reason=note)
        audit_record(
            actor=actor,
            action="reservations.absence_decision",
            target=absence,
            changes={"state": absence.state, "note": note},
            context=absence.household,
        )
        notify_absence_decision(absence)
    return absence


def _locked(absence: Absence, household: Household | None = None) -> Absence:
    found = Absence.objects.select_for_update(of=("self",)).select_related(
        "child", "household", "service", "reason", "proof"
    )
    if household is not None:
        found = found.filter(household=household)
    locked = found.filter(pk=absence.pk).first()
    if locked is None:
        raise PermissionDenied
    return locked


def _proof_upload(actor: User, household: Household, child: Child, proof: Upload) -> Document:
    """Kept in the household's documents about the child, as any document the family sends."""
    upload, name = proof
    return household_document_upload(
        actor=actor, household=household, upload=upload, name=name, document_type=None, child=child
    )


def _day(day: date) -> str:
    return date_format(day, "l j F Y")


def billed_bookings(absence: Absence, bookings: Iterable[Booking] | None = None) -> list[Booking]:
    """What invoicing still bills of the bookings an absence covers (`bookings`, by default its own): all
    of them while undecided or unjustified; once justified, those of its first `absence_waiting_days` booked
    days (jours de carence) only. Cancelled or refused bookings are never billed by an absence."""
    held = sorted(
        (b for b in (absence.bookings.all() if bookings is None else bookings) if b.state in Booking.HOLDING),
        key=lambda b: (b.date, b.pk),
    )
    if absence.state != Absence.State.JUSTIFIED:
        return held
    waiting_days = sorted({b.date for b in held})[: absence.service.absence_waiting_days]
    return [b for b in held if b.date in waiting_days]
