"""Pages of the platform's root domain: landing page, contact form, health check."""

from django.contrib import messages
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from tenants.forms import ContactRequestForm
from tenants.services import contact_request_create


@require_http_methods(["GET", "HEAD", "POST"])
def landing(request: HttpRequest) -> HttpResponse:
    form = ContactRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not form.cleaned_data["website"]:
            contact_request_create(**{k: v for k, v in form.cleaned_data.items() if k != "website"})
        messages.success(
            request, _("Merci, votre demande est bien envoyée : nous vous répondons sous deux jours ouvrés.")
        )
        return redirect("landing")
    return render(request, "tenants/landing.html", {"form": form})


@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
