"""Absences: reported over the household's booked days of a service with a reason of its own, the
certificate given then or within the service's days, decided by the mairie (a reason when not justified),
billed by that decision but for the waiting days; the planning says it; another household's is out of reach."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from catalog.models import AbsenceReason, Service
from families.models import Decision
from families.selectors import FamilyActor, child_key, household_key
from reservations.absence_selectors import get_absence_for, get_absence_for_review
from reservations.models import Absence, Booking
from reservations.planning import State, household_planning
from reservations.services.absences import absence_add_proof, absence_decide, absence_report, billed_bookings
from reservations.tests.conftest import care_service
from reservations.tests.test_planning import MONDAY, NOW, book, cell, enrolled
from storage.models import Document
from tests.factories import ChildFactory, family, parent_of
from tests.samples import pdf_bytes

TUESDAY, WEDNESDAY, THURSDAY = (MONDAY + timedelta(days=n) for n in (1, 2, 3))


@pytest.fixture
def martin(year, care, frozen_at):
    """Léa is booked morning and evening on Monday 7, Tuesday 8 and Thursday 10 September; her brother Tom
    on Monday 7 too."""
    frozen_at(NOW)
    household = family("Famille Martin")
    for name in ("Léa", "Tom"):
        child = ChildFactory(household=household, first_name=name, status=Decision.VALIDATED)
        enrolled(child, care, household, year)
    lea, tom = household.children.order_by("first_name")
    for day in (MONDAY, TUESDAY, THURSDAY):
        book(lea, household, care, day, "matin", "soir")
    book(tom, household, care, MONDAY, "matin")
    return household


@pytest.fixture
def illness(care) -> AbsenceReason:
    return AbsenceReason.objects.create(service=care, label="Maladie (certificat médical)", needs_proof=True)


@pytest.fixture
def family_reason(care) -> AbsenceReason:
    return AbsenceReason.objects.create(service=care, label="Raison familiale", position=1)


def lea_of(household):
    return household.children.get(first_name="Léa")


def certificate():
    return io.BytesIO(pdf_bytes()), "certificat.pdf"


def report(household, reason, first=MONDAY, last=THURSDAY, today=MONDAY, child=None, service=None, **extra):
    return absence_report(
        actor=parent_of(household),
        household=household,
        child=child or lea_of(household),
        service=service or reason.service,
        reason=reason,
        first_day=first,
        last_day=last,
        today=today,
        **extra,
    )


def test_an_absence_covers_the_childs_booked_days_in_its_range_which_stay_booked(martin, illness):
    absence = report(martin, illness, note="Varicelle")

    covered = absence.bookings.order_by("date", "unit__position")
    assert [(b.date, b.unit.code) for b in covered] == [
        (day, code) for day in (MONDAY, TUESDAY, THURSDAY) for code in ("matin", "soir")
    ]
    assert {b.state for b in covered} == {Booking.State.CONFIRMED}  # the places stay kept
    assert not Booking.objects.filter(child__first_name="Tom", absence__isnull=False).exists()
    assert (absence.state, absence.note, absence.proof) == (Absence.State.REPORTED, "Varicelle", None)
    assert absence.proof_due == MONDAY + timedelta(days=2)  # the service's days to add the certificate


def test_a_reason_without_justificatif_expects_none(martin, family_reason):
    assert report(martin, family_reason, first=MONDAY, last=MONDAY).proof_due is None


def test_the_certificate_given_when_reporting_is_kept_with_the_households_documents(martin, illness):
    absence = report(martin, illness, proof=certificate())

    assert absence.proof_due is None
    document = Document.objects.get(pk=absence.proof_id)
    assert document.owner == household_key(martin) and document.subject == child_key(lea_of(martin))
    assert document.original_name == "certificat.pdf"


def test_past_days_may_be_reported_within_the_services_days(martin, illness):
    absence = report(martin, illness, first=MONDAY, last=MONDAY, today=WEDNESDAY)
    assert absence.bookings.count() == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"first": WEDNESDAY, "last": WEDNESDAY}, "Léa n'a aucun jour réservé à « Périscolaire » du mercredi 9"),
        ({"first": THURSDAY, "last": MONDAY}, "Le dernier jour d'absence ne peut précéder le premier."),
        ({"today": THURSDAY}, "au plus tard 2 jours après : à partir du mardi 8 septembre 2026"),
    ],
)
def test_a_report_outside_the_rules_is_refused_with_its_reason(martin, illness, change, message):
    with pytest.raises(ValidationError, match=message):
        report(martin, illness, **change)
    assert not Absence.objects.exists()


def test_a_reason_of_another_service_or_a_child_of_another_household_is_refused(martin, illness, year):
    other_reason = AbsenceReason.objects.create(service=care_service("Garderie"), label="Maladie")
    with pytest.raises(ValidationError, match="Choisissez un motif du service « Périscolaire »"):
        report(martin, other_reason, service=illness.service)
    stranger = ChildFactory(household=family("Famille Durand"), status=Decision.VALIDATED)
    with pytest.raises(ValidationError, match="Cet enfant n'est pas de votre foyer"):
        report(martin, illness, child=stranger)
    assert not Absence.objects.exists()


def test_days_already_covered_by_another_absence_are_refused(martin, illness, family_reason):
    report(martin, family_reason, first=TUESDAY, last=TUESDAY)

    with pytest.raises(ValidationError, match="Une absence est déjà signalée pour : mardi 8 septembre 2026"):
        report(martin, illness)
    assert Absence.objects.count() == 1


def test_the_certificate_is_added_later_within_its_days_once(martin, illness):
    absence = report(martin, illness)

    absence_add_proof(
        actor=parent_of(martin), household=martin, absence=absence, proof=certificate(), today=absence.proof_due
    )
    absence.refresh_from_db()
    assert absence.proof.original_name == "certificat.pdf"
    with pytest.raises(ValidationError, match="Un justificatif est déjà joint"):
        absence_add_proof(actor=parent_of(martin), household=martin, absence=absence, proof=certificate())


def test_the_certificate_after_its_deadline_is_refused(martin, illness):
    absence = report(martin, illness)

    with pytest.raises(ValidationError, match="attendu au plus tard le mercredi 9 septembre 2026"):
        absence_add_proof(
            actor=parent_of(martin), household=martin, absence=absence, proof=certificate(), today=THURSDAY
        )
    assert not Document.objects.exists()


def test_a_justified_absence_reviews_its_certificate_and_tells_the_family(
    martin, illness, agent, django_capture_on_commit_callbacks
):
    absence = report(martin, illness, proof=certificate())

    with django_capture_on_commit_callbacks(execute=True):
        absence_decide(actor=agent, absence=absence, justified=True)

    absence.refresh_from_db()
    assert (absence.state, absence.decided_by, absence.decision_note) == (Absence.State.JUSTIFIED, agent, "")
    assert absence.proof.review == Document.Review.ACCEPTED
    (news,) = [m for m in mail.outbox if "Absence" in m.subject]
    assert news.subject.endswith("Absence justifiée : Léa") and news.to == [parent_of(martin).email]
    with pytest.raises(ValidationError, match="Cette absence a déjà été décidée"):
        absence_decide(actor=agent, absence=absence, justified=False, note="Erreur")
    with pytest.raises(ValidationError, match="La mairie a déjà décidé de cette absence"):
        absence_add_proof(actor=parent_of(martin), household=martin, absence=absence, proof=certificate())


def test_an_unjustified_absence_needs_the_reason_the_family_reads(
    martin, family_reason, agent, django_capture_on_commit_callbacks
):
    absence = report(martin, family_reason)

    with pytest.raises(ValidationError, match="Indiquez pourquoi l'absence n'est pas justifiée"):
        absence_decide(actor=agent, absence=absence, justified=False, note="  ")
    with django_capture_on_commit_callbacks(execute=True):
        absence_decide(actor=agent, absence=absence, justified=False, note="Prévenu trop tard")

    absence.refresh_from_db()
    assert (absence.state, absence.decision_note) == (Absence.State.UNJUSTIFIED, "Prévenu trop tard")
    (news,) = [m for m in mail.outbox if "Absence" in m.subject]
    assert "Motif : Prévenu trop tard" in news.body and "restent facturés" in news.body


def test_only_family_staff_decide(martin, family_reason):
    absence = report(martin, family_reason)
    with pytest.raises(PermissionDenied):
        absence_decide(actor=parent_of(martin), absence=absence, justified=True)


def test_another_households_absence_is_out_of_reach(martin, illness):
    absence = report(martin, illness)
    durand = family("Famille Durand")
    stranger = FamilyActor(user=parent_of(durand), household=durand)

    with pytest.raises(Http404):
        get_absence_for(stranger, absence.pk)
    with pytest.raises(Http404):
        get_absence_for_review(parent_of(durand), absence.pk)
    with pytest.raises(PermissionDenied):  # through their own household: not theirs
        absence_add_proof(actor=parent_of(durand), household=durand, absence=absence, proof=certificate())
    with pytest.raises(PermissionDenied):  # through Martin's: they do not act for it
        absence_add_proof(actor=parent_of(durand), household=martin, absence=absence, proof=certificate())
    assert get_absence_for(FamilyActor(user=parent_of(martin), household=martin), absence.pk) == absence


def test_the_planning_says_absent_then_justified(martin, illness, agent):
    absence = report(martin, illness, first=MONDAY, last=MONDAY)
    lea = lea_of(martin)
    actor = FamilyActor(user=parent_of(martin), household=martin)

    def state(day):
        return cell(
            household_planning(actor=actor, children=[lea], start=MONDAY, end=THURSDAY, now=NOW), lea, day, "soir"
        )

    assert (state(MONDAY).state, state(MONDAY).label) == (State.ABSENT, "absent")
    assert state(TUESDAY).state == State.BOOKED
    absence_decide(actor=agent, absence=absence, justified=True)
    assert (state(MONDAY).state, state(MONDAY).label) == (State.ABSENT_JUSTIFIED, "absence justifiée")


# --- What invoicing bills: all of it unless justified, then only the waiting days (jours de carence) ---------

# Monday morning and evening, Tuesday morning, Thursday evening; a Friday cancelled (never billed).
DAYS = [(MONDAY, "matin"), (MONDAY, "soir"), (TUESDAY, "matin"), (THURSDAY, "soir")]


@pytest.mark.parametrize(
    ("state", "waiting_days", "billed"),
    [
        (Absence.State.REPORTED, 1, DAYS),  # undecided: billed as booked
        (Absence.State.UNJUSTIFIED, 0, DAYS),
        (Absence.State.JUSTIFIED, 0, []),
        (Absence.State.JUSTIFIED, 1, DAYS[:2]),  # the first booked day, both its units
        (Absence.State.JUSTIFIED, 2, DAYS[:3]),  # booked days, not calendar days: Tuesday is the second
        (Absence.State.JUSTIFIED, 5, DAYS),
    ],
)
def test_billed_bookings(state, waiting_days, billed):
    absence = Absence(state=state, service=Service(absence_waiting_days=waiting_days))
    bookings = [Booking(pk=i, date=day, state=Booking.State.CONFIRMED) for i, (day, _unit) in enumerate(DAYS)]
    bookings.append(Booking(pk=len(DAYS), date=THURSDAY + timedelta(days=1), state=Booking.State.CANCELLED))
    bookings.reverse()  # in any order

    assert [DAYS[b.pk] for b in billed_bookings(absence, bookings)] == billed


def test_billed_bookings_reads_the_absences_own_bookings(martin, illness, agent):
    absence = report(martin, illness)
    absence_decide(actor=agent, absence=absence, justified=True)
    absence.refresh_from_db()

    assert billed_bookings(absence) == []
    Service.objects.filter(pk=absence.service_id).update(absence_waiting_days=1)
    absence.refresh_from_db()
    assert [(b.date, b.unit.code) for b in billed_bookings(absence)] == [(MONDAY, "matin"), (MONDAY, "soir")]


def test_a_place_offered_and_not_yet_accepted_is_not_covered_by_an_absence(martin, illness):
    lea = lea_of(martin)
    Booking.objects.filter(child=lea, date=TUESDAY).update(state=Booking.State.OFFERED)

    absence = report(martin, illness)

    assert sorted({b.date for b in absence.bookings.all()}) == [MONDAY, THURSDAY]
