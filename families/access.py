"""Guardians read their household's documents, and those of their children's dossiers (registered with storage).

A shared child's dossier is the same for both households, so both read its pieces; everything else a
household sent stays its own.
"""

from accounts.models import User
from core.roles import Capability, can
from families.models import Guardian
from families.selectors import household_key, households_sharing_document
from storage.access import register_access_policy
from storage.models import Document


@register_access_policy
def guardians_read_their_households_documents(user: User, document: Document) -> bool:
    if not can(user, Capability.FAMILY_SPACE):
        return False
    guardian = Guardian.objects.filter(user=user).select_related("household").first()
    if guardian is None:
        return False
    if document.owner == household_key(guardian.household):
        return True
    return households_sharing_document(document).filter(pk=guardian.household_id).exists()
