"""The outbox: work meant for Celery, written in the same transaction as the change that causes it."""

from django.db import models
from django.utils import timezone


class OutboxMessage(models.Model):
    """A task to run once: relayed to the broker after the commit, again later if the broker was down or
    the task failed (with backoff), and marked done by the worker that ran it."""

    task = models.CharField(max_length=200)  # a registered Celery task's name
    kwargs = models.JSONField(default=dict)
    created = models.DateTimeField(auto_now_add=True)
    # When the relay may send it (again): the commit sends it at once, the relay only what is overdue.
    next_attempt = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    done = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["next_attempt"], condition=models.Q(done__isnull=True), name="outbox_pending"),
        ]

    def __str__(self) -> str:
        return f"{self.task} #{self.pk}"
