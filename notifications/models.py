"""What was sent to whom: one row per recipient and e-mail, kept in the commune's schema."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import OutboxMessage
from notifications.kinds import KINDS


class Notification(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("en attente d'envoi")
        SENT = "sent", _("envoyé")
        TURNED_OFF = "turned_off", _("non envoyé : désactivé par le destinataire")

    kind = models.CharField(_("type"), max_length=60)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="notifications"
    )
    email = models.EmailField(_("destinataire"))
    language = models.CharField(_("langue"), max_length=8)
    subject = models.CharField(_("objet"), max_length=255)
    text = models.TextField(blank=True)
    html = models.TextField(blank=True)
    status = models.CharField(_("état"), max_length=12, choices=Status.choices, default=Status.QUEUED)
    created = models.DateTimeField(_("créé le"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    # Its delivery: attempts, the last failure and the next try are the outbox's.
    delivery = models.OneToOneField(
        OutboxMessage, null=True, blank=True, on_delete=models.SET_NULL, related_name="notification"
    )

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["email", "-created"], name="notification_recipient")]

    def __str__(self) -> str:
        return f"{self.kind} → {self.email}"

    @property
    def kind_label(self) -> str:
        kind = KINDS.get(self.kind)
        return str(kind.label) if kind else self.kind

    @property
    def failed(self) -> bool:
        """Delivery failed at least once and is still to be retried."""
        return self.status == self.Status.QUEUED and self.delivery is not None and bool(self.delivery.last_error)


class TurnedOffKind(models.Model):
    """A kind a user chose not to receive (kinds that are always sent cannot be turned off)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="turned_off_kinds")
    kind = models.CharField(max_length=60)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="turned_off_once_per_kind")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.kind}"
