"""Children: added by a family, kept up to date by each of their households, attached to a second one by staff."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record
from core.roles import Capability, can
from families.models import ChangeRequest, Child, ChildHousehold, Decision, Household, PickupPerson
from families.notifications import notify_decision
from families.services.common import ensure_acts_for, journal_counter


def child_add(*, actor: User, household: Household, child: Child) -> Child:
    """A new child of the household; the mairie validates the addition."""
    ensure_acts_for(actor, household)
    child.status = Decision.PENDING
    child.full_clean()
    with transaction.atomic():
        child.save()
        ChildHousehold.objects.create(child=child, household=household)
        request = ChangeRequest.objects.create(
            household=household, kind=ChangeRequest.Kind.CHILD, child=child, created_by=actor
        )
        journal_counter(
            actor=actor, action="families.child_add", target=request, household=household, changes={"child": str(child)}
        )
    return child


def child_update(*, actor: User, household: Household, child: Child, fields: list[str]) -> Child:
    """Health information and school are each household's to keep up to date; no validation needed."""
    ensure_acts_for(actor, household)
    if not child.households.filter(pk=household.pk).exists():
        raise ValidationError(_("Cet enfant n'est pas rattaché à ce foyer."))
    child.full_clean()
    with transaction.atomic():
        before = Child.objects.select_for_update().get(pk=child.pk)
        changed = [name for name in fields if getattr(before, name) != getattr(child, name)]
        if changed:
            child.save(update_fields=changed)
        journal_counter(
            actor=actor,
            action="families.child_update",
            target=child,
            household=household,
            changes={name: f"{getattr(before, name)} → {getattr(child, name)}" for name in changed},
        )
    return child


def child_link(*, actor: User, child: Child, household: Household) -> ChildHousehold:
    """The mairie attaches a child to a second household (separated parents): matched by staff, never
    automatically. Each household then sees the child, never the other's address, phones, QF or pick-ups."""
    if not can(actor, Capability.FAMILIES_REVIEW):
        raise ValidationError(_("Seule la mairie rattache un enfant à un second foyer."))
    with transaction.atomic():
        return _link(actor, child, household)


def child_request_match(*, actor: User, request: ChangeRequest, child: Child) -> ChangeRequest:
    """A household declared a child the mairie already knows (the other parent's): staff say it is the same
    child. The declared duplicate goes, the known child is attached to the household, the request is
    validated, and the family is told."""
    if not can(actor, Capability.FAMILIES_REVIEW):
        raise ValidationError(_("Seule la mairie rattache un enfant à un second foyer."))
    with transaction.atomic():
        request = (
            ChangeRequest.objects.select_for_update(of=("self",))
            .select_related("child", "household")
            .get(pk=request.pk)
        )
        if request.kind != ChangeRequest.Kind.CHILD or request.status != Decision.PENDING:
            raise ValidationError(_("Cette demande a déjà été traitée."))
        duplicate = request.child
        _link(actor, child, request.household)
        request.child, request.status = child, Decision.VALIDATED
        request.decided, request.decided_by = timezone.now(), actor
        request.save(update_fields=["child", "status", "decided", "decided_by"])
        PickupPerson.objects.filter(child=duplicate).update(child=child)
        duplicate.delete()
        notify_decision(request)
    return request


def _link(actor: User, child: Child, household: Household) -> ChildHousehold:
    """Attach `child` to `household` (inside the caller's transaction), journaled on both households' files."""
    child = Child.objects.select_for_update().get(pk=child.pk)
    if child.households.filter(pk=household.pk).exists():
        raise ValidationError(_("%(child)s est déjà rattaché(e) à ce foyer.") % {"child": child})
    if child.households.count() >= 2:
        raise ValidationError(_("%(child)s est déjà rattaché(e) à deux foyers.") % {"child": child})
    link = ChildHousehold.objects.create(child=child, household=household)
    for context in child.households.all():
        audit_record(actor=actor, action="families.link", target=link, changes={"child": str(child)}, context=context)
    return link


def pickup_add(
    *, actor: User, household: Household, child: Child, name: str, phone: str, relationship: str
) -> PickupPerson:
    """Someone the household allows to collect the child; the child's other household never sees them."""
    ensure_acts_for(actor, household)
    person = PickupPerson(child=child, household=household, name=name, phone=phone, relationship=relationship)
    person.full_clean()
    with transaction.atomic():
        person.save()
        journal_counter(
            actor=actor,
            action="families.pickup_add",
            target=person,
            household=household,
            changes={"child": str(child), "name": name, "phone": phone},
        )
    return person


def pickup_remove(*, actor: User, person: PickupPerson) -> None:
    ensure_acts_for(actor, person.household)
    with transaction.atomic():
        journal_counter(
            actor=actor,
            action="families.pickup_remove",
            target=person,
            household=person.household,
            changes={"child": str(person.child), "name": person.name},
        )
        person.delete()
