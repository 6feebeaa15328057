"""allauth adapter: per-commune sign-up policy and e-mails sent by Celery."""

from allauth.account.adapter import DefaultAccountAdapter
from django.db import connection
from django.http import HttpRequest
from django.urls import reverse
from django_tenants.utils import get_public_schema_name

from core.queue import delay_on_commit
from core.roles import Capability, can
from core.tasks import send_email


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Operators are created by other operators, never by sign-up.
        return connection.schema_name != get_public_schema_name()

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        if connection.schema_name == get_public_schema_name():
            return reverse("console:commune_list")
        if can(request.user, Capability.FAMILY_SPACE):
            return reverse("families:dashboard")
        return super().get_login_redirect_url(request)

    def format_email_subject(self, subject: str) -> str:
        tenant = getattr(connection, "tenant", None)
        name = getattr(tenant, "name", None)
        return f"[{name}] {subject}" if name else subject

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        message = self.render_mail(template_prefix, email, context)
        html = next((content for content, mime in getattr(message, "alternatives", []) if mime == "text/html"), None)
        delay_on_commit(send_email, subject=message.subject, body=message.body, to=message.to, html=html)
