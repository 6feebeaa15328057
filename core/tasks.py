"""Tasks of the ground floor: running an outbox message once, relaying the outbox."""

import logging
from datetime import timedelta

from celery import current_app, shared_task
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context

from core.models import OutboxMessage
from core.queue import for_each_active_commune, relay_due

logger = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(hours=1)


@shared_task
def run_outbox_message(*, message_id: int) -> None:
    """Run the message's task once: a second delivery of the same message finds it done (or being run)."""
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True).filter(pk=message_id, done__isnull=True).first()
        )
        if message is None:
            return
        message.attempts += 1
        try:
            with transaction.atomic():
                current_app.tasks[message.task].run(**message.kwargs)
        except Exception as exc:  # recorded and retried later, with backoff
            message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            message.next_attempt = timezone.now() + min(timedelta(minutes=2**message.attempts), MAX_BACKOFF)
            message.save(update_fields=["attempts", "last_error", "next_attempt"])
            logger.warning(
                "Outbox message %s (%s) failed, attempt %d: %s", message.pk, message.task, message.attempts, exc
            )
            return
        message.done = timezone.now()
        message.save(update_fields=["attempts", "done"])


@shared_task
def relay_outbox() -> int:
    return relay_due()


@shared_task
def relay_outbox_everywhere() -> int:
    """Every minute (beat): each active commune, and the platform itself, relays what waits in its outbox."""
    with schema_context(get_public_schema_name()):
        relay_due()
    return for_each_active_commune(relay_outbox)
