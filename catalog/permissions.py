from rest_framework.permissions import SAFE_METHODS, BasePermission

from core.roles import Capability, can


class ReadOrAdministratorWrite(BasePermission):
    """Every signed-in user of the commune reads the catalogue; its administrators change it."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return request.method in SAFE_METHODS or can(user, Capability.CATALOG_CONFIGURE)
