"""The Django admin writes through the apps' services: a power user's change is journaled like any other."""

from audit.models import AuditEntry
from conftest import signed_in
from core.roles import Role
from storage.models import DocumentType
from tests.factories import UserFactory
from theming.models import Branding


def test_admin_changes_to_document_types_and_branding_are_journaled(in_clisson):
    power_user = UserFactory(role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    admin = signed_in(power_user)
    branding = Branding.objects.get()

    added = admin.post("/admin/storage/documenttype/add/", {"name": "Certificat médical", "validity_months": "12"})
    changed = admin.post(
        f"/admin/theming/branding/{branding.pk}/change/",
        {
            "primary_colour": "#123456",
            "secondary_colour": branding.secondary_colour,
            "welcome_text": branding.welcome_text,
            "contact_email": branding.contact_email,
            "contact_phone": branding.contact_phone,
            "contact_address": branding.contact_address,
        },
    )

    assert added.status_code == 302 and changed.status_code == 302, changed.content.decode()[:2000]
    assert DocumentType.objects.filter(name="Certificat médical").exists()
    journal = {e.action: e for e in AuditEntry.objects.filter(actor=power_user)}
    assert journal["storage.document_type"].changes == {"name": "Certificat médical", "validity_months": 12}
    assert journal["theming.branding"].changes == {"primary_colour": "#123456"}
