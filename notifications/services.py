"""Sending a notification: rendered now, for each recipient in their language, and delivered by the
outbox once the caller's transaction commits (never if it rolls back, once even if Redis was down)."""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from core.queue import delay_on_commit
from notifications.branding import EmailBranding, current_branding
from notifications.kinds import NotificationKind, kind_get
from notifications.models import Notification, TurnedOffKind
from notifications.selectors import turned_off_kinds

Recipient = AbstractBaseUser | str  # a user, or a bare address (an unknown account, a former address)


def notify(
    kind_key: str, *, to: Iterable[Recipient], context: dict[str, Any], language: str | None = None
) -> list[Notification]:
    """E-mail `to` (each address once) a notification of the kind `kind_key`.

    `context` feeds the kind's templates; a kind without templates takes its `subject` and `text` from it.
    Each user reads it in their language; a bare address in `language` (default: the current one).
    A user who turned an optional kind off gets nothing, and the family file says so.
    """
    from notifications.tasks import deliver_notification

    kind = kind_get(kind_key)
    branding = current_branding()
    sent = []
    for user, email in _distinct_recipients(to):
        reads = getattr(user, "language", "") or language or translation.get_language() or settings.LANGUAGE_CODE
        subject, text, html = _render(kind, context, branding=branding, language=reads, user=user)
        turned_off = user is not None and kind.optional and kind.key in turned_off_kinds(user)
        notification = Notification.objects.create(
            kind=kind.key,
            user=user,
            email=email,
            language=reads,
            subject=subject,
            text="" if turned_off else text,
            html="" if turned_off else html,
            status=Notification.Status.TURNED_OFF if turned_off else Notification.Status.QUEUED,
        )
        if not turned_off:
            notification.delivery = delay_on_commit(deliver_notification, notification_id=notification.pk)
            notification.save(update_fields=["delivery"])
        sent.append(notification)
    return sent


def preferences_save(*, user: AbstractBaseUser, turned_off: Iterable[str]) -> None:
    """The kinds `user` does not want any more; kinds always sent cannot be among them."""
    keys = set(turned_off)
    for key in keys:
        try:
            kind = kind_get(key)
        except LookupError:
            raise ValidationError({"turned_off": _("Type de notification inconnu : %(key)s.") % {"key": key}}) from None
        if not kind.optional:
            message = _("« %(kind)s » est toujours envoyé.") % {"kind": kind.label}
            raise ValidationError({"turned_off": ValidationError(message, code="always_sent")})
    with transaction.atomic():
        TurnedOffKind.objects.filter(user=user).exclude(kind__in=keys).delete()
        TurnedOffKind.objects.bulk_create(
            [TurnedOffKind(user=user, kind=key) for key in sorted(keys)], ignore_conflicts=True
        )


def _distinct_recipients(to: Iterable[Recipient]) -> list[tuple[AbstractBaseUser | None, str]]:
    seen: dict[str, AbstractBaseUser | None] = {}
    for recipient in to:
        user = None if isinstance(recipient, str) else recipient
        email = (recipient if user is None else user.email).strip().lower()
        if email and (email not in seen or seen[email] is None):
            seen[email] = user
    return [(user, email) for email, user in seen.items()]


def _render(
    kind: NotificationKind, context: dict, *, branding: EmailBranding, language: str, user: AbstractBaseUser | None
) -> tuple[str, str, str]:
    with translation.override(language):
        full = {**context, "branding": branding, "recipient": user}
        if kind.template:
            subject = render_to_string(f"{kind.template}_subject.txt", full)
            text = render_to_string(f"{kind.template}.txt", full)
        else:
            subject, text = context["subject"], context["text"]
        subject = f"[{branding.name}] {' '.join(subject.split())}"
        preferences_url = _preferences_url(branding) if kind.optional else ""
        layout = {"branding": branding, "subject": subject, "text": text.strip(), "preferences_url": preferences_url}
        return (
            subject[:255],
            render_to_string("notifications/email/layout.txt", layout),
            render_to_string("notifications/email/layout.html", layout),
        )


def _preferences_url(branding: EmailBranding) -> str:
    if not branding.portal_url:  # the platform's console has no preferences page
        return ""
    return branding.portal_url.rstrip("/") + reverse("account_settings", urlconf=settings.ROOT_URLCONF)
