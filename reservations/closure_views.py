"""The mairie closes a day after bookings exist: the list of closures, the form, the preview of what it
cancels (bookings, families, money owed back, waiting lists) before confirming, and what it did."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_safe

from catalog.models import Service, Site
from core.access import capability_required
from core.roles import can
from families.panels import Panel
from reservations.closure_selectors import (
    closure_bookings,
    closure_owed_total,
    closures_list,
    get_closure_for,
    known_schools,
)
from reservations.models import Closure
from reservations.services.closures import CLOSURE_CAPABILITY, closure_create, closure_preview
from reservations.views import errors_to_form

closure_staff_required = capability_required(CLOSURE_CAPABILITY)
PANEL_ROWS = 5


class ClosureForm(forms.Form):
    date = forms.DateField(label=gettext_lazy("Jour fermé"), widget=forms.DateInput(attrs={"type": "date"}))
    cause = forms.ChoiceField(label=gettext_lazy("Cause"), choices=Closure.Cause.choices)
    label = forms.CharField(
        label=gettext_lazy("Message aux familles"),
        max_length=Closure._meta.get_field("label").max_length,
        help_text=gettext_lazy("Envoyé par e-mail à chaque famille concernée ; affiché sur le planning du jour fermé."),
    )
    service = forms.ModelChoiceField(
        label=gettext_lazy("Service"), queryset=Service.objects.order_by("name"), required=False
    )
    site = forms.ModelChoiceField(
        label=gettext_lazy("ou tout un site"), queryset=Site.objects.order_by("name"), required=False
    )
    school = forms.ChoiceField(label=gettext_lazy("École"), required=False)
    level = forms.ChoiceField(
        label=gettext_lazy("Classe"),
        required=False,
        choices=[("", gettext_lazy("Toutes les classes")), *Service.SchoolLevel.choices],
    )
    minimum_service = forms.BooleanField(
        label=gettext_lazy("Service minimum d'accueil assuré"),
        required=False,
        help_text=gettext_lazy(
            "Les enfants sont accueillis : les réservations sont maintenues et facturées, les familles prévenues."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].choices = [("", _("Toutes les écoles")), *((s, s) for s in known_schools())]

    def clean(self) -> dict:
        data = super().clean()
        if data.get("service") and data.get("site"):
            self.add_error("site", _("Choisissez un service ou un site, pas les deux."))
        elif "service" in data and "site" in data and not (data["service"] or data["site"]):
            self.add_error("service", _("Choisissez le service ou le site fermé."))
        return data

    def closure(self) -> Closure:
        return Closure(**self.cleaned_data)


@require_safe
@closure_staff_required
def closures(request: HttpRequest) -> HttpResponse:
    return render(request, "reservations/staff/closures.html", {"closures": closures_list(request.user)})


@require_http_methods(["GET", "HEAD", "POST"])
@closure_staff_required
def closure_new(request: HttpRequest) -> HttpResponse:
    """The form, sent by GET to preview what the closure cancels; the preview's button confirms it (POST)."""
    asked = request.POST if request.method == "POST" else request.GET or None
    form = ClosureForm(asked)
    preview = None
    if form.is_bound and form.is_valid():
        try:
            if request.method == "POST":
                hit = closure_create(actor=request.user, closure=form.closure())
                _tell_created(request, hit)
                return redirect("reservations_staff:closure", closure_id=hit.closure.pk)
            preview = closure_preview(actor=request.user, closure=form.closure())
        except ValidationError as exc:
            errors_to_form(form, exc)
    return render(request, "reservations/staff/closure_form.html", {"form": form, "preview": preview})


def _tell_created(request: HttpRequest, hit) -> None:
    families = len(hit.households)
    if hit.closure.minimum_service:
        message = ngettext(
            "Service minimum enregistré : %(n)s famille prévenue, ses réservations maintenues.",
            "Service minimum enregistré : %(n)s familles prévenues, leurs réservations maintenues.",
            families,
        )
    else:
        message = ngettext(
            "Fermeture enregistrée : %(n)s famille prévenue par e-mail.",
            "Fermeture enregistrée : %(n)s familles prévenues par e-mail.",
            families,
        )
    messages.success(request, message % {"n": families})


@require_safe
@closure_staff_required
def closure_detail(request: HttpRequest, closure_id: int) -> HttpResponse:
    closure = get_closure_for(request.user, closure_id)
    context = {"closure": closure, "bookings": closure_bookings(closure), "owed_total": closure_owed_total(closure)}
    return render(request, "reservations/staff/closure.html", context)


def closures_panel(*, user) -> Panel | None:
    """The families queue's section: the closures to come, and the way to decide one."""
    if not can(user, CLOSURE_CAPABILITY):
        return None
    return Panel("reservations/staff/closures_panel.html", {"closures": list(closures_list(user)[:PANEL_ROWS])})
