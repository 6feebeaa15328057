"""Writes on documents: a file is stored whole and recorded, or not at all."""

import logging
import uuid
from datetime import date
from typing import IO

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record
from core.access import require_capability
from core.roles import Capability
from storage.inspection import inspect_upload
from storage.models import Document, DocumentType, StoragePolicy
from storage.selectors import storage_policy

logger = logging.getLogger(__name__)


def document_upload(
    *,
    upload: IO[bytes],
    client_name: str,
    owner: str,
    uploaded_by: User,
    document_type: DocumentType | None = None,
    subject: str = "",
) -> Document:
    """Check, store and record a file; raises ValidationError (in French) and keeps nothing when it fails."""
    max_bytes = storage_policy().max_upload_mb * 1024 * 1024
    inspected = inspect_upload(upload, client_name, max_bytes)
    document_id = uuid.uuid4()
    # The key carries the commune: no two communes' files can ever share a name.
    key = f"{connection.schema_name}/documents/{document_id.hex}/{inspected.name}"
    try:
        stored_key = default_storage.save(key, ContentFile(inspected.content))
    except Exception as exc:  # any storage back-end failure: the family must be told, nothing recorded
        logger.exception("Document storage failed for %s", connection.schema_name)
        raise ValidationError(
            _("Le dépôt des documents est momentanément indisponible : rien n'a été enregistré, réessayez plus tard."),
            code="storage",
        ) from exc
    try:
        with transaction.atomic():
            return Document.objects.create(
                id=document_id,
                owner=owner,
                subject=subject,
                document_type=document_type,
                file=stored_key,
                original_name=inspected.original_name,
                size=inspected.size,
                content_type=inspected.content_type,
                sha256=inspected.sha256,
                uploaded_by=uploaded_by,
                expires_on=_expiry(document_type, timezone.localdate()),
            )
    except Exception:
        default_storage.delete(stored_key)
        raise


def document_review(*, document: Document, actor: User, accepted: bool, reason: str = "") -> Document:
    require_capability(actor, Capability.DOCUMENTS_READ_ALL)
    if not accepted and not reason.strip():
        raise ValidationError({"reason": _("Indiquez le motif du refus : la famille le lira.")})
    with transaction.atomic():
        document.review = Document.Review.ACCEPTED if accepted else Document.Review.REFUSED
        document.refusal_reason = "" if accepted else reason.strip()
        document.reviewed_by, document.reviewed_at = actor, timezone.now()
        document.save(update_fields=["review", "refusal_reason", "reviewed_by", "reviewed_at"])
        audit_record(
            actor=actor,
            action="storage.review",
            target=document,
            changes={"review": document.review, "reason": document.refusal_reason},
        )
    return document


def document_delete(*, document: Document, actor: User) -> None:
    """Remove a document and its file (after the commit: a rolled-back delete keeps the file)."""
    require_capability(actor, Capability.DOCUMENTS_READ_ALL)
    name = document.file.name
    with transaction.atomic():
        audit_record(actor=actor, action="storage.delete", target=document)
        document.delete()
        transaction.on_commit(lambda: default_storage.delete(name))


def _expiry(document_type: DocumentType | None, today: date) -> date | None:
    if document_type is None or document_type.validity_months is None:
        return None
    return today + relativedelta(months=document_type.validity_months)


def storage_policy_save(*, policy: StoragePolicy, actor: User) -> StoragePolicy:
    require_capability(actor, Capability.COMMUNE_CONFIGURE)
    with transaction.atomic():
        policy.full_clean()
        policy.save()
        audit_record(
            actor=actor, action="storage.policy", target=policy, changes={"max_upload_mb": policy.max_upload_mb}
        )
    return policy


def document_type_save(*, actor: User, document_type: DocumentType, changed_fields: list[str]) -> DocumentType:
    """A kind of document the commune asks for (and how long it stays valid), from the Django admin."""
    require_capability(actor, Capability.COMMUNE_CONFIGURE)
    with transaction.atomic():
        document_type.full_clean()
        document_type.save()
        audit_record(
            actor=actor,
            action="storage.document_type",
            target=document_type,
            changes={name: getattr(document_type, name) for name in changed_fields},
        )
    return document_type


def document_type_delete(*, actor: User, document_type: DocumentType) -> None:
    require_capability(actor, Capability.COMMUNE_CONFIGURE)
    with transaction.atomic():
        audit_record(actor=actor, action="storage.document_type_delete", target=document_type)
        document_type.delete()
