from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReservationsConfig(AppConfig):
    name = "reservations"
    verbose_name = _("Réservations")

    def ready(self) -> None:
        from audit.models import register_action_labels
        from notifications.kinds import register_kinds
        from reservations.notifications import KINDS

        register_kinds(*KINDS)

        register_action_labels(
            {
                "reservations.book": _("réservation"),
                "reservations.cancel": _("annulation"),
                "reservations.enrolment": _("décision sur une inscription"),
                "reservations.enrolment_end": _("fin d'une inscription"),
            }
        )
