"""Who changed what in a commune, kept even when the actor's account goes away."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# Each app registers the labels of the actions it journals (see `register_action_labels`).
ACTION_LABELS: dict[str, str] = {}


def register_action_labels(labels: dict[str, str]) -> None:
    """Called by an app at start-up: how its journal actions read on a record's history."""
    ACTION_LABELS.update(labels)


class AuditEntry(models.Model):
    created = models.DateTimeField(_("date"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("auteur"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_email = models.EmailField(_("e-mail de l'auteur"), blank=True)
    action = models.CharField(_("action"), max_length=60)
    target_type = models.CharField(_("type d'objet"), max_length=60)
    target_id = models.CharField(_("identifiant"), max_length=40)
    target_label = models.CharField(_("objet"), max_length=200)
    changes = models.JSONField(_("modifications"), default=dict, blank=True)
    # The record a change belongs to (a service for its rules, a household for its children),
    # so that record's page shows its whole history.
    context = models.CharField(_("dossier"), max_length=100, blank=True, db_index=True)

    class Meta:
        verbose_name = _("entrée du journal")
        verbose_name_plural = _("journal des actions")
        ordering = ["-created", "-pk"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target")]

    def __str__(self) -> str:
        return f"{self.created:%d/%m/%Y %H:%M} {self.actor_email} {self.action} {self.target_label}"

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS.get(self.action, self.action))
