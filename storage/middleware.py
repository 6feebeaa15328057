"""Refuse oversized requests before Django reads their body to disk."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from storage.models import StoragePolicy

# A commune's limit is at most 50 MB; a form's other fields and the multipart envelope fit in the margin.
MAX_REQUEST_BYTES = (
    StoragePolicy._meta.get_field("max_upload_mb").validators[-1].limit_value * 1024 * 1024 + 1024 * 1024
)


class RequestSizeLimitMiddleware:
    """Django would spool a multi-gigabyte upload to a temporary file before any check could run."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_REQUEST_BYTES:
            body = render_to_string(
                "storage/too_large.html",
                {"message": _("Ce fichier est bien trop gros : envoyez un PDF ou une photo de moins de 50 Mo.")},
            )
            return HttpResponse(body, status=413)
        return self.get_response(request)
