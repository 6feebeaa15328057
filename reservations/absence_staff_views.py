"""The mairie's side of absences: those waiting for a decision (also a section of the families queue), and
one absence with its justificatif, decided justified or not with the reason the family reads."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from accounts.models import User
from core.access import capability_required
from core.roles import Capability, can
from families.panels import Panel
from reservations.absence_forms import AbsenceDecisionForm
from reservations.absence_selectors import absences_to_decide, get_absence_for_review
from reservations.services.absences import absence_decide, billed_bookings
from reservations.views import errors_to_form

family_staff_required = capability_required(Capability.FAMILIES_REVIEW)
QUEUE_PANEL_ROWS = 10


def absences_panel(*, user: User) -> Panel | None:
    """The families queue's section: the oldest absences to decide, and the way to all of them."""
    if not can(user, Capability.FAMILIES_REVIEW):
        return None
    waiting = absences_to_decide()
    return Panel(
        "reservations/staff/absences_panel.html",
        {"absences": list(waiting[:QUEUE_PANEL_ROWS]), "count": waiting.count()},
    )


@require_safe
@family_staff_required
def absences(request: HttpRequest) -> HttpResponse:
    return render(request, "reservations/staff/absences.html", {"absences": absences_to_decide()})


@require_http_methods(["GET", "HEAD", "POST"])
@family_staff_required
def absence_review(request: HttpRequest, absence_id: int) -> HttpResponse:
    absence = get_absence_for_review(request.user, absence_id)
    form = AbsenceDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            absence_decide(
                actor=request.user,
                absence=absence,
                justified=form.cleaned_data["decision"] == "justified",
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Décision enregistrée ; la famille est prévenue par e-mail."))
            return redirect("reservations_staff:absences")
    covered = list(absence.bookings.all())
    context = {"absence": absence, "form": form, "covered": covered, "billed": billed_bookings(absence, covered)}
    return render(request, "reservations/staff/absence.html", context)
