"""Households, their guardians, children and pick-up persons, and the requests the mairie validates."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.models import Service

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
    """A child; separated parents' households may both be attached to them (see ChildHousehold)."""

    class Diet(models.TextChoices):
        NONE = "", _("Aucun")
        NO_PORK = "no_pork", _("Sans porc")
        NO_MEAT = "no_meat", _("Sans viande")
        VEGETARIAN = "vegetarian", _("Végétarien")

    households = models.ManyToManyField(Household, through="ChildHousehold", related_name="children")

    # What a family declares about a child, on the pages and through the API alike.
    DECLARED_FIELDS = (
        "first_name",
        "last_name",
        "birth_date",
        "school",
        "school_class",
        "allergies",
        "has_pai",
        "diet",
        "health_notes",
    )
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


class Schooling(models.Model):
    """Where a child goes to school in a school year, kept per year: enrolments for September are made in
    June while this year's registers still run, and eligibility is checked for the year of the day."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="schoolings")
    school_year = models.ForeignKey("catalog.SchoolYear", on_delete=models.PROTECT, related_name="+")
    school = models.CharField(_("école"), max_length=150, blank=True)
    level = models.CharField(_("niveau"), max_length=3, choices=Service.SchoolLevel.choices, blank=True)

    class Meta:
        verbose_name = _("scolarité")
        constraints = [
            models.UniqueConstraint(
                fields=["child", "school_year"],
                name="one_schooling_per_child_and_year",
                violation_error_message=_("La scolarité de cet enfant pour cette année est déjà indiquée."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.child} — {self.school_year} : {self.level} {self.school}".strip()


class ChildHousehold(models.Model):
    """A child attached to a household. Both households of a shared child see and update the child's
    identity, health and dossier; each keeps its address, phones, QF and pick-up persons to itself."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="links")
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="child_links")
    linked = models.DateTimeField(_("rattaché le"), auto_now_add=True)

    class Meta:
        verbose_name = _("rattachement d'un enfant à un foyer")
        verbose_name_plural = _("rattachements des enfants aux foyers")
        constraints = [models.UniqueConstraint(fields=["child", "household"], name="one_link_per_child_and_household")]

    def __str__(self) -> str:
        return f"{self.child} — {self.household}"


class PickupPerson(models.Model):
    """Someone a household allows to collect a child at the end of a session (its own list, not shared)."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="pickup_persons")
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="pickup_persons")
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
            ),
            # Two pending changes of the same thing would let the older one overwrite the newer.
            models.UniqueConstraint(
                fields=["household", "kind"],
                condition=models.Q(status="pending", kind__in=["household", "qf", "residence"]),
                name="one_pending_request_of_each_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.household}"


class DossierRequirement(models.Model):
    """A piece the commune asks for in every child's yearly dossier."""

    class Kind(models.TextChoices):
        DOCUMENT = "document", _("Document à fournir")
        AUTHORISATION = "authorisation", _("Autorisation (oui ou non)")
        ACCEPTANCE = "acceptance", _("Acceptation obligatoire")

    label = models.CharField(_("intitulé"), max_length=150, unique=True)
    kind = models.CharField(_("type"), max_length=13, choices=Kind.choices)
    document_type = models.ForeignKey(
        "storage.DocumentType",
        verbose_name=_("type de document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    help_text = models.CharField(_("aide pour les familles"), max_length=250, blank=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    active = models.BooleanField(_("demandé"), default=True)

    class Meta:
        verbose_name = _("pièce du dossier")
        verbose_name_plural = _("pièces du dossier")
        ordering = ["position", "label"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="document") | models.Q(document_type__isnull=False),
                name="document_requirement_has_a_type",
                violation_error_message=_("Choisissez le type de document demandé."),
            )
        ]

    def __str__(self) -> str:
        return self.label


class Dossier(models.Model):
    """A child's administrative dossier for one school year; booking needs it validated."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("À compléter")
        SUBMITTED = "submitted", _("Transmis")
        VALIDATED = "validated", _("Validé")
        REFUSED = "refused", _("À corriger")

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="dossiers")
    school_year = models.ForeignKey("catalog.SchoolYear", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("état"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    submitted = models.DateTimeField(_("transmis le"), null=True, blank=True)
    decided = models.DateTimeField(_("examiné le"), null=True, blank=True)

    class Meta:
        verbose_name = _("dossier administratif")
        verbose_name_plural = _("dossiers administratifs")
        constraints = [models.UniqueConstraint(fields=["child", "school_year"], name="one_dossier_per_child_and_year")]

    def __str__(self) -> str:
        return f"{self.child} — {self.school_year}"


class DossierItem(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="items")
    requirement = models.ForeignKey(DossierRequirement, on_delete=models.PROTECT, related_name="+")
    document = models.ForeignKey("storage.Document", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    answer = models.BooleanField(null=True, blank=True)
    review = models.CharField(_("examen"), max_length=10, choices=Decision.choices, default=Decision.PENDING)
    reason = models.CharField(_("motif du refus"), max_length=300, blank=True)

    class Meta:
        ordering = ["requirement__position", "requirement__label"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "requirement"], name="one_item_per_requirement"),
        ]

    def __str__(self) -> str:
        return str(self.requirement)

    @property
    def filled(self) -> bool:
        kind = DossierRequirement.Kind
        if self.requirement.kind == kind.DOCUMENT:
            return self.document_id is not None
        if self.requirement.kind == kind.ACCEPTANCE:
            return self.answer is True
        return self.answer is not None
