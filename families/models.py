"""Households, their guardians, children and pick-up persons, and the requests the mairie validates."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

PHONE = RegexValidator(r"^\+?[0-9 .()-]{8,20}$", _("Numéro de téléphone invalide."))


class Decision(models.TextChoices):
    """Where a request stands; the dashboard shows ? V ! as the seeds do."""

    PENDING = "pending", _("En attente")
    VALIDATED = "validated", _("Validé")
    REFUSED = "refused", _("Refusé")


class Household(models.Model):
    class QfSource(models.TextChoices):
        CAF = "caf", _("CAF")
        MSA = "msa", _("MSA")
        TAX_NOTICE = "tax_notice", _("Avis d'imposition")

    name = models.CharField(_("nom du foyer"), max_length=150)
    address = models.CharField(_("adresse"), max_length=250)
    postcode = models.CharField(_("code postal"), max_length=5, validators=[RegexValidator(r"^\d{5}$")])
    city = models.CharField(_("commune"), max_length=100)
    resident = models.BooleanField(_("habite la commune"), default=True)
    # The QF in force: changed only when the mairie validates a request with its proof.
    qf = models.PositiveIntegerField(_("quotient familial"), null=True, blank=True)
    qf_source = models.CharField(_("source du QF"), max_length=12, choices=QfSource.choices, blank=True)
    qf_valid_from = models.DateField(_("QF valable du"), null=True, blank=True)
    qf_valid_to = models.DateField(_("QF valable jusqu'au"), null=True, blank=True)
    status = models.CharField(_("état"), max_length=10, choices=Decision.choices, default=Decision.PENDING)
    created = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("foyer")

    def __str__(self) -> str:
        return self.name


class Guardian(models.Model):
    """A legal guardian; with an account when they use the portal."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="guardians")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="guardian"
    )
    first_name = models.CharField(_("prénom"), max_length=100)
    last_name = models.CharField(_("nom"), max_length=100)
    relationship = models.CharField(_("lien avec les enfants"), max_length=50, default=_("Parent"))
    phone = models.CharField(_("téléphone"), max_length=20, validators=[PHONE])
    email = models.EmailField(_("adresse e-mail"))

    class Meta:
        verbose_name = _("responsable légal")
        verbose_name_plural = _("responsables légaux")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Child(models.Model):
    class Diet(models.TextChoices):
        NONE = "", _("Aucun")
        NO_PORK = "no_pork", _("Sans porc")
        NO_MEAT = "no_meat", _("Sans viande")
        VEGETARIAN = "vegetarian", _("Végétarien")

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="children")
    first_name = models.CharField(_("prénom"), max_length=100)
    last_name = models.CharField(_("nom"), max_length=100)
    birth_date = models.DateField(_("date de naissance"))
    school = models.CharField(_("école"), max_length=150, blank=True)
    school_class = models.CharField(_("classe"), max_length=30, blank=True, help_text=_("ex. CE1"))
    allergies = models.TextField(_("allergies"), blank=True)
    has_pai = models.BooleanField(_("projet d'accueil individualisé (PAI)"), default=False)
    diet = models.CharField(_("régime alimentaire"), max_length=12, choices=Diet.choices, blank=True)
    health_notes = models.TextField(_("autres informations de santé"), blank=True)
    status = models.CharField(_("état"), max_length=10, choices=Decision.choices, default=Decision.PENDING)

    class Meta:
        verbose_name = _("enfant")
        ordering = ["birth_date"]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


class PickupPerson(models.Model):
    """Someone allowed to collect a child at the end of a session."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="pickup_persons")
    name = models.CharField(_("nom et prénom"), max_length=150)
    phone = models.CharField(_("téléphone"), max_length=20, validators=[PHONE])
    relationship = models.CharField(_("lien avec l'enfant"), max_length=50)

    class Meta:
        verbose_name = _("personne autorisée")
        verbose_name_plural = _("personnes autorisées")

    def __str__(self) -> str:
        return self.name


class ChangeRequest(models.Model):
    """A household's creation, or a change to what the mairie checks (QF, residence, a new child)."""

    class Kind(models.TextChoices):
        HOUSEHOLD = "household", _("Création du foyer")
        CHILD = "child", _("Ajout d'un enfant")
        QF = "qf", _("Quotient familial")
        RESIDENCE = "residence", _("Adresse et résidence")

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="requests")
    kind = models.CharField(_("demande"), max_length=10, choices=Kind.choices)
    child = models.ForeignKey(Child, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # What is asked, applied to the household only when validated.
    payload = models.JSONField(_("contenu"), default=dict, blank=True)
    proof = models.ForeignKey(
        "storage.Document", verbose_name=_("justificatif"), null=True, blank=True, on_delete=models.PROTECT
    )
    status = models.CharField(_("état"), max_length=10, choices=Decision.choices, default=Decision.PENDING)
    reason = models.CharField(_("motif du refus"), max_length=300, blank=True)
    created = models.DateTimeField(_("demandé le"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided = models.DateTimeField(_("traité le"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("demande")
        ordering = ["-created", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="refused") | ~models.Q(reason=""), name="refused_request_has_a_reason"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.household}"
