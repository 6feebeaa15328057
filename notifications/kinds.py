"""The registry of notification kinds: each app registers what it sends, at start-up (`AppConfig.ready`).

A kind names its templates, says whether a guardian may turn it off, and whether its body must be
forgotten once sent (a one-time link or code must not stay readable in the database).
"""

from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.roles import Capability, can


class AlwaysSent(StrEnum):
    """Why a kind cannot be turned off, in the guardian's words."""

    SECURITY = "security"
    DEADLINE = "deadline"
    PROOF = "proof"

    @property
    def label(self) -> Promise:
        return {
            AlwaysSent.SECURITY: _("toujours envoyé : la sécurité de votre compte en dépend"),
            AlwaysSent.DEADLINE: _("toujours envoyé : il annonce une échéance"),
            AlwaysSent.PROOF: _("toujours envoyé : c'est votre preuve en cas de litige"),
        }[self]


@dataclass(frozen=True)
class NotificationKind:
    key: str  # "<app>.<what>", stored with each notification
    label: Promise
    # "<app>/email/<name>": <name>_subject.txt and <name>.txt; None when the text comes rendered
    # (allauth's e-mails, rendered by allauth in the request).
    template: str | None
    always_sent: AlwaysSent | None = None
    confidential: bool = False
    # Who receives it, hence whose preferences list it (None: every account).
    audience: Capability | None = None

    @property
    def optional(self) -> bool:
        return self.always_sent is None


KINDS: dict[str, NotificationKind] = {}


def register_kinds(*kinds: NotificationKind) -> None:
    for kind in kinds:
        if kind.key in KINDS and KINDS[kind.key] != kind:
            raise ValueError(f"Notification kind {kind.key!r} is registered twice")
        KINDS[kind.key] = kind


def kind_get(key: str) -> NotificationKind:
    try:
        return KINDS[key]
    except KeyError:
        raise LookupError(f"Unknown notification kind {key!r}: register it in its app's ready()") from None


def kinds_for_preferences(user) -> list[NotificationKind]:
    """What a user's preferences list: the kinds they may turn off first, then those always sent."""
    theirs = [kind for kind in KINDS.values() if kind.audience is None or can(user, kind.audience)]
    return sorted(theirs, key=lambda kind: (not kind.optional, str(kind.label)))
