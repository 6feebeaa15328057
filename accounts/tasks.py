"""E-mails, sent by the worker in the schema of the commune that queued them."""

from celery import shared_task
from django.core.mail import EmailMultiAlternatives
from django.db import connection
from django.template.loader import render_to_string

from accounts.models import User
from accounts.tokens import activation_path
from tenants.models import Commune
from tenants.selectors import portal_url


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_email(*, subject: str, body: str, to: list[str], html: str | None = None) -> None:
    message = EmailMultiAlternatives(subject=subject, body=body, to=to)
    if html:
        message.attach_alternative(html, "text/html")
    message.send()


@shared_task
def send_invitation(*, user_id: int) -> None:
    user = User.objects.get(pk=user_id)
    commune = Commune.objects.get(schema_name=connection.schema_name)
    context = {"user": user, "commune": commune, "activation_url": portal_url(commune, activation_path(user))}
    subject = render_to_string("accounts/email/invitation_subject.txt", context).strip()
    body = render_to_string("accounts/email/invitation_message.txt", context)
    send_email(subject=subject, body=body, to=[user.email])
