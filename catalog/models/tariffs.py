"""At what price: tariffs by validity, residence and quotient familial bracket."""

import itertools
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalog.models.structure import Service


class Tariff(models.Model):
    """Prices of a service for a validity period, by quotient familial bracket."""

    class Residence(models.TextChoices):
        ANY = "any", _("Tous")
        RESIDENT = "resident", _("Habitants de la commune")
        NON_RESIDENT = "non_resident", _("Hors commune")

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="tariffs")
    # What it prices: one unit alone, or a combination of units (exactly one of the two).
    unit = models.ForeignKey(
        "catalog.ServiceUnit",
        verbose_name=_("unité"),
        null=True,
        blank=True,
        on_delete=models.RESTRICT,
        related_name="tariffs",
    )
    combination = models.ForeignKey(
        "catalog.UnitCombination",
        verbose_name=_("combinaison"),
        null=True,
        blank=True,
        on_delete=models.RESTRICT,
        related_name="tariffs",
    )
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
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False, combination__isnull=True)
                | Q(unit__isnull=True, combination__isnull=False),
                name="tariff_prices_a_unit_or_a_combination",
                violation_error_message=_("Un tarif porte sur une unité ou sur une combinaison."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.service} ({self.valid_from:%d/%m/%Y})"

    @property
    def priced(self):
        """The unit or the combination this tariff prices."""
        return self.unit or self.combination

    def clean(self) -> None:
        if not self.unit_id and not self.combination_id and self.service_id:
            units = list(self.service.units.all()[:2])
            if len(units) == 1:  # a one-unit service: its tariffs price that unit
                self.unit = units[0]
        priced = self.unit if self.unit_id else self.combination if self.combination_id else None
        if priced is not None and self.service_id and priced.service_id != self.service_id:
            raise ValidationError(_("Cette unité ou combinaison appartient à une autre prestation."))
        if self.valid_from is None:
            return
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("La fin de validité doit suivre le début.")})
        end = self.valid_to or date.max
        others = Tariff.objects.filter(
            service_id=self.service_id,
            unit_id=self.unit_id,
            combination_id=self.combination_id,
            residence=self.residence,
        ).exclude(pk=self.pk)
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
        verbose_name_plural = _("tranches de quotient familial")
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
