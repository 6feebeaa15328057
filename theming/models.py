"""A commune's face: the branding its portal shows (one row per commune schema)."""

from django.core.validators import RegexValidator
from django.db import connection, models
from django.utils.translation import gettext_lazy as _

validate_hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Indiquez une couleur au format #RRGGBB."))


def logo_upload_to(instance: "Branding", filename: str) -> str:
    # Storage keys start with the commune's schema, like every tenant file.
    return f"{connection.schema_name}/branding/{filename}"


class Branding(models.Model):
    singleton_id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    logo = models.FileField(_("logo"), upload_to=logo_upload_to, blank=True)
    primary_colour = models.CharField(
        _("couleur principale"), max_length=7, default="#1f4e8c", validators=[validate_hex_colour]
    )
    secondary_colour = models.CharField(
        _("couleur secondaire"), max_length=7, default="#f2f5fa", validators=[validate_hex_colour]
    )
    welcome_text = models.TextField(_("texte d'accueil"), blank=True)
    contact_email = models.EmailField(_("e-mail de contact"), blank=True)
    contact_phone = models.CharField(_("téléphone de contact"), max_length=30, blank=True)
    contact_address = models.TextField(_("adresse"), blank=True)
    opening_hours = models.TextField(_("horaires d'ouverture"), blank=True)

    class Meta:
        verbose_name = _("apparence du portail")
        verbose_name_plural = _("apparence du portail")
        constraints = [models.CheckConstraint(condition=models.Q(singleton_id=1), name="branding_singleton")]

    def __str__(self) -> str:
        return str(_("Apparence du portail"))
