from datetime import timedelta

from celery import shared_task
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.communes import current_commune, portal_url
from core.queue import for_each_active_commune
from core.tasks import send_email
from families.models import ChangeRequest, Dossier, Household
from families.selectors import guardian_emails
from storage.models import Document


@shared_task
def send_decision_email(*, request_id: int) -> None:
    """Tell the household's guardians what the mairie decided on their request."""
    request = ChangeRequest.objects.select_related("household", "child").get(pk=request_id)
    recipients = guardian_emails([request.household])
    if not recipients:
        return
    commune = current_commune()
    context = {"request": request, "commune": commune, "dashboard_url": portal_url(commune, "/famille/")}
    with translation.override("fr"):
        subject = render_to_string("families/email/decision_subject.txt", context).strip()
        body = render_to_string("families/email/decision_message.txt", context)
    send_email(subject=f"[{commune.name}] {subject}", body=body, to=recipients)


@shared_task
def send_dossier_email(*, dossier_id: int) -> None:
    """Tell the guardians their child's dossier is validated, or which pieces to correct and why."""
    dossier = Dossier.objects.select_related("child", "school_year").get(pk=dossier_id)
    # A shared child's dossier is both households': both hear of the decision.
    recipients = guardian_emails(dossier.child.households.prefetch_related("guardians"))
    if not recipients:
        return
    commune = current_commune()
    refused = [item for item in dossier.items.select_related("requirement") if item.reason]
    context = {
        "dossier": dossier,
        "refused": refused,
        "commune": commune,
        "dashboard_url": portal_url(commune, "/famille/"),
    }
    with translation.override("fr"):
        subject = render_to_string("families/email/dossier_subject.txt", context).strip()
        body = render_to_string("families/email/dossier_message.txt", context)
    send_email(subject=f"[{commune.name}] {subject}", body=body, to=recipients)


REMINDER_DAYS = 30


@shared_task
def remind_expiring_documents_everywhere() -> int:
    """Daily: every active commune reminds its families of documents about to expire (suspended ones rest)."""
    return for_each_active_commune(remind_expiring_documents)


@shared_task
def remind_expiring_documents() -> int:
    """E-mail each household once about its documents expiring within 30 days, and remember it was done."""
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
    if not by_household:
        return 0
    commune = current_commune()
    households = Household.objects.in_bulk([int(owner.rsplit(":", 1)[1]) for owner in by_household])
    for owner, documents in by_household.items():
        household = households.get(int(owner.rsplit(":", 1)[1]))
        recipients = [g.email for g in household.guardians.all() if g.user_id] if household else []
        if recipients:
            context = {"documents": documents, "commune": commune, "url": portal_url(commune, "/famille/documents/")}
            with translation.override("fr"):
                body = render_to_string("families/email/expiry_message.txt", context)
            send_email(subject=f"[{commune.name}] {_('Documents bientôt expirés')}", body=body, to=recipients)
        Document.objects.filter(pk__in=[d.pk for d in documents]).update(expiry_reminded_on=today)
    return len(by_household)
