from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Comptes"

    def ready(self) -> None:
        from audit.models import register_action_labels
        from notifications.kinds import AlwaysSent, NotificationKind, register_kinds

        register_action_labels({"accounts.invite": _("invitation")})
        register_kinds(
            NotificationKind(
                "accounts.invitation",
                _("Invitation à activer un compte"),
                "accounts/email/invitation",
                always_sent=AlwaysSent.SECURITY,
                confidential=True,
            ),
            *(
                NotificationKind(key, label, None, always_sent=AlwaysSent.SECURITY, confidential=True)
                for key, label in [
                    ("accounts.email_confirmation", _("Confirmation de l'adresse e-mail")),
                    ("accounts.password_reset", _("Réinitialisation du mot de passe")),
                    ("accounts.login_code", _("Code de connexion")),
                ]
            ),
            NotificationKind("accounts.security", _("Sécurité du compte"), None, always_sent=AlwaysSent.SECURITY),
        )
