"""The pieces a service's enrolment asks for, configured by the commune's administrators."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from accounts.models import User
from audit.services import audit_record
from core.roles import Capability, can
from reservations.models import EnrolmentRequirement


def enrolment_requirement_save(*, actor: User, requirement: EnrolmentRequirement, changed: list[str]) -> None:
    if not can(actor, Capability.CATALOG_CONFIGURE):
        raise PermissionDenied
    with transaction.atomic():
        created = requirement.pk is None
        requirement.full_clean()
        requirement.save()
        audit_record(
            actor=actor,
            action="reservations.requirement",
            target=requirement,
            changes={"created": created, "changed": changed},
            context=requirement.service,
        )


def enrolment_requirement_delete(*, actor: User, requirement: EnrolmentRequirement) -> None:
    if not can(actor, Capability.CATALOG_CONFIGURE):
        raise PermissionDenied
    with transaction.atomic():
        audit_record(
            actor=actor, action="reservations.requirement_delete", target=requirement, context=requirement.service
        )
        requirement.delete()
