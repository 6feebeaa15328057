"""Queue Celery tasks for the commune that is current now, once the transaction commits."""

from celery import Task
from django.db import connection, transaction


def delay_on_commit(task: Task, **kwargs) -> None:
    # The schema is read now: by commit time the connection may be back on
    # public (onboarding works inside schema_context), and the task must run
    # in the commune that asked for it.
    headers = {"_schema_name": connection.schema_name}
    transaction.on_commit(lambda: task.apply_async(kwargs=kwargs, headers=headers))
