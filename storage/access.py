"""Who may read a document: staff who need it, and whoever the owning app says.

Apps that own records (families for households) register a policy at start-up;
storage itself knows none of them.
"""

from collections.abc import Callable

from accounts.models import User
from core.roles import Capability, can
from storage.models import Document

AccessPolicy = Callable[[User, Document], bool]
_policies: list[AccessPolicy] = []


def register_access_policy(policy: AccessPolicy) -> AccessPolicy:
    if policy not in _policies:
        _policies.append(policy)
    return policy


def can_read(user: User, document: Document) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if can(user, Capability.DOCUMENTS_READ_ALL):
        return True
    return any(policy(user, document) for policy in _policies)
