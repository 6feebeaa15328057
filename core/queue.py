"""Queue Celery tasks for the commune that is current now, once the transaction commits."""

from celery import Task
from django.db import connection, transaction

from core.communes import active_commune_schemas


def delay_on_commit(task: Task, **kwargs) -> None:
    # The schema is read now: by commit time the connection may be back on
    # public (onboarding works inside schema_context), and the task must run
    # in the commune that asked for it.
    headers = {"_schema_name": connection.schema_name}
    transaction.on_commit(lambda: task.apply_async(kwargs=kwargs, headers=headers))


def for_each_active_commune(task: Task, **kwargs) -> int:
    """Queue `task` once per active commune, each run in its own schema (periodic jobs fan out this way)."""
    schemas = active_commune_schemas()
    for schema_name in schemas:
        task.apply_async(kwargs=kwargs, headers={"_schema_name": schema_name})
    return len(schemas)
