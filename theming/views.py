from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from theming.selectors import branding_get

LOGO_CONTENT_TYPES = {"svg": "image/svg+xml", "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg"}


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "theming/home.html")


@require_safe
def logo(request: HttpRequest) -> FileResponse:
    """The commune's logo, read from private storage: only this commune's branding is reachable."""
    branding = branding_get()
    if not branding.logo:
        raise Http404
    extension = branding.logo.name.rsplit(".", 1)[-1].lower()
    response = FileResponse(
        branding.logo.open("rb"), content_type=LOGO_CONTENT_TYPES.get(extension, "application/octet-stream")
    )
    # An SVG opened directly must not run anything.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    response["Cache-Control"] = "public, max-age=3600"
    return response
