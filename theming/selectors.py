from django.urls import reverse

from core.communes import current_commune, portal_url
from notifications.branding import EmailBranding
from theming.models import Branding

# Gmail and Outlook show no SVG image in an e-mail: an SVG logo stays on the site, the mail says the name.
EMAIL_LOGO_EXTENSIONS = ("png", "jpg", "jpeg")


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
        logo_url=portal_url(commune, reverse("branding_logo")) if _email_logo(branding) else "",
        portal_url=portal_url(commune, "/"),
        contact_email=branding.contact_email,
        contact_phone=branding.contact_phone,
    )


def _email_logo(branding: Branding) -> bool:
    return bool(branding.logo) and branding.logo.name.rsplit(".", 1)[-1].lower() in EMAIL_LOGO_EXTENSIONS
