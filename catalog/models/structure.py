"""Where and what: sites, school years, services."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _


def validate_weekdays(value: list[int]) -> None:
    if any(day > 6 for day in value):
        raise ValidationError(_("Les jours vont de 0 (lundi) à 6 (dimanche)."))


class Site(models.Model):
    """A place where services run (école, centre de loisirs, multi-accueil)."""

    name = models.CharField(_("nom"), max_length=150, unique=True)
    address = models.TextField(_("adresse"), blank=True)
    # Vallet's IFAC runs several structures for the commune with its own managers.
    operator_name = models.CharField(_("organisme gestionnaire"), max_length=150, blank=True)
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsables"),
        blank=True,
        related_name="managed_sites",
        limit_choices_to={"role": "service_manager"},
        help_text=_("Ils gèrent toutes les prestations du site."),
    )

    class Meta:
        verbose_name = _("site")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SchoolYear(models.Model):
    class Zone(models.TextChoices):
        A = "A", _("Zone A")
        B = "B", _("Zone B")
        C = "C", _("Zone C")

    name = models.CharField(_("nom"), max_length=20, unique=True, help_text=_("ex. 2026-2027"))
    start = models.DateField(_("début"))
    end = models.DateField(_("fin"))
    zone = models.CharField(_("zone de vacances scolaires"), max_length=1, choices=Zone.choices, default=Zone.B)

    class Meta:
        verbose_name = _("année scolaire")
        verbose_name_plural = _("années scolaires")
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")),
                name="school_year_ends_after_start",
                violation_error_message=_("La fin doit suivre le début."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.start and self.end:
            overlapping = SchoolYear.objects.filter(start__lte=self.end, end__gte=self.start).exclude(pk=self.pk)
            if other := overlapping.first():
                raise ValidationError(_("Ces dates chevauchent l'année scolaire %(name)s.") % {"name": other.name})


class Service(models.Model):
    class Kind(models.TextChoices):
        CANTEEN = "canteen", _("Restauration scolaire")
        MORNING_CARE = "morning_care", _("Accueil périscolaire du matin")
        EVENING_CARE = "evening_care", _("Accueil périscolaire du soir")
        TAP = "tap", _("Temps d'activités périscolaires (TAP)")
        STUDY = "study", _("Étude")
        WEDNESDAY_CENTRE = "wednesday_centre", _("Accueil de loisirs du mercredi")
        HOLIDAY_CENTRE = "holiday_centre", _("Accueil de loisirs des vacances")
        NURSERY = "nursery", _("Multi-accueil")
        OTHER = "other", _("Autre")

    class Unit(models.TextChoices):
        MEAL = "meal", _("repas")
        SESSION = "session", _("séance")
        HALF_DAY = "half_day", _("demi-journée")
        DAY = "day", _("journée")
        HOUR = "hour", _("heure")

    class BillingMode(models.TextChoices):
        POSTPAID = "postpaid", _("Facturé après le mois (postfacturation)")
        IMMEDIATE = "immediate", _("Payé à la réservation (paiement immédiat)")

    class Period(models.TextChoices):
        ALL = "all", _("Toute l'année")
        SCHOOL_TERMS = "school_terms", _("Hors vacances scolaires")
        HOLIDAYS = "holidays", _("Vacances scolaires seulement")

    class SchoolLevel(models.TextChoices):
        PS = "PS", "PS"
        MS = "MS", "MS"
        GS = "GS", "GS"
        CP = "CP", "CP"
        CE1 = "CE1", "CE1"
        CE2 = "CE2", "CE2"
        CM1 = "CM1", "CM1"
        CM2 = "CM2", "CM2"

    class BookingMode(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmée à la réservation")
        REQUEST = "request", _("Demande validée par la structure")

    class PendingAtCutoff(models.TextChoices):
        REFUSE = "refuse", _("Refusée automatiquement")
        VALIDATE = "validate", _("Validée automatiquement")

    name = models.CharField(_("nom"), max_length=150, unique=True)
    code = models.SlugField(
        _("code"),
        max_length=60,
        unique=True,
        blank=True,
        help_text=_("identifiant stable (lettres, chiffres, tirets) : l'import d'un catalogue s'y retrouve"),
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="services")
    unit = models.CharField(_("unité"), max_length=10, choices=Unit.choices)
    enrolment_requires_validation = models.BooleanField(_("inscription validée par le service"), default=True)
    bookable_online = models.BooleanField(_("réservable en ligne"), default=True)
    booking_mode = models.CharField(
        _("réservation"), max_length=10, choices=BookingMode.choices, default=BookingMode.CONFIRMED
    )
    # Seed 001's legend: demande en cours / validée / refusée. A pending request holds its place.
    pending_at_cutoff = models.CharField(
        _("demande encore en attente au délai"),
        max_length=10,
        choices=PendingAtCutoff.choices,
        default=PendingAtCutoff.REFUSE,
    )
    payment_hold_minutes = models.PositiveSmallIntegerField(
        _("délai de paiement (minutes)"),
        default=30,
        help_text=_("payé à la réservation : les places d'un panier sont gardées ce temps-là, puis libérées"),
    )
    billing_mode = models.CharField(
        _("mode de facturation"), max_length=10, choices=BillingMode.choices, default=BillingMode.POSTPAID
    )
    weekdays = ArrayField(
        models.PositiveSmallIntegerField(),
        verbose_name=_("jours d'ouverture"),
        default=list,
        validators=[validate_weekdays],
        help_text=_("0 = lundi … 6 = dimanche"),
    )
    period = models.CharField(
        _("période d'ouverture"), max_length=15, choices=Period.choices, default=Period.SCHOOL_TERMS
    )
    min_age_months = models.PositiveSmallIntegerField(_("âge minimum (mois)"), null=True, blank=True)
    max_age_months = models.PositiveSmallIntegerField(_("âge maximum (mois)"), null=True, blank=True)
    school_levels = ArrayField(
        models.CharField(max_length=3, choices=SchoolLevel.choices),
        verbose_name=_("niveaux scolaires"),
        default=list,
        blank=True,
    )
    capacity = models.PositiveIntegerField(
        _("places par jour"), null=True, blank=True, help_text=_("vide = sans limite")
    )
    waiting_list = models.BooleanField(_("liste d'attente quand c'est complet"), default=False)
    # A place freed goes to the first in line: booked at once while the family may still cancel without
    # charge for this margin, else offered for a while (ending before the booking deadline), then passed on.
    waiting_list_margin_hours = models.PositiveSmallIntegerField(
        _("liste d'attente : réservation automatique jusqu'à (heures avant le délai d'annulation)"), default=24
    )
    waiting_list_offer_hours = models.PositiveSmallIntegerField(
        _("liste d'attente : durée d'une place proposée (heures)"), default=12
    )
    waiting_list_siblings_first = models.BooleanField(
        _("liste d'attente : priorité aux frères et sœurs déjà réservés ce jour-là"), default=False
    )
    # Holiday centres (seed 002): a child's week holds at least N days, or is booked whole.
    min_days_per_week = models.PositiveSmallIntegerField(
        _("jours par semaine au minimum"), null=True, blank=True, help_text=_("vide = sans minimum")
    )
    whole_weeks = models.BooleanField(_("par semaines entières"), default=False)
    absence_proof_days = models.PositiveSmallIntegerField(
        _("absence : jours pour ajouter le justificatif"),
        default=2,
        help_text=_("après le signalement, quand le motif demande un justificatif"),
    )
    absence_waiting_days = models.PositiveSmallIntegerField(
        _("absence : jours de carence"),
        default=0,
        help_text=_("premiers jours d'une absence justifiée encore facturés"),
    )
    colour = models.CharField(
        _("couleur"),
        max_length=7,
        default="#1f4e8c",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Une couleur s'écrit #RRVVBB."))],
    )
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsables"),
        blank=True,
        related_name="managed_services",
        limit_choices_to={"role": "service_manager"},
    )

    class Meta:
        verbose_name = _("prestation")
        ordering = ["site__name", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        if (
            self.min_age_months is not None
            and self.max_age_months is not None
            and self.min_age_months > self.max_age_months
        ):
            errors["max_age_months"] = _("L'âge maximum doit être supérieur à l'âge minimum.")
        if errors:
            raise ValidationError(errors)
        self.weekdays = sorted(set(self.weekdays))
        self.code = self.code or slugify(self.name)[:60]
