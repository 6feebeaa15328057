from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ThemingConfig(AppConfig):
    name = "theming"
    verbose_name = "Apparence"

    def ready(self) -> None:
        from audit.models import register_action_labels
        from notifications.branding import register_branding_provider
        from theming.selectors import email_branding

        register_action_labels({"theming.branding": _("apparence du portail")})
        register_branding_provider(email_branding)
