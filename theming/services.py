"""Writes on a commune's branding."""

from django.core.files.base import ContentFile

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
