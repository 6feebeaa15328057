from django.db import models

from audit.models import AuditEntry


def audit_record(
    *,
    actor,
    action: str,
    target: models.Model,
    changes: dict[str, object] | None = None,
    context: models.Model | None = None,
) -> AuditEntry:
    """Record a staff action on `target` (part of `context`); call it inside the action's transaction."""
    return AuditEntry.objects.create(
        context=context_key(context or target),
        actor=actor if actor and actor.is_authenticated else None,
        actor_email=getattr(actor, "email", "") or "",
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_label=str(target)[:200],
        changes={name: _printable(value) for name, value in (changes or {}).items()},
    )


def audit_record_event(*, actor_email: str, action: str, label: str, changes: dict | None = None) -> AuditEntry:
    """An action on no single record (a whole catalogue replaced), possibly by an operator from outside the commune."""
    return AuditEntry.objects.create(
        actor_email=actor_email,
        action=action,
        target_type="",
        target_id="",
        target_label=label[:200],
        changes={name: _printable(value) for name, value in (changes or {}).items()},
    )


def _printable(value: object) -> object:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, list | tuple):
        return [_printable(item) for item in value]
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, models.QuerySet):
        return [str(item) for item in value]
    return str(value)


def context_key(record: models.Model) -> str:
    return f"{record._meta.label_lower}:{record.pk}"
