"""What a commune offers, when, until when it can be changed, and at what price."""

import itertools
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.timezone import localtime
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

    name = models.CharField(_("nom"), max_length=150, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="services")
    unit = models.CharField(_("unité"), max_length=10, choices=Unit.choices)
    enrolment_requires_validation = models.BooleanField(_("inscription validée par le service"), default=True)
    bookable_online = models.BooleanField(_("réservable en ligne"), default=True)
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


class CalendarException(models.Model):
    """A closure of the commune (all services) or of one service, or an exceptional opening."""

    class Kind(models.TextChoices):
        CLOSURE = "closure", _("Fermeture")
        OPENING = "opening", _("Ouverture exceptionnelle")

    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.CLOSURE)
    service = models.ForeignKey(
        Service,
        verbose_name=_("prestation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="calendar_exceptions",
        help_text=_("vide = toute la commune"),
    )
    start = models.DateField(_("du"))
    end = models.DateField(_("au"))
    label = models.CharField(_("libellé"), max_length=150)

    class Meta:
        verbose_name = _("fermeture ou ouverture exceptionnelle")
        verbose_name_plural = _("fermetures et ouvertures exceptionnelles")
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")),
                name="exception_ends_after_start",
                violation_error_message=_("La fin doit suivre le début."),
            ),
            models.CheckConstraint(
                condition=Q(kind="closure") | Q(service__isnull=False),
                name="opening_names_its_service",
                violation_error_message=_("Une ouverture exceptionnelle concerne une prestation."),
            ),
        ]

    def __str__(self) -> str:
        if self.start == self.end:
            return f"{self.label} ({self.start:%d/%m/%Y})"
        return f"{self.label} ({self.start:%d/%m/%Y} – {self.end:%d/%m/%Y})"


class BookingWindow(models.Model):
    """When parents may book the days of a period (seed 002: summer opens after February)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="booking_windows")
    first_day = models.DateField(_("premier jour concerné"))
    last_day = models.DateField(_("dernier jour concerné"))
    opens_at = models.DateTimeField(_("ouverture des réservations"))
    closes_at = models.DateTimeField(_("clôture des réservations"), null=True, blank=True)

    class Meta:
        verbose_name = _("période de réservation")
        verbose_name_plural = _("périodes de réservation")
        ordering = ["first_day"]

    def __str__(self) -> str:
        days = _("du %(first)s au %(last)s") % {
            "first": f"{self.first_day:%d/%m/%Y}",
            "last": f"{self.last_day:%d/%m/%Y}",
        }
        opens = _("réservations à partir du %(at)s") % {"at": f"{localtime(self.opens_at):%d/%m/%Y %H:%M}"}
        closes = (
            _(", jusqu'au %(at)s") % {"at": f"{localtime(self.closes_at):%d/%m/%Y %H:%M}"} if self.closes_at else ""
        )
        return f"{days.capitalize()} : {opens}{closes}"

    def clean(self) -> None:
        errors = {}
        if self.first_day and self.last_day and self.last_day < self.first_day:
            errors["last_day"] = _("Le dernier jour doit suivre le premier.")
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            errors["closes_at"] = _("La clôture doit suivre l'ouverture.")
        if errors:
            raise ValidationError(errors)


class CapacityOverride(models.Model):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="capacity_overrides")
    date = models.DateField(_("date"))
    capacity = models.PositiveIntegerField(_("places"))

    class Meta:
        verbose_name = _("capacité d'un jour")
        constraints = [
            models.UniqueConstraint(
                fields=["service", "date"],
                name="one_capacity_per_service_day",
                violation_error_message=_("Une capacité est déjà fixée pour ce jour."),
            )
        ]

    def __str__(self) -> str:
        return _("%(day)s : %(n)s places") % {"day": f"{self.date:%d/%m/%Y}", "n": self.capacity}


class AgeGroupCapacity(models.Model):
    """Places reserved to an age group each day (ALSH: fewer places for the under-sixes)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="age_groups")
    label = models.CharField(_("groupe"), max_length=60, help_text=_("ex. moins de 6 ans"))
    min_age_months = models.PositiveSmallIntegerField(_("de (âge en mois)"), default=0)
    max_age_months = models.PositiveSmallIntegerField(
        _("jusqu'à (âge en mois, exclu)"), null=True, blank=True, help_text=_("vide = sans limite")
    )
    capacity = models.PositiveIntegerField(_("places par jour"))

    class Meta:
        verbose_name = _("capacité par tranche d'âge")
        verbose_name_plural = _("capacités par tranche d'âge")
        ordering = ["min_age_months"]

    def __str__(self) -> str:
        return f"{self.label} : {self.capacity}"

    def covers(self, age_months: int) -> bool:
        return self.min_age_months <= age_months and (self.max_age_months is None or age_months < self.max_age_months)

    def clean(self) -> None:
        end = self.max_age_months
        if end is not None and end <= self.min_age_months:
            raise ValidationError({"max_age_months": _("La tranche doit finir après son début.")})
        others = AgeGroupCapacity.objects.filter(service_id=self.service_id).exclude(pk=self.pk)
        overlapping = others.filter(Q(max_age_months__isnull=True) | Q(max_age_months__gt=self.min_age_months))
        if end is not None:
            overlapping = overlapping.filter(min_age_months__lt=end)
        if other := overlapping.first():
            raise ValidationError(_("Cette tranche chevauche « %(label)s ».") % {"label": other.label})


class CutoffRule(models.Model):
    """How long before a day a booking (or a cancellation) can be made, and what happens after."""

    class Direction(models.TextChoices):
        BOOKING = "booking", _("Réservation")
        CANCELLATION = "cancellation", _("Annulation")

    class Unit(models.TextChoices):
        CALENDAR_DAYS = "calendar_days", _("jours calendaires")
        WORKING_DAYS = "working_days", _("jours ouvrés")
        HOURS = "hours", _("heures")
        WORKING_HOURS = "working_hours", _("heures ouvrées")

    class LatePolicy(models.TextChoices):
        REFUSE = "refuse", _("Refusée en ligne")
        FIXED_PRICE = "fixed_price", _("Acceptée à un tarif majoré fixe")
        PRICE_PLUS = "price_plus", _("Acceptée au tarif plus une majoration")
        BILLED = "billed", _("Acceptée mais facturée")

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="cutoff_rules")
    direction = models.CharField(_("sens"), max_length=12, choices=Direction.choices)
    amount = models.PositiveSmallIntegerField(_("délai"))
    unit = models.CharField(_("unité du délai"), max_length=13, choices=Unit.choices)
    time_of_day = models.TimeField(
        _("avant l'heure"), null=True, blank=True, help_text=_("ex. 12:00 pour « J-2 avant 12h »")
    )
    late_policy = models.CharField(_("après le délai"), max_length=11, choices=LatePolicy.choices)
    late_amount = models.DecimalField(
        _("montant de la majoration"),
        max_digits=8,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )

    class Meta:
        verbose_name = _("délai de prévenance")
        verbose_name_plural = _("délais de prévenance")
        constraints = [
            models.UniqueConstraint(
                fields=["service", "direction"],
                name="one_cutoff_per_direction",
                violation_error_message=_("Cette prestation a déjà un délai dans ce sens : modifiez-le."),
            )
        ]

    def __str__(self) -> str:
        delay = f"{self.amount} {self.get_unit_display()}"
        if self.time_of_day:
            delay = _("%(delay)s avant %(time)s") % {"delay": delay, "time": f"{self.time_of_day:%H:%M}"}
        late = self.get_late_policy_display().lower()
        if self.late_amount:
            late = f"{late} ({self.late_amount} €)"
        return _("%(direction)s : %(delay)s ; ensuite %(late)s") % {
            "direction": self.get_direction_display(),
            "delay": delay,
            "late": late,
        }

    def clean(self) -> None:
        errors = {}
        if self.time_of_day is not None and self.unit in (self.Unit.HOURS, self.Unit.WORKING_HOURS):
            errors["time_of_day"] = _("L'heure limite ne s'applique qu'à un délai en jours.")
        surcharged = self.late_policy in (self.LatePolicy.FIXED_PRICE, self.LatePolicy.PRICE_PLUS)
        if surcharged and not self.late_amount:
            errors["late_amount"] = _("Indiquez le montant de la majoration.")
        if self.late_policy and not surcharged and self.late_amount:
            errors["late_amount"] = _("Ce choix n'a pas de majoration : laissez 0.")
        if self.late_policy == self.LatePolicy.BILLED and self.direction == self.Direction.BOOKING:
            errors["late_policy"] = _("« Acceptée mais facturée » ne vaut que pour une annulation.")
        if errors:
            raise ValidationError(errors)


class Tariff(models.Model):
    """Prices of a service for a validity period, by quotient familial bracket."""

    class Residence(models.TextChoices):
        ANY = "any", _("Tous")
        RESIDENT = "resident", _("Habitants de la commune")
        NON_RESIDENT = "non_resident", _("Hors commune")

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="tariffs")
    valid_from = models.DateField(_("valable du"))
    valid_to = models.DateField(_("au"), null=True, blank=True)
    residence = models.CharField(_("résidence"), max_length=12, choices=Residence.choices, default=Residence.ANY)
    unknown_qf_price = models.DecimalField(
        _("prix sans quotient connu"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("vide = prix de la tranche la plus haute"),
    )

    class Meta:
        verbose_name = _("tarif")
        ordering = ["service", "valid_from"]

    def __str__(self) -> str:
        return f"{self.service} ({self.valid_from:%d/%m/%Y})"

    def clean(self) -> None:
        if self.valid_from is None:
            return
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("La fin de validité doit suivre le début.")})
        end = self.valid_to or date.max
        others = Tariff.objects.filter(service_id=self.service_id, residence=self.residence).exclude(pk=self.pk)
        overlapping = others.filter(valid_from__lte=end).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=self.valid_from)
        )
        if other := overlapping.first():
            raise ValidationError(
                _("Le tarif valable à partir du %(day)s couvre déjà une partie de ces dates.")
                % {"day": f"{other.valid_from:%d/%m/%Y}"}
            )


class TariffBracket(models.Model):
    tariff = models.ForeignKey(Tariff, on_delete=models.CASCADE, related_name="brackets")
    qf_min = models.PositiveIntegerField(_("QF de"), default=0)
    qf_max = models.PositiveIntegerField(_("QF jusqu'à"), null=True, blank=True, help_text=_("vide = sans plafond"))
    price = models.DecimalField(
        _("prix unitaire"), max_digits=8, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )

    class Meta:
        verbose_name = _("tranche de quotient familial")
        ordering = ["qf_min"]

    def __str__(self) -> str:
        return f"QF {self.range_label} : {self.price} €"

    @property
    def range_label(self) -> str:
        """The QF range, e.g. 0–700, or 1201–∞ for the open-ended top bracket (a bracket may end at QF 0)."""
        return f"{self.qf_min}–{'∞' if self.qf_max is None else self.qf_max}"


def brackets_check(brackets: list[TariffBracket]) -> None:
    """QF brackets follow each other from 0, without gap or overlap; only the last one may be open-ended."""
    ordered = sorted(brackets, key=lambda b: b.qf_min)
    for bracket in ordered:
        if bracket.qf_max is not None and bracket.qf_max < bracket.qf_min:
            raise ValidationError(_("La tranche %(a)s finit avant de commencer.") % {"a": bracket.range_label})
    if ordered and ordered[0].qf_min != 0:
        raise ValidationError(_("La première tranche commence à un QF de 0."))
    for lower, upper in itertools.pairwise(ordered):
        if lower.qf_max is None or upper.qf_min <= lower.qf_max:
            raise ValidationError(
                _("Les tranches %(a)s et %(b)s se chevauchent.") % {"a": lower.range_label, "b": upper.range_label}
            )
        if upper.qf_min != lower.qf_max + 1:
            raise ValidationError(
                _("Il manque les QF entre les tranches %(a)s et %(b)s.")
                % {"a": lower.range_label, "b": upper.range_label}
            )
