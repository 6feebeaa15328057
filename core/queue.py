"""Queue work for the commune that is current now: written to the outbox in the caller's transaction,
relayed to Celery once it commits, relayed again later if the broker was down (nothing is lost)."""

import logging
from datetime import timedelta

from celery import Task
from django.db import connection, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from core.communes import active_commune_schemas
from core.models import OutboxMessage

logger = logging.getLogger(__name__)

# The commit relays a message at once; the periodic relay only takes those still waiting after this.
RELAY_GRACE = timedelta(minutes=1)


def delay_on_commit(task: Task, **kwargs) -> OutboxMessage:
    """Run `task(**kwargs)` once, after the surrounding transaction commits (never if it rolls back)."""
    message = OutboxMessage.objects.create(task=task.name, kwargs=kwargs, next_attempt=timezone.now() + RELAY_GRACE)
    # The schema is read now: by commit time the connection may be back on public (onboarding works
    # inside schema_context), and the task must run in the commune that asked for it.
    schema_name = connection.schema_name
    transaction.on_commit(lambda: relay(schema_name, [message.pk]))
    return message


def relay(schema_name: str, message_ids: list[int]) -> int:
    """Hand messages to the broker; if it does not answer, they wait in the outbox for the next relay."""
    from core.tasks import run_outbox_message

    if not message_ids:
        return 0
    app = run_outbox_message.app
    sent = 0
    try:
        with app.producer_or_acquire() as producer:
            if not app.conf.task_always_eager:
                # One try, then the outbox: left to itself, kombu retries the connection for about 6 s (pauses
                # of 2 s until broker_connection_timeout) even with retry=False, and the request that committed
                # would wait that long for a broker that is down.
                producer.connection.ensure_connection(max_retries=0)
            for message_id in message_ids:
                run_outbox_message.apply_async(
                    kwargs={"message_id": message_id},
                    headers={"_schema_name": schema_name},
                    retry=False,
                    producer=producer,
                )
                sent += 1
    except (OperationalError, OSError) as exc:
        logger.warning("Broker unreachable (%s): %d message(s) wait in the outbox", exc, len(message_ids) - sent)
    return sent


def relay_due() -> int:
    """Relay the current schema's messages that are overdue (broker was down, or a retry is due)."""
    due = OutboxMessage.objects.filter(done__isnull=True, next_attempt__lte=timezone.now())
    return relay(connection.schema_name, list(due.order_by("pk").values_list("pk", flat=True)[:500]))


def for_each_active_commune(task: Task, **kwargs) -> int:
    """Queue `task` once per active commune, each run in its own schema (periodic jobs fan out this way)."""
    schemas = active_commune_schemas()
    for schema_name in schemas:
        task.apply_async(kwargs=kwargs, headers={"_schema_name": schema_name})
    return len(schemas)
