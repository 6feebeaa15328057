"""The family's absences: report one from the child's page or the planning, follow each (the justificatif
due, the mairie's decision and its reason) and add the justificatif later from the list."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.ids import id_of
from families.selectors import FamilyActor
from families.views import family_page
from reservations.absence_forms import AbsenceProofForm, AbsenceReportForm
from reservations.absence_selectors import absences_of, get_absence_for, services_to_report
from reservations.services.absences import absence_add_proof, absence_report
from reservations.views import errors_to_form


@require_http_methods(["GET", "HEAD", "POST"])
@family_page
def absences(request: HttpRequest, actor: FamilyActor) -> HttpResponse:
    """The household's absences; a POST adds the justificatif of one of them."""
    if request.method == "POST":
        absence_id = id_of(request.POST.get("absence"))
        if absence_id is None:
            raise Http404
        absence = get_absence_for(actor, absence_id)
        form = AbsenceProofForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, _("Choisissez le fichier du justificatif."))
            return redirect("reservations:absences")
        upload = form.cleaned_data["proof"]
        try:
            absence_add_proof(
                actor=request.user, household=actor.household, absence=absence, proof=(upload, upload.name)
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Justificatif envoyé : la mairie va examiner l'absence."))
        return redirect("reservations:absences")
    return render(request, "reservations/absences.html", {"absences": absences_of(actor)})


@require_http_methods(["GET", "HEAD", "POST"])
@family_page
def absence_new(request: HttpRequest, actor: FamilyActor) -> HttpResponse:
    """Report an absence: `?enfant=` (the child's page), `&service=` and `&du=` (a day of the planning)
    choose in advance."""
    children = list(actor.household.children.order_by("first_name"))
    services = services_to_report(actor, children)
    form = AbsenceReportForm(
        request.POST or None, request.FILES or None, children=children, services=services, initial=_asked(request)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data["proof"]
        try:
            absence_report(
                actor=request.user,
                household=actor.household,
                child=data["child"],
                service=data["service"],
                reason=data["reason"],
                first_day=data["first_day"],
                last_day=data["last_day"],
                note=data["note"],
                proof=(upload, upload.name) if upload else None,
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Absence signalée : la mairie va l'examiner."))
            return redirect("reservations:absences")
    return render(request, "reservations/absence_form.html", {"form": form, "services": services})


def _asked(request: HttpRequest) -> dict:
    asked = {
        "child": request.GET.get("enfant"),
        "service": request.GET.get("service"),
        "first_day": request.GET.get("du"),
    }
    return {name: value for name, value in asked.items() if value}
