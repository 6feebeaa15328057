from django.db import models
from django.db.models import QuerySet

from audit.models import AuditEntry
from audit.services import context_key


def entries_for(*, record: models.Model, limit: int = 20) -> QuerySet[AuditEntry]:
    """The latest changes to `record` and to everything that belongs to it."""
    return AuditEntry.objects.filter(context=context_key(record))[:limit]
