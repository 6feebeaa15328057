from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import User
from storage.access import can_read
from storage.models import Document, StoragePolicy


def storage_policy() -> StoragePolicy:
    return StoragePolicy.objects.first() or StoragePolicy()


def documents_of(*, owner: str) -> QuerySet[Document]:
    return Document.objects.filter(owner=owner).select_related("document_type")


def get_document_for(*, actor: User, pk: UUID | str) -> Document:
    """The document if `actor` may read it; 404 otherwise, the same answer as for a missing one."""
    document = Document.objects.filter(pk=pk).first()
    if document is None or not can_read(actor, document):
        raise Http404
    return document
