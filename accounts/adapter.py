"""allauth adapter: per-commune sign-up policy, and allauth's e-mails sent as notifications."""

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from django_tenants.utils import get_public_schema_name

from accounts.language import remember_language
from accounts.models import User
from core.roles import Capability, can
from notifications.services import notify

# allauth's e-mails by template; any other (password changed, unknown account, …) is a security notice.
KIND_OF_TEMPLATE = {
    "account/email/email_confirmation_signup": "accounts.email_confirmation",
    "account/email/email_confirmation": "accounts.email_confirmation",
    "account/email/password_reset_key": "accounts.password_reset",
    "account/email/password_reset_code": "accounts.password_reset",
    "account/email/login_code": "accounts.login_code",
}


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Operators are created by other operators, never by sign-up.
        return connection.schema_name != get_public_schema_name()

    def save_user(self, request: HttpRequest, user: User, form, commit: bool = True) -> User:
        # A parent who signs up in English reads their e-mails in English.
        user.language = getattr(request, "LANGUAGE_CODE", user.language)
        return super().save_user(request, user, form, commit)

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        if connection.schema_name == get_public_schema_name():
            return reverse("console:commune_list")
        if can(request.user, Capability.FAMILY_SPACE):
            return reverse("families:dashboard")
        return super().get_login_redirect_url(request)

    def post_login(self, request: HttpRequest, user: User, **kwargs) -> HttpResponse:
        response = super().post_login(request, user, **kwargs)
        if user.language != settings.LANGUAGE_CODE:  # an account that reads English gets its portal in English
            remember_language(response, user.language)
        return response

    def format_email_subject(self, subject: str) -> str:
        return subject  # the notification adds the commune's name

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        user = context.get("user")
        recipient = user if isinstance(user, User) and user.email.lower() == email.lower() else email
        # Rendered now (the context holds the request and one-time links), in the recipient's language.
        with translation.override(getattr(recipient, "language", None) or translation.get_language()):
            message = self.render_mail(template_prefix, email, context)
        kind = KIND_OF_TEMPLATE.get(template_prefix, "accounts.security")
        notify(kind, to=[recipient], context={"subject": message.subject, "text": message.body})
