"""The commune a request or a task works for, and links to its portal.

Read through django-tenants' settings (TENANT_MODEL), so no domain app is imported here.
"""

from django.conf import settings
from django.db import connection, models
from django.utils.translation import gettext_lazy as _
from django_tenants.utils import get_public_schema_name, get_tenant_model


class CommuneStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspendue")
    ARCHIVED = "archived", _("Archivée")


def current_schema() -> str:
    return connection.schema_name


def current_commune():
    """The commune whose schema the connection is on (a request's host, or the task's commune); None on public."""
    if connection.schema_name == get_public_schema_name():
        return None
    tenant = getattr(connection, "tenant", None)
    # schema_context() leaves a FakeTenant on the connection: only a real one can be reused.
    if isinstance(tenant, get_tenant_model()) and tenant.schema_name == connection.schema_name:
        return tenant
    return get_tenant_model().objects.get(schema_name=connection.schema_name)


def active_commune_schemas() -> list[str]:
    communes = get_tenant_model().objects.filter(status=CommuneStatus.ACTIVE)
    return list(communes.exclude(schema_name=get_public_schema_name()).values_list("schema_name", flat=True))


def portal_url(commune, path: str = "/") -> str:
    """Absolute URL of a page of the commune's portal, on its primary domain."""
    return domain_url(commune.get_primary_domain().domain, path)


def domain_url(domain: str, path: str = "/") -> str:
    port = settings.PLATFORM_URL_PORT
    default_port = {"http": "80", "https": "443"}[settings.PLATFORM_URL_SCHEME]
    netloc = domain if port in ("", default_port) else f"{domain}:{port}"
    return f"{settings.PLATFORM_URL_SCHEME}://{netloc}{path}"


def commune_subdomain(slug: str) -> str:
    return f"{slug}.{settings.PLATFORM_DOMAIN}"
