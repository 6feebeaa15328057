"""Until when a change is allowed, what happens after, and the reasons a family may give for an absence."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from catalog.models.structure import Service


class CutoffRule(models.Model):
    """Until when a booking (or a cancellation) of a unit can be made online, and what a late one costs.

    Seed 001 read as written: after the cutoff the family cannot change online and calls the structure
    (`online_after` = refuse); a late change that staff accept then costs the late price (4 €, 10 €, the
    day rate + 3 €), and a late cancellation stays billed. A rule without a unit covers every unit of the
    service that has no rule of its own.
    """

    class Direction(models.TextChoices):
        BOOKING = "booking", _("Réservation")
        CANCELLATION = "cancellation", _("Annulation")

    class Unit(models.TextChoices):
        CALENDAR_DAYS = "calendar_days", _("jours calendaires")
        WORKING_DAYS = "working_days", _("jours ouvrés")
        HOURS = "hours", _("heures")
        WORKING_HOURS = "working_hours", _("heures ouvrées")
        MONTH_DAY = "month_day", _("jour du mois précédent")
        WEEKDAY = "weekday", _("jour de la semaine précédente")

    class OnlineAfter(models.TextChoices):
        REFUSE = "refuse", _("Refusé en ligne : la famille contacte la structure")
        ACCEPT = "accept", _("Accepté en ligne, au prix du retard")

    class LatePrice(models.TextChoices):
        NORMAL = "normal", _("au tarif normal (une annulation tardive reste facturée)")
        FIXED = "fixed", _("à un prix fixe")
        PLUS = "plus", _("au tarif plus une majoration")

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="cutoff_rules")
    applies_to = models.ForeignKey(
        "catalog.ServiceUnit",
        verbose_name=_("unité"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="cutoff_rules",
        help_text=_("vide = toutes les unités sans règle propre"),
    )
    direction = models.CharField(_("sens"), max_length=12, choices=Direction.choices)
    amount = models.PositiveSmallIntegerField(
        _("délai"), help_text=_("0 jour = le jour même ; le jour du mois (1-28) ; le jour de la semaine (0 = lundi)")
    )
    unit = models.CharField(_("unité du délai"), max_length=13, choices=Unit.choices)
    time_of_day = models.TimeField(
        _("avant l'heure"), null=True, blank=True, help_text=_("ex. 12:00 pour « J-2 avant 12h »")
    )
    online_after = models.CharField(
        _("après le délai, en ligne"), max_length=6, choices=OnlineAfter.choices, default=OnlineAfter.REFUSE
    )
    late_price = models.CharField(
        _("prix d'un changement tardif"), max_length=6, choices=LatePrice.choices, default=LatePrice.NORMAL
    )
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
                fields=["service", "applies_to", "direction"],
                nulls_distinct=False,
                name="one_cutoff_per_unit_and_direction",
                violation_error_message=_("Cette unité a déjà un délai dans ce sens : modifiez-le."),
            )
        ]

    def __str__(self) -> str:
        delay = f"{self.amount} {self.get_unit_display()}"
        if self.time_of_day:
            delay = _("%(delay)s avant %(time)s") % {"delay": delay, "time": f"{self.time_of_day:%H:%M}"}
        late = self.get_late_price_display()
        if self.late_amount:
            late = f"{late} ({formats.number_format(self.late_amount, 2)} €)"
        return _("%(direction)s : %(delay)s ; ensuite %(online)s, %(late)s") % {
            "direction": self.get_direction_display(),
            "delay": delay,
            "online": self.get_online_after_display().lower(),
            "late": late,
        }

    @property
    def surcharged(self) -> bool:
        return self.late_price in (self.LatePrice.FIXED, self.LatePrice.PLUS)

    def clean(self) -> None:
        errors = {}
        if self.time_of_day is not None and self.unit in (self.Unit.HOURS, self.Unit.WORKING_HOURS):
            errors["time_of_day"] = _("L'heure limite ne s'applique qu'à un délai en jours.")
        if self.unit == self.Unit.MONTH_DAY and not 1 <= (self.amount or 0) <= 28:
            errors["amount"] = _("Indiquez un jour du mois de 1 à 28 (il existe dans chaque mois).")
        if self.unit == self.Unit.WEEKDAY and (self.amount or 0) > 6:
            errors["amount"] = _("Indiquez un jour de la semaine de 0 (lundi) à 6 (dimanche).")
        if self.surcharged and not self.late_amount:
            errors["late_amount"] = _("Indiquez le montant du retard.")
        if not self.surcharged and self.late_amount:
            errors["late_amount"] = _("Ce choix n'a pas de montant : laissez 0.")
        if self.applies_to_id and self.service_id and self.applies_to.service_id != self.service_id:
            errors["applies_to"] = _("Cette unité appartient à une autre prestation.")
        if errors:
            raise ValidationError(errors)


class AbsenceReason(models.Model):
    """A reason a family may give for an absence from a service (seed 000: "Pour justifier une absence.
    Pièce jointe obligatoire."); where it needs a justificatif, the family adds it when reporting or
    within the service's `absence_proof_days`."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="absence_reasons")
    label = models.CharField(_("motif"), max_length=100)
    needs_proof = models.BooleanField(_("justificatif obligatoire"), default=False)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("motif d'absence")
        verbose_name_plural = _("motifs d'absence")
        ordering = ["service", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "label"],
                name="one_absence_reason_per_label",
                violation_error_message=_("Ce motif existe déjà pour cette prestation."),
            )
        ]

    def __str__(self) -> str:
        return self.label
