"""Queue Celery tasks for the commune that is current now, once the transaction commits."""

from celery import Task
from django.db import connection, transaction


def delay_on_commit(task: Task, **kwargs) -> None:
    # The schema is read now: by commit time the connection may be back on
    # public (onboarding works inside schema_context), and the task must run
    # in the commune that asked for it.
    headers = {"_schema_name": connection.schema_name}
    transaction.on_commit(lambda: task.apply_async(kwargs=kwargs, headers=headers))


def for_each_active_commune(task: Task, **kwargs) -> int:
    """Queue `task` once per active commune, each run in its own schema (periodic jobs fan out this way)."""
    from tenants.models import Commune

    communes = Commune.objects.filter(status=Commune.Status.ACTIVE).exclude(schema_name="public")
    count = 0
    for schema_name in communes.values_list("schema_name", flat=True):
        task.apply_async(kwargs=kwargs, headers={"_schema_name": schema_name})
        count += 1
    return count
