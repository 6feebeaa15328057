from celery import shared_task
from django.db import connection
from django.template.loader import render_to_string
from django.utils import translation

from accounts.tasks import send_email
from families.models import ChangeRequest, Dossier
from tenants.models import Commune
from tenants.selectors import portal_url


@shared_task
def send_decision_email(*, request_id: int) -> None:
    """Tell the household's guardians what the mairie decided on their request."""
    request = ChangeRequest.objects.select_related("household", "child").get(pk=request_id)
    recipients = [g.email for g in request.household.guardians.all() if g.user_id]
    if not recipients:
        return
    commune = Commune.objects.get(schema_name=connection.schema_name)
    context = {"request": request, "commune": commune, "dashboard_url": portal_url(commune, "/famille/")}
    with translation.override("fr"):
        subject = render_to_string("families/email/decision_subject.txt", context).strip()
        body = render_to_string("families/email/decision_message.txt", context)
    send_email(subject=f"[{commune.name}] {subject}", body=body, to=recipients)


@shared_task
def send_dossier_email(*, dossier_id: int) -> None:
    """Tell the guardians their child's dossier is validated, or which pieces to correct and why."""
    dossier = Dossier.objects.select_related("child__household", "school_year").get(pk=dossier_id)
    recipients = [g.email for g in dossier.child.household.guardians.all() if g.user_id]
    if not recipients:
        return
    commune = Commune.objects.get(schema_name=connection.schema_name)
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
