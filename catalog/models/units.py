"""What a service sells: its units (a matin, a repas, an evening session) and the combinations billed."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from catalog.models.structure import Service

CODE_HELP = _("identifiant stable (lettres, chiffres, tirets) : l'import d'un catalogue s'y retrouve")


# The one unit of a service that has no units of its own yet, after its measure: code, name, hours.
DEFAULT_UNITS = {
    "meal": ("repas", _("Repas"), "1.50"),
    "session": ("seance", _("Séance"), "1.00"),
    "half_day": ("demi-journee", _("Demi-journée"), "4.00"),
    "day": ("journee", _("Journée"), "8.00"),
    "hour": ("heure", _("Heure"), "1.00"),
}


def default_unit(measure: str) -> dict[str, str]:
    code, name, hours = DEFAULT_UNITS[measure]
    return {"code": code, "name": str(name), "duration_hours": hours}


class ServiceUnit(models.Model):
    """One thing a child can be booked for on a day (seed 002: journée, matin, après-midi, repas)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="units")
    code = models.SlugField(_("code"), max_length=40, blank=True, help_text=CODE_HELP)
    name = models.CharField(_("nom"), max_length=60)
    duration_hours = models.DecimalField(
        _("durée (heures)"),
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.25"))],
        help_text=_("pour les bilans d'heures (CAF)"),
    )
    capacity = models.PositiveIntegerField(
        _("places propres"), null=True, blank=True, help_text=_("vide = les places du jour de la prestation")
    )
    requires = models.ManyToManyField(
        "self",
        verbose_name=_("seulement avec l'une de"),
        symmetrical=False,
        blank=True,
        related_name="required_by",
        help_text=_("ex. un repas seulement avec un matin ou un après-midi"),
    )
    excludes = models.ManyToManyField(
        "self", verbose_name=_("incompatible avec"), blank=True, help_text=_("ex. la journée et le matin")
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("unité")
        ordering = ["service", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "code"],
                name="unit_code_unique_in_service",
                violation_error_message=_("Une autre unité de cette prestation a déjà ce code."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.code = self.code or slugify(self.name)[:40]


class UnitCombination(models.Model):
    """A set of units billed together (matin + repas + après-midi = une journée); the highest priority wins."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="combinations")
    code = models.SlugField(_("code"), max_length=40, blank=True, help_text=CODE_HELP)
    name = models.CharField(_("nom"), max_length=60)
    units = models.ManyToManyField(ServiceUnit, verbose_name=_("unités"), related_name="combinations")
    priority = models.PositiveSmallIntegerField(
        _("priorité"), default=0, help_text=_("quand plusieurs façons de facturer une journée existent")
    )

    class Meta:
        verbose_name = _("combinaison facturée")
        verbose_name_plural = _("combinaisons facturées")
        ordering = ["service", "-priority", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "code"],
                name="combination_code_unique_in_service",
                violation_error_message=_("Une autre combinaison de cette prestation a déjà ce code."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.code = self.code or slugify(self.name)[:40]
