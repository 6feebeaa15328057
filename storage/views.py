from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_safe
from storages.backends.s3 import S3Storage

from storage.selectors import get_document_for

# Long enough to start a download on a slow phone, too short to be worth sharing.
PRESIGNED_SECONDS = 60


@require_safe
@login_required
def document_download(request: HttpRequest, document_id: UUID) -> HttpResponse:
    """The only way to a document: the right to read is checked here, for every download."""
    document = get_document_for(actor=request.user, pk=document_id)
    # The stored name is sanitised (ASCII, no quotes): safe in a header, unlike what the family typed.
    filename = document.file.name.rsplit("/", 1)[-1]
    disposition = f'attachment; filename="{filename}"'
    storage = document.file.storage
    if isinstance(storage, S3Storage):
        url = storage.url(
            document.file.name,
            parameters={"ResponseContentDisposition": disposition, "ResponseContentType": document.content_type},
            expire=PRESIGNED_SECONDS,
        )
        response = redirect(url)
    else:
        response = FileResponse(
            document.file.open("rb"),
            as_attachment=True,
            filename=filename,
            content_type=document.content_type,
        )
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
