"""Documents families send to the mairie, kept private and reviewed.

Storage knows no other domain app: a document belongs to a record named by a
key ("families.household:12"), and the apps that own those records register
who may read them (see `storage.access`).
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentType(models.Model):
    """A kind of document the commune asks for (vaccinations, insurance, QF proof…)."""

    name = models.CharField(_("nom"), max_length=120, unique=True)
    validity_months = models.PositiveSmallIntegerField(
        _("validité (mois)"), null=True, blank=True, help_text=_("vide = sans date d'expiration")
    )
    help_text = models.CharField(_("aide pour les familles"), max_length=250, blank=True)

    class Meta:
        verbose_name = _("type de document")
        verbose_name_plural = _("types de document")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# The most a commune may allow for one file.
MAX_UPLOAD_MB = 50


class StoragePolicy(models.Model):
    """The commune's upload limit (one row)."""

    max_upload_mb = models.PositiveSmallIntegerField(
        _("taille maximale d'un fichier (Mo)"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_UPLOAD_MB)],
    )

    class Meta:
        verbose_name = _("règles de dépôt")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)


class Document(models.Model):
    class Review(models.TextChoices):
        PENDING = "pending", _("En attente")
        ACCEPTED = "accepted", _("Accepté")
        REFUSED = "refused", _("Refusé")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.CharField(_("dossier propriétaire"), max_length=100, db_index=True)
    subject = models.CharField(_("concerne"), max_length=100, blank=True, db_index=True)
    document_type = models.ForeignKey(
        DocumentType, verbose_name=_("type"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(_("fichier"), max_length=255)
    original_name = models.CharField(_("nom du fichier"), max_length=150)
    size = models.PositiveIntegerField(_("taille (octets)"))
    content_type = models.CharField(_("type de contenu"), max_length=40)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("déposé par"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("déposé le"), auto_now_add=True)
    review = models.CharField(_("examen"), max_length=10, choices=Review.choices, default=Review.PENDING)
    refusal_reason = models.CharField(_("motif du refus"), max_length=300, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    expires_on = models.DateField(_("expire le"), null=True, blank=True)
    expiry_reminded_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("document")
        ordering = ["-uploaded_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(review="refused") | ~models.Q(refusal_reason=""),
                name="refusal_has_a_reason",
            )
        ]

    def __str__(self) -> str:
        return self.original_name
