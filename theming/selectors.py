from theming.models import Branding


def branding_get() -> Branding:
    """The commune's branding; defaults if the commune has not set any yet."""
    return Branding.objects.filter(pk=1).first() or Branding()
