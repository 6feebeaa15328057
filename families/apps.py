from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FamiliesConfig(AppConfig):
    name = "families"
    verbose_name = _("Familles")

    def ready(self) -> None:
        from audit.models import register_action_labels
        from families import access  # noqa: F401  (registers who may read a household's documents)

        register_action_labels(
            {
                "families.decide": _("décision sur une demande"),
                "families.email": _("changement d'adresse e-mail"),
                "families.dossier": _("examen d'un dossier"),
                "families.requirement": _("pièce du dossier"),
                "families.counter_start": _("début d'un passage au guichet"),
                "families.counter": _("changement fait au guichet"),
                "families.link": _("enfant rattaché à un second foyer"),
            }
        )
