"""Guardians read their own household's documents (registered with storage at start-up)."""

from accounts.models import User
from core.roles import Role
from families.models import Guardian
from storage.access import register_access_policy
from storage.models import Document


@register_access_policy
def guardians_read_their_households_documents(user: User, document: Document) -> bool:
    if user.role != Role.PARENT:
        return False
    household_id = Guardian.objects.filter(user=user).values_list("household_id", flat=True).first()
    return household_id is not None and document.owner == f"families.household:{household_id}"
