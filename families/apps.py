from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FamiliesConfig(AppConfig):
    name = "families"
    verbose_name = _("Familles")

    def ready(self) -> None:
        from families import access  # noqa: F401  (registers who may read a household's documents)
