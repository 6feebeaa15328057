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
                "storage.document_type": _("type de document"),
                "storage.document_type_delete": _("type de document supprimé"),
            }
        )
