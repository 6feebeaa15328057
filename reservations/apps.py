from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReservationsConfig(AppConfig):
    name = "reservations"
    verbose_name = _("Réservations")

    def ready(self) -> None:
        from audit.models import register_action_labels
        from catalog.days import register_places_taken
        from families.panels import register_child_panel, register_queue_panel
        from notifications.kinds import register_kinds
        from reservations import absence_staff_views, allocation_views, closure_views, staff_views, views
        from reservations.notifications import KINDS
        from reservations.places import children_booked

        register_kinds(*KINDS)
        # The child's page lists its enrolments and bookings; the families queue, the enrolments to review.
        register_child_panel(views.child_panel)
        register_queue_panel(staff_views.queue_panel)
        register_queue_panel(closure_views.closures_panel)
        register_queue_panel(absence_staff_views.absences_panel)
        register_queue_panel(allocation_views.allocations_panel)
        register_places_taken(children_booked)  # the catalogue's days show the places left

        register_action_labels(
            {
                "reservations.book": _("réservation"),
                "reservations.cancel": _("annulation"),
                "reservations.enrolment": _("décision sur une inscription"),
                "reservations.enrolment_end": _("fin d'une inscription"),
                "reservations.requirement": _("pièce demandée à l'inscription"),
                "reservations.payment": _("paiement enregistré au guichet"),
                "reservations.requirement_delete": _("pièce demandée à l'inscription retirée"),
                "reservations.closure": _("fermeture exceptionnelle d'un jour"),
                "reservations.absence": _("absence signalée"),
                "reservations.absence_proof": _("justificatif d'absence envoyé"),
                "reservations.absence_decision": _("décision sur une absence"),
            }
        )
