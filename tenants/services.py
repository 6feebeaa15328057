"""Writes on communes: onboarding and life cycle (suspend, reactivate, archive)."""

import logging
import re
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name, schema_context, schema_exists

from accounts.services import user_invite
from catalog import starters
from catalog.services import catalog_replace
from catalog.transfer import catalog_import
from core.communes import commune_subdomain
from core.roles import Role
from families.starters import install_standard_dossier
from tenants.models import RESERVED_SLUGS, Commune, ContactRequest, Domain
from tenants.schema_template import schema_create
from theming.services import branding_update

logger = logging.getLogger(__name__)

HOSTNAME = re.compile(r"(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")


def _install_standard(commune: Commune) -> None:
    branding_update(welcome_text=_("Bienvenue sur le Portail Famille — %(name)s.") % {"name": commune.name})
    catalog_import(starters.standard())
    install_standard_dossier()


# The starting configuration a new commune gets, by template name.
STARTER_TEMPLATES: dict[str, Callable[[Commune], None]] = {"standard": _install_standard}


def commune_onboard(
    *,
    name: str,
    slug: str,
    insee_code: str,
    admin_email: str,
    custom_domains: list[str] | tuple[str, ...] = (),
    template: str = "standard",
    clone: bool = True,
) -> Commune:
    """Create a commune: its row, domains, schema, starting configuration and first administrator.

    Everything happens in one transaction, schema creation included (DDL is
    transactional in PostgreSQL): a failure at any step leaves nothing behind.
    Raises ValidationError with French messages keyed by field.
    """
    slug, admin_email = slug.strip().lower(), admin_email.strip().lower()
    domains = [commune_subdomain(slug), *(d.strip().lower() for d in custom_domains)]
    _validate_onboarding(
        name=name, slug=slug, insee_code=insee_code, admin_email=admin_email, domains=domains, template=template
    )

    with schema_context(get_public_schema_name()), transaction.atomic(durable=True):
        commune = Commune.objects.create(schema_name=slug, name=name.strip(), insee_code=insee_code)
        Domain.objects.bulk_create(
            [Domain(domain=d, tenant=commune, is_primary=(i == 0)) for i, d in enumerate(domains)]
        )
        schema_create(slug, clone=clone)
        with schema_context(slug):
            # Content stored for the commune is French, whatever the operator's language.
            with translation.override(settings.LANGUAGE_CODE):
                STARTER_TEMPLATES[template](commune)
            user_invite(email=admin_email, role=Role.ADMINISTRATOR)
    logger.info("Commune onboarded: %s (%s)", slug, insee_code)
    return commune


def _validate_onboarding(
    *, name: str, slug: str, insee_code: str, admin_email: str, domains: list[str], template: str
) -> None:
    commune = Commune(schema_name=slug, name=name.strip(), insee_code=insee_code)
    errors: dict[str, list[str]] = {}
    try:
        commune.full_clean()
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if "schema_name" not in errors and (slug in RESERVED_SLUGS or schema_exists(slug)):
        errors.setdefault("schema_name", []).append(_("L'identifiant « %(slug)s » est déjà pris.") % {"slug": slug})
    try:
        validate_email(admin_email)
    except ValidationError:
        errors["admin_email"] = [_("Indiquez une adresse e-mail valide pour l'administrateur.")]
    taken = sorted(Domain.objects.filter(domain__in=domains).values_list("domain", flat=True))
    if taken:
        errors["domains"] = [_("Domaine déjà utilisé : %(domains)s.") % {"domains": ", ".join(taken)}]
    # django-tenants strips "www." from request hosts: such a domain could never match.
    malformed = [d for d in domains[1:] if not HOSTNAME.fullmatch(d) or d.startswith("www.")]
    if malformed:
        errors.setdefault("domains", []).append(
            _("Domaine invalide : %(domains)s (ex. famille.lepallet.fr).") % {"domains": ", ".join(malformed)}
        )
    if len(set(domains)) != len(domains):
        errors.setdefault("domains", []).append(_("Un domaine est indiqué deux fois."))
    if template not in STARTER_TEMPLATES:
        errors["template"] = [_("Modèle inconnu : %(template)s.") % {"template": template}]
    if errors:
        raise ValidationError(errors)


def commune_set_status(*, commune: Commune, status: Commune.Status) -> Commune:
    """Suspend, reactivate or archive a commune; its data stays untouched."""
    with transaction.atomic(durable=True):
        commune = Commune.objects.select_for_update().get(pk=commune.pk)
        commune.status = status
        commune.save(update_fields=["status"])
    logger.info("Commune %s is now %s", commune.schema_name, status)
    return commune


def contact_request_create(*, name: str, organisation: str, email: str, phone: str, message: str) -> ContactRequest:
    return ContactRequest.objects.create(
        name=name, organisation=organisation, email=email, phone=phone, message=message
    )


def commune_catalog_replace(*, commune: Commune, document: object, actor_email: str) -> dict[str, int]:
    """Replace a commune's whole catalogue (all or nothing); raises CatalogImportError with every problem."""
    with schema_context(commune.schema_name):
        counts = catalog_replace(document=document, actor_email=actor_email)
    logger.info("Catalogue of %s replaced by %s: %s", commune.schema_name, actor_email or "a command", counts)
    return counts
