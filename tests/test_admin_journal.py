"""The Django admin writes through the apps' services: a power user's change is journaled like any other."""

from audit.models import AuditEntry
from conftest import signed_in
from core.roles import Role
from reservations.models import EnrolmentRequirement
from storage.models import DocumentType
from tests.factories import DocumentTypeFactory, ServiceFactory, UserFactory
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


def test_the_pieces_an_enrolment_asks_for_are_set_in_the_admin_and_journaled(in_clisson):
    power_user = UserFactory(role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    service, insurance = ServiceFactory(), DocumentTypeFactory(name="Attestation d'assurance")

    added = signed_in(power_user).post(
        "/admin/reservations/enrolmentrequirement/add/",
        {"service": service.pk, "document_type": insurance.pk, "position": "0"},
    )

    assert added.status_code == 302
    assert EnrolmentRequirement.objects.get(service=service).document_type == insurance
    assert AuditEntry.objects.get(actor=power_user, action="reservations.requirement").context.endswith(
        f":{service.pk}"
    )
