"""The parent's side: their household, children, pick-up persons, documents and requests."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.roles import Capability, can
from families import forms, services
from families.models import Decision
from families.panels import child_panels
from families.selectors import (
    FamilyActor,
    documents_of_household,
    dossier_of,
    family_actor_for,
    family_file,
    get_child_for,
    get_open_year_for,
    get_pickup_for,
    household_of,
    open_school_years,
    pickups_of,
    requirements_missing_from,
)


def family_page(view):
    """A parent with a household (asked to declare it first), or an agent acting for one at the counter.

    The view gets the `FamilyActor`; services journal what an agent changes, under the agent's name.
    """

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        actor = family_actor_for(user=request.user, session=request.session)
        if actor is None and can(request.user, Capability.FAMILY_SPACE):
            return redirect("families:household_create")
        if actor is None:
            raise PermissionDenied
        request.acting_for = actor.household if actor.at_counter else None  # the counter banner
        return view(request, actor, *args, **kwargs)

    return wrapper


def _errors_to_form(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@require_safe
@family_page
def dashboard(request: HttpRequest, actor: FamilyActor) -> HttpResponse:
    household = actor.household
    context = {"household": family_file(household), "documents": documents_of_household(household)}
    return render(request, "families/dashboard.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def household_create(request: HttpRequest) -> HttpResponse:
    if not can(request.user, Capability.FAMILY_SPACE):
        raise PermissionDenied
    existing = household_of(request.user)
    if existing and existing.status != Decision.REFUSED:
        return redirect("families:dashboard")
    form = forms.HouseholdForm(request.POST or None, initial=_declaration_initial(request.user, existing))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        address = services.Address(data["address"], data["postcode"], data["city"], data["resident"])
        try:
            services.household_create(
                user=request.user,
                name=data["name"],
                address=address,
                first_name=data["first_name"],
                last_name=data["last_name"],
                phone=data["phone"],
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("Votre foyer est déclaré : la mairie va le vérifier."))
            return redirect("families:dashboard")
    return render(request, "families/form.html", {"form": form, "title": _("Déclarer mon foyer")})


def _declaration_initial(user, household) -> dict:
    if household is None:
        return {"first_name": user.first_name}
    guardian = user.guardian
    fields = ("name", "address", "postcode", "city", "resident")
    return {
        **{f: getattr(household, f) for f in fields},
        "first_name": guardian.first_name,
        "last_name": guardian.last_name,
        "phone": guardian.phone,
    }


@require_http_methods(["GET", "HEAD", "POST"])
@family_page
def child_add(request: HttpRequest, actor: FamilyActor) -> HttpResponse:
    household = actor.household
    form = forms.ChildForm(request.POST or None, initial={"last_name": household.guardians.first().last_name})
    if request.method == "POST" and form.is_valid():
        try:
            child = services.child_add(actor=request.user, household=household, child=form.save(commit=False))
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("%(name)s est ajouté(e) : la mairie va valider l'ajout.") % {"name": child})
            return redirect("families:child", child_id=child.pk)
    return render(request, "families/form.html", {"form": form, "title": _("Ajouter un enfant")})


@require_http_methods(["GET", "HEAD", "POST"])
@family_page
def child_detail(request: HttpRequest, actor: FamilyActor, child_id: int) -> HttpResponse:
    child = get_child_for(actor, child_id)
    form = forms.ChildHealthForm(request.POST or None, instance=child, prefix="child")
    pickup_form = forms.PickupForm(prefix="pickup")
    if request.method == "POST" and form.is_valid():
        try:
            services.child_update(
                actor=request.user, household=actor.household, child=form.save(commit=False), fields=form.changed_data
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("Les informations de %(name)s sont à jour.") % {"name": child})
            return redirect("families:child", child_id=child.pk)
    return render(request, "families/child.html", _child_context(actor, child, form, pickup_form))


@require_POST
@family_page
def pickup_add(request: HttpRequest, actor: FamilyActor, child_id: int) -> HttpResponse:
    child = get_child_for(actor, child_id)
    pickup_form = forms.PickupForm(request.POST, prefix="pickup")
    if pickup_form.is_valid():
        services.pickup_add(actor=request.user, household=actor.household, child=child, **pickup_form.cleaned_data)
        messages.success(request, _("Personne autorisée ajoutée."))
        return redirect("families:child", child_id=child.pk)
    form = forms.ChildHealthForm(instance=child, prefix="child")
    return render(request, "families/child.html", _child_context(actor, child, form, pickup_form))


def _child_context(actor: FamilyActor, child, form, pickup_form) -> dict:
    dossiers = {d.school_year_id: d for d in child.dossiers.all()}
    years = [(year, dossiers.get(year.pk)) for year in open_school_years(timezone.localdate())]
    return {
        "child": child,
        "pickups": pickups_of(child=child, household=actor.household),
        "shared": child.households.count() > 1,
        "form": form,
        "pickup_form": pickup_form,
        "years": years,
        "panels": child_panels(child=child, actor=actor),  # other apps' sections (enrolments)
    }


@require_POST
@family_page
def pickup_remove(request: HttpRequest, actor: FamilyActor, person_id: int) -> HttpResponse:
    person = get_pickup_for(actor, person_id)
    services.pickup_remove(actor=request.user, person=person)
    messages.success(request, _("%(name)s n'est plus autorisé(e).") % {"name": person.name})
    return redirect("families:child", child_id=person.child_id)


@require_http_methods(["GET", "HEAD", "POST"])
@family_page
def documents(request: HttpRequest, actor: FamilyActor) -> HttpResponse:
    household = actor.household
    form = forms.DocumentUploadForm(request.POST or None, request.FILES or None, household=household)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            services.household_document_upload(
                actor=request.user,
                household=household,
                upload=upload,
                name=upload.name,
                document_type=form.cleaned_data["document_type"],
                child=form.cleaned_data["child"],
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            messages.success(request, _("Document envoyé à la mairie."))
            return redirect("families:documents")
    context = {"form": form, "documents": documents_of_household(household)}
    return render(request, "families/documents.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@family_page
def qf_request(request: HttpRequest, actor: FamilyActor) -> HttpResponse:
    form = forms.QfForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        declaration = services.QfDeclaration(data["qf"], data["source"], data["valid_from"], data["valid_to"])
        try:
            services.qf_change_request(
                actor=request.user,
                household=actor.household,
                declaration=declaration,
                proof=data["proof"],
                proof_name=data["proof"].name,
            )
        except ValidationError as exc:
            form.add_error("proof", exc)
        else:
            messages.success(request, _("Votre quotient familial est transmis : il s'appliquera une fois vérifié."))
            return redirect("families:dashboard")
    return render(request, "families/form.html", {"form": form, "title": _("Mon quotient familial"), "upload": True})


@require_http_methods(["GET", "HEAD", "POST"])
@family_page
def address_request(request: HttpRequest, actor: FamilyActor) -> HttpResponse:
    household = actor.household
    initial = {"address": household.address, "postcode": household.postcode, "city": household.city}
    form = forms.AddressForm(request.POST or None, initial={**initial, "resident": household.resident})
    if request.method == "POST" and form.is_valid():
        try:
            services.address_change_request(
                actor=request.user, household=household, address=services.Address(**form.cleaned_data)
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("Votre nouvelle adresse est transmise à la mairie."))
            return redirect("families:dashboard")
    return render(request, "families/form.html", {"form": form, "title": _("Changer d'adresse")})


@require_http_methods(["GET", "HEAD", "POST"])
@family_page
def contact(request: HttpRequest, actor: FamilyActor) -> HttpResponse:
    guardian = actor.guardian
    if guardian is None:
        raise Http404
    initial = {"first_name": guardian.first_name, "last_name": guardian.last_name, "phone": guardian.phone}
    form = forms.ContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.guardian_update_contact(actor=request.user, guardian=guardian, **form.cleaned_data)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("Vos coordonnées sont à jour."))
            return redirect("families:dashboard")
    context = {"form": form, "title": _("Mes coordonnées"), "email": guardian.email}
    return render(request, "families/form.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@family_page
def guardian_invite(request: HttpRequest, actor: FamilyActor) -> HttpResponse:
    form = forms.GuardianInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.guardian_invite(actor=request.user, household=actor.household, **form.cleaned_data)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("Second responsable légal enregistré."))
            return redirect("families:dashboard")
    return render(request, "families/form.html", {"form": form, "title": _("Second responsable légal")})


@require_http_methods(["GET", "HEAD", "POST"])
@family_page
def dossier(request: HttpRequest, actor: FamilyActor, child_id: int, year_id: int) -> HttpResponse:
    """A child's dossier for a school year: started, filled piece by piece, then sent to the mairie.

    Reading it writes nothing: pieces asked since it was opened are added when the family opens it again.
    """
    child = get_child_for(actor, child_id)
    year = get_open_year_for(actor, year_id, timezone.localdate())
    owner = {"actor": request.user, "household": actor.household}
    if request.method == "POST" and request.POST.get("action") == "open":
        try:
            services.dossier_open(**owner, child=child, school_year=year)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("families:dossier", child_id=child.pk, year_id=year.pk)
    current = dossier_of(child=child, school_year=year)
    if current is None:
        return render(request, "families/dossier.html", {"child": child, "year": year, "dossier": None})
    form = forms.DossierForm(request.POST or None, request.FILES or None, dossier=current)
    if request.method == "POST" and form.is_valid():
        try:
            # Saved first, on its own: a refused submission never loses what the family just sent.
            services.dossier_fill(**owner, dossier=current, answers=form.answers(), uploads=form.uploads())
            if request.POST.get("action") == "submit":
                services.dossier_submit(**owner, dossier=current)
                messages.success(request, _("Dossier transmis à la mairie."))
            else:
                messages.success(request, _("Dossier enregistré."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("families:dossier", child_id=child.pk, year_id=year.pk)
    context = {
        "child": child,
        "year": year,
        "dossier": current,
        "form": form,
        "missing": requirements_missing_from(current) if current.status in ("draft", "refused") else [],
    }
    return render(request, "families/dossier.html", context)
