"""What every families use case shares: who may act for a household, and the counter's journal."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import models

from accounts.models import User
from audit.services import audit_record
from core.roles import Capability, can
from families.models import Guardian, Household


@dataclass(frozen=True)
class Address:
    address: str
    postcode: str
    city: str
    resident: bool


@dataclass(frozen=True)
class QfDeclaration:
    qf: int
    source: str
    valid_from: date | None
    valid_to: date | None


def at_counter(actor: User) -> bool:
    return can(actor, Capability.FAMILIES_REVIEW)


def ensure_acts_for(actor: User, household: Household) -> None:
    """A guardian acts for their own household; family staff for any, at the counter."""
    if at_counter(actor):
        return
    if not (can(actor, Capability.FAMILY_SPACE) and Guardian.objects.filter(user=actor, household=household).exists()):
        raise PermissionDenied


def lock_household(household: Household) -> Household:
    """Rules counted over a household (two guardians, one pending request of a kind): one writer at a time."""
    return Household.objects.select_for_update().get(pk=household.pk)


def journal_counter(
    *, actor: User, action: str, target: models.Model, household: Household, changes: dict | None = None
) -> None:
    """What an agent changed for a family at the counter, under the agent's name, on the family's file."""
    if at_counter(actor):
        audit_record(actor=actor, action=action, target=target, changes=changes, context=household)


def iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def parse_date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None
