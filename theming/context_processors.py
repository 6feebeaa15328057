from django.db import connection
from django.http import HttpRequest
from django_tenants.utils import get_public_schema_name

from theming.selectors import branding_get


def branding(request: HttpRequest) -> dict:
    """The current commune and its branding, for the base layout."""
    if connection.schema_name == get_public_schema_name():
        return {}
    return {"commune": request.tenant, "branding": branding_get()}
