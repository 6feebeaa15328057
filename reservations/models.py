"""Bookings: a child booked for a unit of a service on a day, the places each day takes, each booking's
append-only history, the waiting lists of full days, absences and the closures decided after booking."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalog.models import AbsenceReason, BookingWindow, CutoffRule, SchoolYear, Service, ServiceUnit, Site
from families.models import Child, Decision, Household
from storage.models import Document, DocumentType


class Booking(models.Model):
    class State(models.TextChoices):
        # Seed 001's legend: demande en cours / validée / demande d'annulation / refusée.
        REQUESTED = "requested", _("demande en cours")
        CONFIRMED = "confirmed", _("réservé")
        CANCELLATION_REQUESTED = "cancellation_requested", _("demande d'annulation")
        REFUSED = "refused", _("demande refusée")
        CANCELLED = "cancelled", _("annulé")
        # Services paid at booking (seed 004): the place is taken, but the day is nobody's register until paid.
        HELD = "held", _("en attente de paiement")
        # A place freed for the first in a waiting list, kept for them until they accept it or the offer ends.
        OFFERED = "offered", _("place proposée")

    class Source(models.TextChoices):
        PARENT = "parent", _("la famille, en ligne")
        COUNTER = "counter", _("la structure, au guichet")
        ENROLMENT = "enrolment", _("l'inscription (semaine type)")
        WAITING_LIST = "waiting", _("la liste d'attente")
        ALLOCATION = "allocation", _("l'attribution des places")

    # States that hold a place: a pending request holds its place until staff decide.
    HOLDING = (State.REQUESTED, State.CONFIRMED, State.CANCELLATION_REQUESTED, State.HELD, State.OFFERED)

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="bookings")
    # Shared custody: the household of the child's that booked (each books and sees its own days).
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="bookings")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="bookings")
    unit = models.ForeignKey(ServiceUnit, on_delete=models.PROTECT, related_name="bookings")
    date = models.DateField(_("jour"))
    state = models.CharField(_("état"), max_length=24, choices=State.choices)
    source = models.CharField(_("origine"), max_length=10, choices=Source.choices)
    # The late rule applied to the change that made it (or cancelled it): what invoicing bills.
    late_price = models.CharField(_("prix du retard"), max_length=6, choices=CutoffRule.LatePrice.choices, blank=True)
    late_amount = models.DecimalField(_("montant du retard"), max_digits=8, decimal_places=2, null=True, blank=True)
    enrolment = models.ForeignKey(
        "reservations.Enrolment", null=True, blank=True, on_delete=models.PROTECT, related_name="bookings"
    )
    held_until = models.DateTimeField(_("réservé jusqu'au"), null=True, blank=True)
    # What invoicing bills by: the absence reported for the day (justified or not), or the closure that
    # cancelled it (never billed).
    absence = models.ForeignKey(
        "reservations.Absence", null=True, blank=True, on_delete=models.SET_NULL, related_name="bookings"
    )
    closure = models.ForeignKey(
        "reservations.Closure", null=True, blank=True, on_delete=models.PROTECT, related_name="bookings"
    )
    created = models.DateTimeField(_("créée le"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("par")
    )

    class Meta:
        verbose_name = _("réservation")
        ordering = ["date", "service", "unit__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "service", "date", "unit"],
                condition=Q(state__in=["requested", "confirmed", "cancellation_requested", "held", "offered"]),
                name="one_booking_per_child_unit_and_day",
                violation_error_message=_("Cet enfant est déjà inscrit pour cette unité ce jour-là."),
            )
        ]
        indexes = [models.Index(fields=["service", "date"], name="booking_service_day")]

    def __str__(self) -> str:
        return f"{self.child} — {self.service} — {self.unit} — {self.date:%d/%m/%Y}"

    @property
    def late(self) -> bool:
        return bool(self.late_price)


class BookingEvent(models.Model):
    """One change of a booking, never updated nor deleted (the database refuses it)."""

    booking = models.ForeignKey(Booking, on_delete=models.PROTECT, related_name="history")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    state = models.CharField(max_length=24, choices=Booking.State.choices)
    source = models.CharField(max_length=10, choices=Booking.Source.choices)
    late_price = models.CharField(max_length=6, choices=CutoffRule.LatePrice.choices, blank=True)
    late_amount = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.booking_id}: {self.state} ({self.at:%d/%m/%Y %H:%M})"


class ServiceDay(models.Model):
    """A service's day, the row its bookings lock (in a fixed order) while they count its places.

    `children` counts each child once whatever its units; `units` and `age_groups` count what has a limit
    of its own (20 repas; places for the under-sixes), by id. Kept in the transaction that books."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    children = models.PositiveIntegerField(default=0)
    units = models.JSONField(default=dict)
    age_groups = models.JSONField(default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["service", "date"], name="one_row_per_service_day")]

    def __str__(self) -> str:
        return f"{self.service_id} {self.date}: {self.children}"


class EnrolmentRequirement(models.Model):
    """A piece a service's enrolment needs (seed 003: validated only with every piece asked for)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="enrolment_requirements")
    document_type = models.ForeignKey(DocumentType, verbose_name=_("type de document"), on_delete=models.PROTECT)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("pièce demandée à l'inscription")
        verbose_name_plural = _("pièces demandées à l'inscription")
        ordering = ["service", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["service", "document_type"], name="one_requirement_per_type_and_service")
        ]

    def __str__(self) -> str:
        return str(self.document_type)


class Enrolment(models.Model):
    """A household enrols a child in a service for a period, optionally with a typical week that books
    its days (each household of a shared child enrols for its own weeks)."""

    class Recurrence(models.TextChoices):
        WEEKLY = "weekly", _("chaque semaine")
        ALTERNATE = "alternate", _("une semaine sur deux")

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="enrolments")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="enrolments")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="enrolments")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="+")
    start = models.DateField(_("du"))
    end = models.DateField(_("au"))
    # The typical week (semaine type): weekday ("0" = Monday) → unit codes; empty: days booked one by one.
    week = models.JSONField(_("semaine type"), default=dict, blank=True)
    recurrence = models.CharField(_("rythme"), max_length=10, choices=Recurrence.choices, default=Recurrence.WEEKLY)
    # Alternate weeks count from this Monday (its week is booked), not from ISO week parity: 2026 has
    # 53 ISO weeks, so odd and even weeks would swap at New Year.
    anchor = models.DateField(_("première semaine"), null=True, blank=True)
    status = models.CharField(_("état"), max_length=10, choices=Decision.choices, default=Decision.PENDING)
    reason = models.TextField(_("motif"), blank=True)
    requested_at = models.DateTimeField(_("demandée le"), auto_now_add=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    ended_on = models.DateField(_("terminée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("inscription")
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="enrolment_ends_after_start"),
            models.CheckConstraint(
                condition=Q(recurrence="weekly") | Q(anchor__isnull=False), name="alternate_weeks_have_an_anchor"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.child} — {self.service} ({self.start:%d/%m/%Y} – {self.end:%d/%m/%Y})"

    def week_booked(self, day) -> bool:
        """Whether the typical week books `day`'s week (always, or one week in two from the anchor)."""
        if self.recurrence == self.Recurrence.WEEKLY:
            return True
        monday = day.toordinal() - day.weekday()
        return ((monday - self.anchor.toordinal()) // 7) % 2 == 0


class EnrolmentPiece(models.Model):
    """A document sent with an enrolment request for one of the service's requirements."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="pieces")
    requirement = models.ForeignKey(EnrolmentRequirement, on_delete=models.PROTECT, related_name="+")
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["enrolment", "requirement"], name="one_piece_per_requirement")]

    def __str__(self) -> str:
        return f"{self.enrolment_id}: {self.requirement}"


class BasketLine(models.Model):
    """A day a household wants changed, kept on the server until it validates (it survives a logout): the
    units it wants for a child and a service that day — none to cancel the day."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="basket")
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    date = models.DateField(_("jour"))
    units = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    created = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["date", "child", "service"]
        constraints = [
            models.UniqueConstraint(fields=["household", "child", "service", "date"], name="one_basket_line_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.child_id} {self.service_id} {self.date}: {', '.join(self.units) or '—'}"


class WaitingListEntry(models.Model):
    """A child waiting for a unit of a full service day, in order of request (siblings first where the
    service says so). A freed place books the first in line, or is offered to them for a while."""

    class State(models.TextChoices):
        WAITING = "waiting", _("en liste d'attente")
        OFFERED = "offered", _("place proposée")
        BOOKED = "booked", _("réservé depuis la liste d'attente")
        LEFT = "left", _("retiré par la famille")
        DECLINED = "declined", _("place refusée")
        EXPIRED = "expired", _("proposition expirée")
        CLEARED = "cleared", _("jour fermé")

    ACTIVE = (State.WAITING, State.OFFERED)

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="waiting_entries")
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="waiting_entries")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="waiting_entries")
    unit = models.ForeignKey(ServiceUnit, on_delete=models.PROTECT, related_name="waiting_entries")
    date = models.DateField(_("jour"))
    state = models.CharField(_("état"), max_length=10, choices=State.choices, default=State.WAITING)
    requested_at = models.DateTimeField(_("demandé le"), auto_now_add=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # The place booked or offered (an offered booking holds it until `offered_until`).
    booking = models.ForeignKey(Booking, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    offered_until = models.DateTimeField(_("proposée jusqu'au"), null=True, blank=True)
    closed_at = models.DateTimeField(_("terminé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("place en liste d'attente")
        verbose_name_plural = _("places en liste d'attente")
        ordering = ["date", "requested_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "service", "date", "unit"],
                condition=Q(state__in=["waiting", "offered"]),
                name="one_waiting_entry_per_child_unit_and_day",
                violation_error_message=_("Cet enfant est déjà sur la liste d'attente de ce jour."),
            )
        ]
        indexes = [models.Index(fields=["service", "date", "unit", "state"], name="waiting_line")]

    def __str__(self) -> str:
        return f"{self.child} — {self.service} — {self.unit} — {self.date:%d/%m/%Y} ({self.state})"


class Absence(models.Model):
    """A child absent from its booked days of a service, reported by the family with a reason of the
    service's; staff decide whether it is justified (invoicing bills by that decision, the service's
    waiting days — jours de carence — still billed)."""

    class State(models.TextChoices):
        REPORTED = "reported", _("signalée, à examiner")
        JUSTIFIED = "justified", _("justifiée")
        UNJUSTIFIED = "unjustified", _("non justifiée")

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="absences")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="absences")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="absences")
    reason = models.ForeignKey(AbsenceReason, verbose_name=_("motif"), on_delete=models.PROTECT, related_name="+")
    first_day = models.DateField(_("du"))
    last_day = models.DateField(_("au"))
    note = models.TextField(_("précisions"), blank=True)
    proof = models.ForeignKey(
        Document, verbose_name=_("justificatif"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proof_due = models.DateField(_("justificatif attendu avant le"), null=True, blank=True)
    state = models.CharField(_("état"), max_length=12, choices=State.choices, default=State.REPORTED)
    decision_note = models.TextField(_("motif de la décision"), blank=True)
    reported_at = models.DateTimeField(_("signalée le"), auto_now_add=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("absence")
        ordering = ["-first_day", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(last_day__gte=models.F("first_day")), name="absence_ends_after_start")
        ]

    def __str__(self) -> str:
        return f"{self.child} — {self.service} ({self.first_day:%d/%m/%Y} – {self.last_day:%d/%m/%Y})"


class Closure(models.Model):
    """A day closed after bookings exist — a strike, a weather alert, a class trip — for a service, a site,
    a school or a class: the bookings it hits are cancelled and never billed, what was paid is owed back,
    the day's waiting lists are cleared and every family concerned is told."""

    class Cause(models.TextChoices):
        STRIKE = "strike", _("grève")
        WEATHER = "weather", _("alerte météo")
        TRIP = "trip", _("sortie scolaire")
        OTHER = "other", _("autre")

    date = models.DateField(_("jour"))
    cause = models.CharField(_("cause"), max_length=10, choices=Cause.choices)
    label = models.CharField(_("message aux familles"), max_length=200)
    minimum_service = models.BooleanField(_("service minimum d'accueil assuré"), default=False)
    # What it closes: a service, every service of a site, or (with either) only a school's or a class's children.
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    site = models.ForeignKey(Site, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    school = models.CharField(_("école"), max_length=150, blank=True)
    level = models.CharField(_("classe"), max_length=3, choices=Service.SchoolLevel.choices, blank=True)
    created_at = models.DateTimeField(_("décidée le"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("fermeture exceptionnelle")
        verbose_name_plural = _("fermetures exceptionnelles")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(service__isnull=False) | Q(site__isnull=False), name="closure_names_a_service_or_site"
            )
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} — {self.get_cause_display()} — {self.label}"


class AmountOwed(models.Model):
    """Money a household paid for a booking that will not take place (a closure): invoicing turns it into
    a credit."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="amounts_owed")
    booking = models.OneToOneField(Booking, on_delete=models.PROTECT, related_name="owed_back")
    amount = models.DecimalField(_("montant"), max_digits=8, decimal_places=2)
    reason = models.CharField(_("motif"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("somme due à la famille")
        verbose_name_plural = _("sommes dues aux familles")

    def __str__(self) -> str:
        return f"{self.household} : {self.amount} € ({self.reason})"


class AllocationRequest(models.Model):
    """A household asks for a child's units of a day of a booking window that allocates its places after
    the requests (priorities, then a lottery among equals) instead of first come, first served."""

    class State(models.TextChoices):
        PENDING = "pending", _("en attente de l'attribution")
        ALLOCATED = "allocated", _("place attribuée")
        REFUSED = "refused", _("pas de place attribuée")
        WITHDRAWN = "withdrawn", _("demande retirée")

    window = models.ForeignKey(BookingWindow, on_delete=models.PROTECT, related_name="requests")
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="allocation_requests")
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="allocation_requests")
    date = models.DateField(_("jour"))
    units = ArrayField(models.CharField(max_length=40), verbose_name=_("unités"))
    state = models.CharField(_("état"), max_length=10, choices=State.choices, default=State.PENDING)
    # Set by the run: the order it was served in that day, and why (criteria met, lottery number, outcome).
    rank = models.PositiveIntegerField(_("rang"), null=True, blank=True)
    explanation = models.TextField(_("explication"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("demande d'attribution")
        verbose_name_plural = _("demandes d'attribution")
        ordering = ["date", "rank", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["window", "child", "date"],
                condition=Q(state="pending"),
                name="one_pending_request_per_child_and_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.child} — {self.date:%d/%m/%Y} ({self.state})"


class AllocationRun(models.Model):
    """The journal of an allocation: its seed (running it again with the same seed on the same requests
    gives the same result), who ran it and when, and what each day gave."""

    window = models.ForeignKey(BookingWindow, on_delete=models.PROTECT, related_name="runs")
    seed = models.BigIntegerField(_("graine du tirage"))
    run_at = models.DateTimeField(_("lancé le"), auto_now_add=True)
    run_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # [{"date": "2027-07-08", "requests": 52, "places": 40, "allocated": 40}, …] and the lottery's order.
    summary = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("attribution des places")
        verbose_name_plural = _("attributions des places")
        ordering = ["-run_at"]

    def __str__(self) -> str:
        return f"{self.window} — {self.run_at:%d/%m/%Y %H:%M} (graine {self.seed})"
