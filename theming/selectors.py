from django.urls import reverse

from core.communes import current_commune, portal_url
from notifications.branding import EmailBranding
from theming.models import Branding


def branding_get() -> Branding:
    """The commune's branding; defaults if the commune has not set any yet."""
    return Branding.objects.filter(pk=1).first() or Branding()


def email_branding() -> EmailBranding | None:
    """The commune's look in its e-mails (None on the platform's own schema: the platform's look)."""
    commune = current_commune()
    if commune is None:
        return None
    branding = branding_get()
    return EmailBranding(
        name=commune.name,
        primary_colour=branding.primary_colour,
        secondary_colour=branding.secondary_colour,
        logo_url=portal_url(commune, reverse("branding_logo")) if branding.logo else "",
        portal_url=portal_url(commune, "/"),
        contact_email=branding.contact_email,
        contact_phone=branding.contact_phone,
    )
