"""When: closures and exceptional openings, booking windows, places of a day."""

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from catalog.models.structure import Service


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
    """When parents may book the days of a period (seed 002: summer opens after February).

    First come, first served; or, instead of a race at opening time, requests collected until
    `requests_until` and then places allocated by the commune's priorities and a seeded lottery among
    equals (reservations.services.allocation), first come first served for what is left afterwards."""

    class Allocation(models.TextChoices):
        FIRST_COME = "first_come", _("premier arrivé, premier servi")
        DRAW = "draw", _("demandes, puis attribution par priorités et tirage au sort")

    class Priority(models.TextChoices):
        RESIDENT = "resident", _("familles de la commune")
        SIBLING = "sibling", _("frères et sœurs demandés ou inscrits le même jour")
        REGULAR = "regular", _("enfants inscrits à l'année (semaine type)")

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="booking_windows")
    first_day = models.DateField(_("premier jour concerné"))
    last_day = models.DateField(_("dernier jour concerné"))
    opens_at = models.DateTimeField(_("ouverture des réservations"))
    closes_at = models.DateTimeField(_("clôture des réservations"), null=True, blank=True)
    allocation = models.CharField(
        _("attribution des places"), max_length=10, choices=Allocation.choices, default=Allocation.FIRST_COME
    )
    requests_until = models.DateTimeField(_("demandes jusqu'au"), null=True, blank=True)
    priorities = ArrayField(
        models.CharField(max_length=10, choices=Priority.choices),
        verbose_name=_("priorités, dans l'ordre"),
        default=list,
        blank=True,
    )
    allocated_at = models.DateTimeField(_("places attribuées le"), null=True, blank=True)
    # A stay (séjour): its days are booked all together; and a cap on the weeks a family books (summer).
    whole_period = models.BooleanField(_("séjour : les jours de la période se réservent ensemble"), default=False)
    max_weeks_per_household = models.PositiveSmallIntegerField(
        _("semaines par famille au maximum"), null=True, blank=True, help_text=_("vide = sans limite")
    )

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
        if self.allocation == self.Allocation.DRAW:
            if not self.requests_until or (self.opens_at and self.requests_until <= self.opens_at):
                errors["requests_until"] = _("Indiquez jusqu'à quand les demandes sont reçues, après l'ouverture.")
            elif self.closes_at and self.closes_at <= self.requests_until:
                errors["closes_at"] = _("La clôture doit suivre la fin des demandes.")
        if len(set(self.priorities)) != len(self.priorities):
            errors["priorities"] = _("Chaque priorité ne compte qu'une fois.")
        if errors:
            raise ValidationError(errors)


class CapacityOverride(models.Model):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="capacity_overrides")
    date = models.DateField(_("date"))
    capacity = models.PositiveIntegerField(_("places"))

    class Meta:
        verbose_name = _("capacité d'un jour")
        verbose_name_plural = _("capacités d'un jour")
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
