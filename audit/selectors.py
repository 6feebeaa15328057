from django.db import models
from django.db.models import QuerySet

from audit.models import AuditEntry


def entries_for(*, target: models.Model, limit: int = 20) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(target_type=target._meta.label_lower, target_id=str(target.pk))[:limit]
