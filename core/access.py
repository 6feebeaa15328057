"""Page and API guards reading the role matrix."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from rest_framework.permissions import BasePermission

from core.roles import Capability, can


def capability_required(capability: Capability):
    """A page for the signed-in holders of `capability`; others get 403, anonymous visitors the login page."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not can(request.user, capability):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def require_capability(user, capability: Capability) -> None:
    if not can(user, capability):
        raise PermissionDenied


def api_permission(capability: Capability) -> type[BasePermission]:
    """A DRF permission class for the holders of `capability`."""

    class HasCapability(BasePermission):
        def has_permission(self, request, view) -> bool:
            return can(request.user, capability)

    HasCapability.__name__ = f"Has{capability.name.title().replace('_', '')}"
    return HasCapability
