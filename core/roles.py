"""Who may do what: the roles, and the one matrix of what each role may do.

Pages, templates (the header's menu), API permissions and storage access all
read `can()`; none keeps its own list of roles.
"""

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OPERATOR = "operator", _("Opérateur de la plateforme")
    ADMINISTRATOR = "administrator", _("Administrateur de la commune")
    SERVICE_MANAGER = "service_manager", _("Responsable de service")
    ANIMATOR = "animator", _("Animateur")
    FINANCE = "finance", _("Régisseur / finances")
    PARENT = "parent", _("Parent")


STAFF_ROLES = frozenset({Role.ADMINISTRATOR, Role.SERVICE_MANAGER, Role.ANIMATOR, Role.FINANCE})


class Capability(StrEnum):
    FAMILY_SPACE = "family_space"  # a parent's own household pages
    CATALOG_VIEW = "catalog_view"  # the catalogue back-office (managers: their services only)
    CATALOG_CONFIGURE = "catalog_configure"  # commune-wide catalogue rows, writes through the API
    TEAM_MANAGE = "team_manage"
    FAMILIES_REVIEW = "families_review"  # queues, family files, decisions, the counter
    FAMILIES_CONFIGURE = "families_configure"  # dossier pieces, file size limit, login e-mails
    DOCUMENTS_READ_ALL = "documents_read_all"  # read and review every family's documents
    COMMUNE_CONFIGURE = "commune_configure"  # branding, document types, the file size limit
    PLATFORM_OPERATE = "platform_operate"  # the operator console (public schema)


# Animators take attendance only: they never see families' papers or QF. Service managers will
# see the families of their own services once enrolments exist (reservations issue).
ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.OPERATOR: frozenset({Capability.PLATFORM_OPERATE}),
    Role.ADMINISTRATOR: frozenset(
        {
            Capability.CATALOG_VIEW,
            Capability.CATALOG_CONFIGURE,
            Capability.TEAM_MANAGE,
            Capability.FAMILIES_REVIEW,
            Capability.FAMILIES_CONFIGURE,
            Capability.DOCUMENTS_READ_ALL,
            Capability.COMMUNE_CONFIGURE,
        }
    ),
    Role.SERVICE_MANAGER: frozenset({Capability.CATALOG_VIEW}),
    Role.ANIMATOR: frozenset(),
    Role.FINANCE: frozenset({Capability.FAMILIES_REVIEW, Capability.DOCUMENTS_READ_ALL}),
    Role.PARENT: frozenset({Capability.FAMILY_SPACE}),
}


def can(user, capability: Capability) -> bool:
    """Whether `user` (possibly anonymous) holds `capability`."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    return capability in ROLE_CAPABILITIES.get(user.role, frozenset())


def roles_with(capability: Capability) -> frozenset[str]:
    return frozenset(role for role, capabilities in ROLE_CAPABILITIES.items() if capability in capabilities)
