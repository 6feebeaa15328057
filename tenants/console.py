"""The operator console: communes, onboarding, life cycle, contact requests."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from catalog.transfer import CatalogImportError, catalog_document_parse, catalog_import_summary
from core.access import capability_required
from core.communes import portal_url
from core.roles import Capability
from tenants.forms import CatalogImportForm, OnboardingForm
from tenants.models import Commune
from tenants.selectors import commune_catalog_text, communes_for_console, get_commune_for, pending_contact_requests
from tenants.services import commune_catalog_replace, commune_onboard, commune_set_status

STATUS_ACTIONS = {
    "suspend": Commune.Status.SUSPENDED,
    "reactivate": Commune.Status.ACTIVE,
    "archive": Commune.Status.ARCHIVED,
}


operator_required = capability_required(Capability.PLATFORM_OPERATE)


@require_safe
@operator_required
def commune_list(request: HttpRequest) -> HttpResponse:
    context = {"summaries": communes_for_console(), "contact_requests": pending_contact_requests()}
    return render(request, "tenants/console/commune_list.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@operator_required
def commune_onboard_view(request: HttpRequest) -> HttpResponse:
    form = OnboardingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            commune = commune_onboard(
                name=data["name"],
                slug=data["slug"],
                insee_code=data["insee_code"],
                admin_email=data["admin_email"],
                custom_domains=[data["custom_domain"]] if data["custom_domain"] else [],
                template=data["template"],
            )
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s est en ligne sur %(url)s ; son administrateur a reçu son invitation.")
                % {"name": commune.name, "url": portal_url(commune)},
            )
            return redirect("console:commune_list")
    return render(request, "tenants/console/commune_onboard.html", {"form": form})


@require_POST
@operator_required
def commune_status_view(request: HttpRequest, slug: str, action: str) -> HttpResponse:
    if action not in STATUS_ACTIONS:
        raise PermissionDenied
    commune = get_commune_for(request.user, slug)
    commune = commune_set_status(commune=commune, status=STATUS_ACTIONS[action])
    messages.success(
        request, _("%(name)s : %(status)s.") % {"name": commune.name, "status": commune.get_status_display()}
    )
    return redirect("console:commune_list")


@require_http_methods(["GET", "HEAD", "POST"])
@operator_required
def commune_catalog(request: HttpRequest, slug: str) -> HttpResponse:
    commune = get_commune_for(request.user, slug)
    form = CatalogImportForm(request.POST or None, request.FILES or None, commune=commune)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        source = form.cleaned_data["source"]
        try:
            text = commune_catalog_text(source) if source else form.cleaned_data["file"].read()
            counts = commune_catalog_replace(
                commune=commune, document=catalog_document_parse(text), actor_email=request.user.email
            )
        except CatalogImportError as exc:
            errors = exc.errors
        else:
            messages.success(
                request,
                _("Catalogue de %(name)s remplacé : %(summary)s.")
                % {"name": commune.name, "summary": catalog_import_summary(counts)},
            )
            return redirect("console:commune_catalog", slug=slug)
    context = {"target": commune, "form": form, "import_errors": errors}
    return render(request, "tenants/console/commune_catalog.html", context)


@require_safe
@operator_required
def commune_catalog_export(request: HttpRequest, slug: str) -> HttpResponse:
    commune = get_commune_for(request.user, slug)
    response = HttpResponse(commune_catalog_text(commune), content_type="application/json; charset=utf-8")
    filename = f"catalogue-{commune.schema_name}-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# Service errors are keyed by model field; the form names two of them differently.
FORM_FIELD_FOR_ERROR = {"schema_name": "slug", "domains": "custom_domain"}


def _add_service_errors(form: OnboardingForm, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form_field = FORM_FIELD_FOR_ERROR.get(field, field)
        for error in errors:
            form.add_error(form_field if form_field in form.fields else None, error)
