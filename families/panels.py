"""Sections a higher app adds to the family's pages (reservations: a child's enrolments and bookings).

families cannot import the apps above it: they register a callable at start-up (their AppConfig.ready()),
which answers a template and its context, or None to show nothing. The page includes each template with
the context as `panel`.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from accounts.models import User
from families.models import Child
from families.selectors import FamilyActor


@dataclass(frozen=True)
class Panel:
    template: str
    context: dict = field(default_factory=dict)


ChildPanel = Callable[..., Panel | None]  # (child=, actor=) → a section of the child's page
QueuePanel = Callable[..., Panel | None]  # (user=) → a section of the staff's queue

_child_panels: list[ChildPanel] = []
_queue_panels: list[QueuePanel] = []


def register_child_panel(panel: ChildPanel) -> ChildPanel:
    if panel not in _child_panels:
        _child_panels.append(panel)
    return panel


def register_queue_panel(panel: QueuePanel) -> QueuePanel:
    if panel not in _queue_panels:
        _queue_panels.append(panel)
    return panel


def child_panels(*, child: Child, actor: FamilyActor) -> list[Panel]:
    return [p for panel in _child_panels if (p := panel(child=child, actor=actor)) is not None]


def queue_panels(*, user: User) -> list[Panel]:
    return [p for panel in _queue_panels if (p := panel(user=user)) is not None]
