from collections.abc import Iterable

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Q, QuerySet

from notifications.models import Notification, TurnedOffKind


def turned_off_kinds(user: AbstractBaseUser) -> set[str]:
    return set(TurnedOffKind.objects.filter(user=user).values_list("kind", flat=True))


def notifications_to(*, users: Iterable[AbstractBaseUser], emails: Iterable[str], limit: int = 50) -> QuerySet:
    """What was sent to these people (by account or by address), newest first, with its delivery."""
    addresses = {email.lower() for email in emails if email}
    return (
        Notification.objects.filter(Q(user__in=list(users)) | Q(email__in=addresses))
        .select_related("delivery")
        .order_by("-created", "-pk")[:limit]
    )
