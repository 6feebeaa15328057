import logging

from celery import shared_task
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from notifications.branding import current_branding
from notifications.kinds import KINDS
from notifications.models import Notification

logger = logging.getLogger(__name__)


@shared_task
def deliver_notification(*, notification_id: int) -> None:
    """Send one notification (run by its outbox message: a failure is retried there, with backoff)."""
    with transaction.atomic():
        notification = Notification.objects.select_for_update().get(pk=notification_id)
        if notification.status != Notification.Status.QUEUED:
            return
        reply_to = current_branding().contact_email
        message = EmailMultiAlternatives(
            subject=notification.subject,
            body=notification.text,
            to=[notification.email],
            reply_to=[reply_to] if reply_to else None,
            headers={"Auto-Submitted": "auto-generated"},
        )
        message.attach_alternative(notification.html, "text/html")
        message.send()
        notification.status = Notification.Status.SENT
        notification.sent_at = timezone.now()
        kind = KINDS.get(notification.kind)
        if kind is None or kind.confidential:  # a one-time link or code is not kept once it has left
            notification.text = notification.html = ""
        notification.save(update_fields=["status", "sent_at", "text", "html"])
    logger.info("Notification %s (%s) sent", notification.pk, notification.kind)  # the log line names the schema
