"""Reads on communes, for the operator console and for links in e-mails."""

from dataclasses import dataclass

from django.db import connection
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django_tenants.utils import schema_context

from catalog.transfer import catalog_export_text
from core.communes import domain_url
from core.roles import Capability, can
from tenants.models import Commune, ContactRequest


@dataclass(frozen=True)
class CommuneSummary:
    commune: Commune
    domains: list[tuple[str, str]]  # (domain, URL of its portal)
    user_counts: dict[str, int]


def communes_for_console() -> list[CommuneSummary]:
    """Every commune with its domains and its users counted by role, in two queries."""
    communes = list(Commune.objects.exclude(schema_name="public").prefetch_related("domains"))
    counts = _user_counts_by_schema([c.schema_name for c in communes])
    return [
        CommuneSummary(
            commune=c,
            domains=[
                (d.domain, domain_url(d.domain))
                for d in sorted(c.domains.all(), key=lambda d: (not d.is_primary, d.domain))
            ],
            user_counts=counts.get(c.schema_name, {}),
        )
        for c in communes
    ]


def _user_counts_by_schema(schema_names: list[str]) -> dict[str, dict[str, int]]:
    if not schema_names:
        return {}
    # Schema names are validated slugs; quote them anyway.
    union = " UNION ALL ".join(
        f"SELECT %s AS schema_name, role, count(*) FROM {connection.ops.quote_name(name)}.accounts_user GROUP BY role"
        for name in schema_names
    )
    counts: dict[str, dict[str, int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(union, schema_names)
        for schema_name, role, count in cursor.fetchall():
            counts.setdefault(schema_name, {})[role] = count
    return counts


def pending_contact_requests() -> QuerySet[ContactRequest]:
    return ContactRequest.objects.filter(handled=False)


def commune_catalog_text(commune: Commune) -> str:
    with schema_context(commune.schema_name):
        return catalog_export_text()


def get_commune_for(actor, slug: str) -> Commune:
    """A commune of the platform for an operator (the console), 404 for anyone else."""
    if not can(actor, Capability.PLATFORM_OPERATE):
        raise Http404
    return get_object_or_404(Commune.objects.exclude(schema_name="public"), schema_name=slug)
