"""Route each request to the platform (root domain) or to one commune's schema."""

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django_tenants.middleware.main import TenantMainMiddleware

from tenants.models import Commune, Domain


def _plain_not_found() -> HttpResponse:
    # The same bytes for every unknown or archived host: nothing to learn from it.
    return HttpResponse(render_to_string("tenants/not_found.html"), status=404)


class CommuneMiddleware(TenantMainMiddleware):
    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        connection.set_schema_to_public()
        try:
            hostname = self.hostname_from_request(request)
        except DisallowedHost:
            return _plain_not_found()

        if hostname == settings.PLATFORM_DOMAIN:
            request.tenant = connection.tenant
            self.setup_url_routing(request, force_public=True)
            return None

        commune = self._commune_for_host(hostname)
        if commune is None or commune.status == Commune.Status.ARCHIVED:
            return _plain_not_found()
        if commune.status == Commune.Status.SUSPENDED:
            body = render_to_string("tenants/suspended.html", {"commune": commune})
            return HttpResponse(body, status=503, headers={"Retry-After": "86400"})

        commune.domain_url = hostname
        request.tenant = commune
        connection.set_tenant(commune)
        self.setup_url_routing(request)
        return None

    def _commune_for_host(self, hostname: str) -> Commune | None:
        domain = Domain.objects.select_related("tenant").filter(domain=hostname).first()
        return domain.tenant if domain else None
