"""Communes (tenants) and their domains, in the public schema."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin

from core.communes import CommuneStatus

# Lowercase letters and digits: a valid PostgreSQL schema name and DNS label.
validate_slug = RegexValidator(
    r"^[a-z][a-z0-9]{1,29}$",
    _("L'identifiant doit compter 2 à 30 lettres minuscules ou chiffres et commencer par une lettre."),
)
# Five digits, or 2A/2B followed by three digits for Corsica.
validate_insee_code = RegexValidator(
    r"^(\d{5}|2[AB]\d{3})$",
    _("Le code INSEE compte 5 caractères : 5 chiffres, ou 2A/2B suivi de 3 chiffres."),
)
RESERVED_SLUGS = frozenset({"public", "www", "admin", "api", "static", "media", "console", "tenant_template"})


class Commune(TenantMixin):
    Status = CommuneStatus

    # The commune's slug: its schema and the label of its subdomain.
    schema_name = models.CharField(
        _("identifiant"),
        max_length=30,
        unique=True,
        validators=[validate_slug],
        error_messages={"unique": _("Une commune utilise déjà cet identifiant.")},
    )
    name = models.CharField(_("nom"), max_length=100)
    insee_code = models.CharField(
        _("code INSEE"),
        max_length=5,
        unique=True,
        validators=[validate_insee_code],
        error_messages={"unique": _("Une commune avec ce code INSEE existe déjà.")},
    )
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created = models.DateTimeField(_("créée le"), auto_now_add=True)

    # Onboarding creates the schema itself, inside its own transaction.
    auto_create_schema = False
    auto_drop_schema = False

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def slug(self) -> str:
        return self.schema_name

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class Domain(DomainMixin):
    class Meta:
        verbose_name = _("domaine")
        verbose_name_plural = _("domaines")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant"], condition=models.Q(is_primary=True), name="one_primary_domain_per_commune"
            )
        ]

    def __str__(self) -> str:
        return self.domain


class ContactRequest(models.Model):
    """A "Vous êtes une mairie ? Contactez-nous" message from the landing page."""

    name = models.CharField(_("nom"), max_length=150)
    organisation = models.CharField(_("commune ou organisme"), max_length=150)
    email = models.EmailField(_("adresse e-mail"))
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    message = models.TextField(_("message"), max_length=5000)
    created = models.DateTimeField(_("reçue le"), auto_now_add=True)
    handled = models.BooleanField(_("traitée"), default=False)

    class Meta:
        verbose_name = _("demande de contact")
        verbose_name_plural = _("demandes de contact")
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.name}"
