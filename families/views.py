"""The parent's side: their household, children, pick-up persons, documents and requests."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from audit.services import audit_record
from core.roles import Role
from families import forms, services
from families.models import Decision, Dossier, PickupPerson
from families.selectors import (
    counter_household,
    documents_of_household,
    dossier_with_items,
    family_file,
    get_child_for,
    household_key,
    household_of,
    open_school_years,
)
from storage.services import document_upload


def parent_required(view):
    """A parent with a household (asked to declare it first), or an agent acting for one at the counter.

    Everything an agent does at the counter is journaled with their name.
    """

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        acting_for = counter_household(request)
        if acting_for is None and request.user.role != Role.PARENT:
            raise PermissionDenied
        household = acting_for or household_of(request.user)
        if household is None:
            return redirect("families:household_create")
        request.acting_for = acting_for
        response = view(request, household, *args, **kwargs)
        if acting_for is not None and request.method == "POST":
            audit_record(
                actor=request.user,
                action="families.counter",
                target=household,
                changes={"page": request.path, "status": response.status_code},
            )
        return response

    return wrapper


def _errors_to_form(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@require_safe
@parent_required
def dashboard(request: HttpRequest, household) -> HttpResponse:
    context = {"household": family_file(household), "documents": documents_of_household(household)}
    return render(request, "families/dashboard.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def household_create(request: HttpRequest) -> HttpResponse:
    if request.user.role != Role.PARENT:
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
@parent_required
def child_add(request: HttpRequest, household) -> HttpResponse:
    form = forms.ChildForm(request.POST or None, initial={"last_name": household.guardians.first().last_name})
    if request.method == "POST" and form.is_valid():
        try:
            child = services.child_add(user=request.user, household=household, child=form.save(commit=False))
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("%(name)s est ajouté(e) : la mairie va valider l'ajout.") % {"name": child})
            return redirect("families:child", child_id=child.pk)
    return render(request, "families/form.html", {"form": form, "title": _("Ajouter un enfant")})


@require_http_methods(["GET", "HEAD", "POST"])
@parent_required
def child_detail(request: HttpRequest, household, child_id: int) -> HttpResponse:
    child = get_child_for(user=request.user, pk=child_id)
    form = forms.ChildHealthForm(request.POST or None, instance=child, prefix="child")
    pickup_form = forms.PickupForm(prefix="pickup")
    if request.method == "POST" and form.is_valid():
        try:
            services.child_update(child=form.save(commit=False), fields=form.changed_data)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("Les informations de %(name)s sont à jour.") % {"name": child})
            return redirect("families:child", child_id=child.pk)
    return render(request, "families/child.html", _child_context(child, form, pickup_form))


@require_POST
@parent_required
def pickup_add(request: HttpRequest, household, child_id: int) -> HttpResponse:
    child = get_child_for(user=request.user, pk=child_id)
    pickup_form = forms.PickupForm(request.POST, prefix="pickup")
    if pickup_form.is_valid():
        services.pickup_add(child=child, **pickup_form.cleaned_data)
        messages.success(request, _("Personne autorisée ajoutée."))
        return redirect("families:child", child_id=child.pk)
    form = forms.ChildHealthForm(instance=child, prefix="child")
    return render(request, "families/child.html", _child_context(child, form, pickup_form))


def _child_context(child, form, pickup_form) -> dict:
    dossiers = {d.school_year_id: d for d in child.dossiers.all()}
    years = [(year, dossiers.get(year.pk)) for year in open_school_years(timezone.localdate())]
    return {"child": child, "form": form, "pickup_form": pickup_form, "years": years}


@require_POST
@parent_required
def pickup_remove(request: HttpRequest, household, person_id: int) -> HttpResponse:
    person = get_object_or_404(PickupPerson, pk=person_id, child__household=household)
    services.pickup_remove(person=person)
    messages.success(request, _("%(name)s n'est plus autorisé(e).") % {"name": person.name})
    return redirect("families:child", child_id=person.child_id)


@require_http_methods(["GET", "HEAD", "POST"])
@parent_required
def documents(request: HttpRequest, household) -> HttpResponse:
    form = forms.DocumentUploadForm(request.POST or None, request.FILES or None, household=household)
    if request.method == "POST" and form.is_valid():
        upload, child = form.cleaned_data["file"], form.cleaned_data["child"]
        try:
            document_upload(
                upload=upload,
                client_name=upload.name,
                owner=household_key(household),
                uploaded_by=request.user,
                document_type=form.cleaned_data["document_type"],
                subject=f"families.child:{child.pk}" if child else "",
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            messages.success(request, _("Document envoyé à la mairie."))
            return redirect("families:documents")
    context = {"form": form, "documents": documents_of_household(household)}
    return render(request, "families/documents.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@parent_required
def qf_request(request: HttpRequest, household) -> HttpResponse:
    form = forms.QfForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        declaration = services.QfDeclaration(data["qf"], data["source"], data["valid_from"], data["valid_to"])
        try:
            services.qf_change_request(
                user=request.user,
                household=household,
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
@parent_required
def address_request(request: HttpRequest, household) -> HttpResponse:
    initial = {"address": household.address, "postcode": household.postcode, "city": household.city}
    form = forms.AddressForm(request.POST or None, initial={**initial, "resident": household.resident})
    if request.method == "POST" and form.is_valid():
        services.address_change_request(
            user=request.user, household=household, address=services.Address(**form.cleaned_data)
        )
        messages.success(request, _("Votre nouvelle adresse est transmise à la mairie."))
        return redirect("families:dashboard")
    return render(request, "families/form.html", {"form": form, "title": _("Changer d'adresse")})


@require_http_methods(["GET", "HEAD", "POST"])
@parent_required
def contact(request: HttpRequest, household) -> HttpResponse:
    guardian = getattr(request.user, "guardian", None)
    if guardian is None:  # an agent at the counter: a guardian's details are changed from the family file
        raise PermissionDenied
    initial = {"first_name": guardian.first_name, "last_name": guardian.last_name, "phone": guardian.phone}
    form = forms.ContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.guardian_update_contact(guardian=guardian, **form.cleaned_data)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("Vos coordonnées sont à jour."))
            return redirect("families:dashboard")
    context = {"form": form, "title": _("Mes coordonnées"), "email": guardian.email}
    return render(request, "families/form.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@parent_required
def guardian_invite(request: HttpRequest, household) -> HttpResponse:
    form = forms.GuardianInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.guardian_invite(household=household, **form.cleaned_data)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("Second responsable légal enregistré."))
            return redirect("families:dashboard")
    return render(request, "families/form.html", {"form": form, "title": _("Second responsable légal")})


@require_http_methods(["GET", "HEAD", "POST"])
@parent_required
def dossier(request: HttpRequest, household, child_id: int, year_id: int) -> HttpResponse:
    """A child's dossier for a school year: started, filled piece by piece, then sent to the mairie."""
    child = get_child_for(user=request.user, pk=child_id)
    year = get_object_or_404(open_school_years(timezone.localdate()), pk=year_id)
    existing = Dossier.objects.filter(child=child, school_year=year).first()
    if request.method == "POST" and request.POST.get("action") == "open":
        services.dossier_open(child=child, school_year=year)
        return redirect("families:dossier", child_id=child.pk, year_id=year.pk)
    if existing is None:
        return render(request, "families/dossier.html", {"child": child, "year": year, "dossier": None})
    current = dossier_with_items(services.dossier_open(child=child, school_year=year))
    form = forms.DossierForm(request.POST or None, request.FILES or None, dossier=current)
    if request.method == "POST" and form.is_valid():
        try:
            # Saved first, on its own: a refused submission never loses what the family just sent.
            services.dossier_fill(dossier=current, user=request.user, answers=form.answers(), uploads=form.uploads())
            if request.POST.get("action") == "submit":
                services.dossier_submit(dossier=current, user=request.user)
                messages.success(request, _("Dossier transmis à la mairie."))
            else:
                messages.success(request, _("Dossier enregistré."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("families:dossier", child_id=child.pk, year_id=year.pk)
    return render(request, "families/dossier.html", {"child": child, "year": year, "dossier": current, "form": form})
