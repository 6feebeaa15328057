"""The mairie's side: what waits for validation, one request or document at a time, and the family file."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from audit.selectors import entries_for
from core.access import capability_required, require_capability
from core.ids import id_of
from core.roles import Capability
from families import forms, services
from families.panels import queue_panels
from families.selectors import (
    COUNTER_SESSION_KEY,
    children_to_link,
    documents_of_household,
    documents_to_review,
    dossiers_to_review,
    family_file,
    get_child_for_staff,
    get_document_for_review,
    get_dossier_for_review,
    get_guardian_for,
    get_household_for,
    get_request_for,
    get_requirement_for,
    guardian_users,
    household_of_document,
    households_for_staff,
    households_with_school,
    pending_requests,
    requirements_for_staff,
    same_child_elsewhere,
    schools,
    validation_counts,
)
from notifications.selectors import notifications_to
from storage.selectors import storage_policy
from storage.services import storage_policy_save

# Administrators and finance: animators never see QF or documents (the role matrix in core.roles).
family_staff_required = capability_required(Capability.FAMILIES_REVIEW)


@require_safe
@family_staff_required
def queue(request: HttpRequest) -> HttpResponse:
    kind, school = request.GET.get("demande", ""), request.GET.get("ecole", "")
    requests, dossiers = pending_requests(), dossiers_to_review()
    documents = documents_to_review()
    if kind:
        requests = requests.filter(kind=kind)
    if school:
        requests = requests.filter(household__children__school=school).distinct()
        dossiers = dossiers.filter(child__school=school)
        documents = documents.filter(owner__in=households_with_school(school))
    context = {
        "counts": validation_counts(),
        "requests": requests.order_by("created"),
        "documents": documents.select_related("document_type").order_by("uploaded_at"),
        "dossiers": dossiers,
        "households": households_for_staff(search=request.GET.get("recherche", "").strip())[:50],
        "schools": schools(),
        "kind": kind,
        "school": school,
        "search": request.GET.get("recherche", ""),
        "panels": queue_panels(user=request.user),  # other apps' queues (enrolments)
    }
    return render(request, "families/staff/queue.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@family_staff_required
def request_review(request: HttpRequest, request_id: int) -> HttpResponse:
    change = get_request_for(request.user, request_id)
    form = forms.DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        accept = form.cleaned_data["decision"] == "accept"
        try:
            services.request_decide(
                request=change, actor=request.user, accept=accept, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Décision enregistrée ; la famille est prévenue par e-mail."))
            return redirect("families_staff:queue")
    context = {
        "change": change,
        "form": form,
        "household": family_file(change.household),
        "same_children": same_child_elsewhere(change.child) if change.child and change.status == "pending" else [],
    }
    return render(request, "families/staff/request.html", context)


def _posted_child(request: HttpRequest):
    """The child a staff form posts (`child`), through the staff selector: 404 for a wrong or missing id."""
    return get_child_for_staff(request.user, id_of(request.POST.get("child")) or 0)


@require_POST
@family_staff_required
def request_child_match(request: HttpRequest, request_id: int) -> HttpResponse:
    """The child a household declares is one the mairie knows already (the other parent's): attach that one."""
    change = get_request_for(request.user, request_id)
    known = _posted_child(request)
    try:
        services.child_request_match(actor=request.user, request=change, child=known)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("families_staff:request", request_id=change.pk)
    messages.success(request, _("%(child)s est rattaché(e) à ce foyer ; la famille est prévenue.") % {"child": known})
    return redirect("families_staff:household", household_id=change.household_id)


@require_http_methods(["GET", "HEAD", "POST"])
@family_staff_required
def document_decide(request: HttpRequest, document_id) -> HttpResponse:
    document = get_document_for_review(request.user, document_id)
    household = household_of_document(document)
    form = forms.DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        accept = form.cleaned_data["decision"] == "accept"
        try:
            services.household_document_review(
                document=document, actor=request.user, accepted=accept, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Document examiné."))
            return redirect("families_staff:queue")
    return render(request, "families/staff/document.html", {"document": document, "household": household, "form": form})


@require_http_methods(["GET", "HEAD", "POST"])
@family_staff_required
def household_detail(request: HttpRequest, household_id: int) -> HttpResponse:
    household = family_file(get_household_for(request.user, household_id))
    email_form = forms.GuardianEmailForm(request.POST or None)
    if request.method == "POST":  # changing a login e-mail can hand an account over: administrators only
        require_capability(request.user, Capability.FAMILIES_CONFIGURE)
    if request.method == "POST" and email_form.is_valid():
        guardian = get_guardian_for(request.user, household=household, pk=request.POST.get("guardian", ""))
        try:
            services.guardian_change_email(
                guardian=guardian, actor=request.user, email=email_form.cleaned_data["email"]
            )
        except ValidationError as exc:
            email_form.add_error("email", exc.message_dict.get("email", exc.messages))
        else:
            messages.success(request, _("Adresse e-mail changée ; le changement est inscrit au journal."))
            return redirect("families_staff:household", household_id=household.pk)
    search = request.GET.get("enfant", "").strip()
    context = {
        "household": household,
        "documents": documents_of_household(household),
        "email_form": email_form,
        "child_search": search,
        "children_to_link": children_to_link(household=household, search=search),
        "journal": entries_for(record=household),
        "notifications": notifications_to(
            users=guardian_users([household]), emails=[guardian.email for guardian in household.guardians.all()]
        ),
    }
    return render(request, "families/staff/household.html", context)


@require_POST
@family_staff_required
def child_link(request: HttpRequest, household_id: int) -> HttpResponse:
    """Attach a child of another household (separated parents) to this one, after staff matched them."""
    household = get_household_for(request.user, household_id)
    child = _posted_child(request)
    try:
        services.child_link(actor=request.user, child=child, household=household)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(child)s est rattaché(e) à ce foyer.") % {"child": child})
    return redirect("families_staff:household", household_id=household.pk)


@require_http_methods(["GET", "HEAD", "POST"])
@family_staff_required
def dossier_review(request: HttpRequest, dossier_id: int) -> HttpResponse:
    """One page: every piece of the dossier with its document, accepted or refused with a reason."""
    dossier = get_dossier_for_review(request.user, dossier_id)
    errors = []
    if request.method == "POST":
        decisions = {
            item.pk: (request.POST.get(f"item_{item.pk}") == "accept", request.POST.get(f"reason_{item.pk}", ""))
            for item in dossier.items.all()
            if request.POST.get(f"item_{item.pk}") in ("accept", "refuse")
        }
        try:
            services.dossier_review(dossier=dossier, actor=request.user, decisions=decisions)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("Dossier examiné ; la famille est prévenue par e-mail."))
            return redirect("families_staff:queue")
    return render(
        request, "families/staff/dossier.html", {"dossier": dossier, "errors": errors, "posted": request.POST}
    )


@require_http_methods(["GET", "HEAD", "POST"])
@family_staff_required
def requirements(request: HttpRequest, requirement_id: int | None = None) -> HttpResponse:
    """The pieces every dossier asks for, and the size limit of a file; administrators change them."""
    if request.method == "POST":
        require_capability(request.user, Capability.FAMILIES_CONFIGURE)
    instance = get_requirement_for(request.user, requirement_id) if requirement_id else None
    posted_policy = request.method == "POST" and "max_upload_mb" in request.POST
    form = forms.DossierRequirementForm(
        request.POST if request.method == "POST" and not posted_policy else None, instance=instance
    )
    policy_form = forms.StoragePolicyForm(request.POST if posted_policy else None, instance=storage_policy())
    if posted_policy and policy_form.is_valid():
        storage_policy_save(policy=policy_form.save(commit=False), actor=request.user)
        messages.success(request, _("Taille maximale enregistrée."))
        return redirect("families_staff:requirements")
    if request.method == "POST" and not posted_policy and form.is_valid():
        services.requirement_save(requirement=form.save(commit=False), actor=request.user, changed=form.changed_data)
        messages.success(request, _("Pièce du dossier enregistrée."))
        return redirect("families_staff:requirements")
    context = {
        "form": form,
        "policy_form": policy_form,
        "requirements": requirements_for_staff(),
        "editing": instance,
    }
    return render(request, "families/staff/requirements.html", context)


@require_POST
@family_staff_required
def counter_start(request: HttpRequest, household_id: int) -> HttpResponse:
    """Act for a family at the counter: the family's pages, with every change journaled under the agent's name."""
    household = get_household_for(request.user, household_id)
    services.counter_start(actor=request.user, household=household)
    request.session[COUNTER_SESSION_KEY] = household.pk
    return redirect("families:dashboard")


@require_POST
@family_staff_required
def counter_stop(request: HttpRequest) -> HttpResponse:
    household_id = request.session.pop(COUNTER_SESSION_KEY, None)
    if household_id:
        return redirect("families_staff:household", household_id=household_id)
    return redirect("families_staff:queue")


@require_http_methods(["GET", "HEAD", "POST"])
@family_staff_required
def household_create_at_counter(request: HttpRequest) -> HttpResponse:
    """A family without an account comes to the town hall: the agent opens it, the parent activates it."""
    form = forms.CounterHouseholdForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        address = services.Address(data["address"], data["postcode"], data["city"], data["resident"])
        try:
            household = services.household_create_at_counter(
                actor=request.user,
                name=data["name"],
                address=address,
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                phone=data["phone"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Foyer créé ; le parent a reçu le lien pour activer son compte."))
            return redirect("families_staff:household", household_id=household.pk)
    context = {
        "form": form,
        "title": _("Créer un foyer au guichet"),
        "back_url": reverse("families_staff:queue"),
        "back_label": _("Familles à valider"),
    }
    return render(request, "families/form.html", context)
