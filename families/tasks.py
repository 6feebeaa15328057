from datetime import timedelta

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from core.queue import for_each_active_commune
from families.models import Household
from families.notifications import notify_documents_expiring
from storage.models import Document

REMINDER_DAYS = 30


@shared_task
def remind_expiring_documents_everywhere() -> int:
    """Daily: every active commune reminds its families of documents about to expire (suspended ones rest)."""
    return for_each_active_commune(remind_expiring_documents)


@shared_task
def remind_expiring_documents() -> int:
    """Tell each household once about its documents expiring within 30 days, and remember it was done."""
    today = timezone.localdate()
    expiring = Document.objects.filter(
        owner__startswith="families.household:",
        review=Document.Review.ACCEPTED,
        expires_on__range=(today, today + timedelta(days=REMINDER_DAYS)),
        expiry_reminded_on__isnull=True,
    ).select_related("document_type")
    by_household: dict[str, list[Document]] = {}
    for document in expiring:
        by_household.setdefault(document.owner, []).append(document)
    households = Household.objects.in_bulk([int(owner.rsplit(":", 1)[1]) for owner in by_household])
    for owner, documents in by_household.items():
        household = households.get(int(owner.rsplit(":", 1)[1]))
        with transaction.atomic():  # reminded, and its e-mails in the outbox, or neither
            if household:
                notify_documents_expiring(household, documents)
            Document.objects.filter(pk__in=[d.pk for d in documents]).update(expiry_reminded_on=today)
    return len(by_household)
