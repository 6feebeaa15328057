"""E-mails, sent by the worker in the schema of the commune that queued them."""

from celery import shared_task
from django.template.loader import render_to_string

from accounts.models import User
from accounts.tokens import activation_path
from core.communes import current_commune, portal_url
from core.tasks import send_email


@shared_task
def send_invitation(*, user_id: int) -> None:
    user = User.objects.get(pk=user_id)
    commune = current_commune()
    context = {"user": user, "commune": commune, "activation_url": portal_url(commune, activation_path(user))}
    subject = render_to_string("accounts/email/invitation_subject.txt", context).strip()
    body = render_to_string("accounts/email/invitation_message.txt", context)
    send_email(subject=subject, body=body, to=[user.email])
