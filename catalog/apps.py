from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "Catalogue"

    def ready(self) -> None:
        from audit.models import register_action_labels

        register_action_labels(
            {
                "catalog.create": _("création"),
                "catalog.update": _("modification"),
                "catalog.delete": _("suppression"),
                "catalog.brackets": _("tranches de quotient"),
                "catalog.replace": _("catalogue remplacé"),
            }
        )
