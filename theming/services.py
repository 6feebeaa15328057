"""Writes on a commune's branding."""

from django.core.files.base import ContentFile
from django.db import transaction

from audit.services import audit_record
from core.access import require_capability
from core.roles import Capability
from theming.models import Branding


def branding_update(*, logo: tuple[str, bytes] | None = None, **fields: str) -> Branding:
    """Set the given branding fields (and optionally the logo as (name, content))."""
    branding, _created = Branding.objects.get_or_create(pk=1)
    for field, value in fields.items():
        setattr(branding, field, value)
    if logo is not None:
        branding.logo.save(logo[0], ContentFile(logo[1]), save=False)
    branding.full_clean()
    branding.save()
    return branding


def branding_save(*, actor, branding: Branding, changed_fields: list[str]) -> Branding:
    """A staff member changes the commune's face (from the Django admin); journaled."""
    require_capability(actor, Capability.COMMUNE_CONFIGURE)
    with transaction.atomic():
        branding.full_clean()
        branding.save()
        audit_record(
            actor=actor,
            action="theming.branding",
            target=branding,
            changes={name: str(getattr(branding, name)) for name in changed_fields},
        )
    return branding
