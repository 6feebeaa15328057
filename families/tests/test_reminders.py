"""Families are reminded once of documents about to expire; suspended communes' families are not."""

from datetime import timedelta

from django.core import mail
from django.utils import timezone
from django_tenants.utils import schema_context

from core.communes import CommuneStatus, active_commune_schemas
from families.selectors import household_key
from families.tasks import remind_expiring_documents, remind_expiring_documents_everywhere
from storage.models import Document
from tests.factories import family, parent_of


def accepted_document(household, name: str, days_left: int) -> Document:
    return Document.objects.create(
        owner=household_key(household),
        file=f"clisson/documents/{name}",
        original_name=name,
        size=1,
        content_type="application/pdf",
        sha256="0" * 64,
        review=Document.Review.ACCEPTED,
        expires_on=timezone.localdate() + timedelta(days=days_left),
    )


def test_one_reminder_per_household_for_documents_expiring_within_a_month(
    in_clisson, django_capture_on_commit_callbacks
):
    household = family()
    accepted_document(household, "assurance.pdf", 10)
    accepted_document(household, "qf.pdf", 25)
    accepted_document(household, "vaccins.pdf", 90)

    with django_capture_on_commit_callbacks(execute=True):
        first = remind_expiring_documents()
        second = remind_expiring_documents()

    assert (first, second) == (1, 0)
    (message,) = mail.outbox
    assert message.to == [parent_of(household).email] and message.subject == "[Clisson] Documents bientôt expirés"
    assert "assurance.pdf" in message.body and "qf.pdf" in message.body and "vaccins.pdf" not in message.body


def test_the_daily_job_fans_out_to_active_communes_only(clisson, gorges, django_capture_on_commit_callbacks):
    type(gorges).objects.filter(pk=gorges.pk).update(status=CommuneStatus.SUSPENDED)
    with schema_context("clisson"):
        accepted_document(family(), "assurance.pdf", 5)

    with django_capture_on_commit_callbacks(execute=True):
        queued = remind_expiring_documents_everywhere()

    active = len(active_commune_schemas())
    assert queued == active and active >= 1
    assert [m.subject for m in mail.outbox] == ["[Clisson] Documents bientôt expirés"]
