"""Until when a change is allowed, and what happens after."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.models.structure import Service


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
