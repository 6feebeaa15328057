from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FamiliesConfig(AppConfig):
    name = "families"
    verbose_name = _("Familles")

    def ready(self) -> None:
        from audit.models import register_action_labels
        from families import access  # noqa: F401  (registers who may read a household's documents)
        from families.notifications import KINDS
        from notifications.kinds import register_kinds

        register_kinds(*KINDS)

        register_action_labels(
            {
                "families.decide": _("décision sur une demande"),
                "families.email": _("changement d'adresse e-mail"),
                "families.dossier": _("examen d'un dossier"),
                "families.requirement": _("pièce du dossier"),
                "families.counter_start": _("début d'un passage au guichet"),
                "families.counter": _("changement fait au guichet"),
                "families.link": _("enfant rattaché à un second foyer"),
                "families.child_add": _("ajout d'un enfant (guichet)"),
                "families.child_update": _("informations d'un enfant (guichet)"),
                "families.pickup_add": _("personne autorisée ajoutée (guichet)"),
                "families.pickup_remove": _("personne autorisée retirée (guichet)"),
                "families.qf_request": _("quotient familial transmis (guichet)"),
                "families.address_request": _("changement d'adresse demandé (guichet)"),
                "families.document_upload": _("document envoyé (guichet)"),
                "families.guardian_add": _("responsable légal ajouté (guichet)"),
                "families.contact": _("coordonnées modifiées (guichet)"),
                "families.dossier_open": _("dossier ouvert (guichet)"),
                "families.dossier_fill": _("dossier complété (guichet)"),
                "families.dossier_submit": _("dossier transmis (guichet)"),
            }
        )
