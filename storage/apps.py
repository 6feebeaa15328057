from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StorageConfig(AppConfig):
    name = "storage"
    verbose_name = _("Documents")

    def ready(self) -> None:
        from audit.models import register_action_labels

        register_action_labels(
            {
                "storage.review": _("examen d'un document"),
                "storage.delete": _("suppression d'un document"),
                "storage.policy": _("taille maximale des fichiers"),
            }
        )
