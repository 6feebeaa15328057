from celery import shared_task
from django.db import connection
from django.template.loader import render_to_string
from django.utils import translation

from accounts.tasks import send_email
from families.models import ChangeRequest
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
