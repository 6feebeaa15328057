from django.db.models import QuerySet

from accounts.models import User
from core.roles import STAFF_ROLES


def staff_members() -> QuerySet[User]:
    return User.objects.filter(role__in=STAFF_ROLES).order_by("last_name", "first_name", "email")
