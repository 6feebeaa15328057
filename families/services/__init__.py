"""Writes on families, one module per use case; each takes the actor, checks it may act, and journals."""

from families.services.children import (
    child_add,
    child_link,
    child_request_match,
    child_update,
    pickup_add,
    pickup_remove,
)
from families.services.common import Address, QfDeclaration
from families.services.dossiers import dossier_fill, dossier_open, dossier_review, dossier_submit, requirement_save
from families.services.guardians import guardian_change_email, guardian_invite, guardian_update_contact
from families.services.households import (
    address_change_request,
    counter_start,
    household_create,
    household_create_at_counter,
    household_document_review,
    household_document_upload,
    qf_change_request,
    request_decide,
)

__all__ = [
    "Address",
    "QfDeclaration",
    "address_change_request",
    "child_add",
    "child_link",
    "child_request_match",
    "child_update",
    "counter_start",
    "dossier_fill",
    "dossier_open",
    "dossier_review",
    "dossier_submit",
    "guardian_change_email",
    "guardian_invite",
    "guardian_update_contact",
    "household_create",
    "household_create_at_counter",
    "household_document_review",
    "household_document_upload",
    "pickup_add",
    "pickup_remove",
    "qf_change_request",
    "request_decide",
    "requirement_save",
]
