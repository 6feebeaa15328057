"""Each e-mail wears the commune's colours and logo, has a plain-text part, forgets a one-time link once
sent, and the family file shows staff what was sent to whom, and what failed."""

import socket

import pytest
from django.core import mail
from django.core.files.base import ContentFile

from conftest import signed_in
from core.models import OutboxMessage
from core.roles import Role
from families.services import household_document_review
from notifications.models import Notification
from notifications.services import notify
from tests.factories import DocumentFactory, UserFactory, family, parent_of
from theming.models import Branding


@pytest.fixture
def agent(in_clisson):
    return UserFactory(role=Role.ADMINISTRATOR)


def test_the_email_wears_the_communes_branding_and_has_a_plain_text_part(
    agent, in_clisson, django_capture_on_commit_callbacks
):
    branding = Branding.objects.get_or_create(pk=1)[0]
    branding.primary_colour, branding.contact_email = "#7a1f5c", "mairie@clisson.test"
    branding.logo.save("logo.png", ContentFile(b"\x89PNG\r\n\x1a\n"), save=True)
    household = family()
    with django_capture_on_commit_callbacks(execute=True):
        household_document_review(
            document=DocumentFactory(household=household, original_name="attestation.pdf"),
            actor=agent,
            accepted=False,
            reason="Le document est illisible",
        )

    (message,) = mail.outbox
    html, mime = message.alternatives[0]
    assert mime == "text/html"
    assert "#7a1f5c" in html and "http://clisson.localhost:8000/logo" in html and "Clisson" in html
    assert "Le document est illisible" in message.body and "<" not in message.body
    assert "http://clisson.localhost:8000/compte/preferences/" in message.body  # an optional kind says where
    assert message.reply_to == ["mairie@clisson.test"]


def test_an_svg_logo_stays_out_of_the_email_which_mail_clients_would_not_show(
    agent, in_clisson, django_capture_on_commit_callbacks
):
    branding = Branding.objects.get_or_create(pk=1)[0]
    branding.logo.save("logo.svg", ContentFile(b'<svg xmlns="http://www.w3.org/2000/svg"/>'), save=True)
    with django_capture_on_commit_callbacks(execute=True):
        household_document_review(
            document=DocumentFactory(household=family(), original_name="attestation.pdf"),
            actor=agent,
            accepted=False,
            reason="Le document est illisible",
        )

    (message,) = mail.outbox
    html = message.alternatives[0][0]
    assert "<img" not in html and "/logo" not in html
    assert "Portail Famille — Clisson" in html


def test_a_one_time_link_is_not_kept_once_sent(in_clisson, django_capture_on_commit_callbacks):
    parent = UserFactory(role=Role.PARENT)
    with django_capture_on_commit_callbacks(execute=True):
        assert signed_in(parent).post("/compte/logout/").status_code == 302
        reset = signed_in(parent).post("/compte/password/reset/", {"email": parent.email})
    assert reset.status_code == 302
    (message,) = mail.outbox
    assert "/compte/password/reset/key/" in message.body
    (sent,) = Notification.objects.filter(kind="accounts.password_reset")
    assert sent.status == Notification.Status.SENT and sent.text == "" and sent.html == ""
    assert "Réinitialisation" in sent.kind_label and sent.subject.startswith("[Clisson]")


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_staff_see_on_the_family_file_what_was_sent_to_whom_and_what_failed(
    agent, in_clisson, settings, django_capture_on_commit_callbacks
):
    household, stranger = family(), family("Famille Durand")
    camille = parent_of(household)
    notify("families.decision", to=[parent_of(stranger)], context={"request": household.requests.get()})
    with django_capture_on_commit_callbacks(execute=True):
        household_document_review(
            document=DocumentFactory(household=household), actor=agent, accepted=False, reason="Périmé"
        )
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port()  # the SMTP server is down
    with django_capture_on_commit_callbacks(execute=True):
        household_document_review(
            document=DocumentFactory(household=household), actor=agent, accepted=False, reason="Illisible"
        )

    failed = Notification.objects.filter(email=camille.email).latest("pk")
    assert failed.status == Notification.Status.QUEUED and failed.delivery.attempts == 1
    page = signed_in(agent).get(f"/gestion/familles/foyers/{household.pk}/").content.decode()
    title = page[page.index("<title>") : page.index("</title>")]
    assert household.name in title and "<section" not in title  # the file's sections once sat in its title
    emails = page[page.index('id="emails-title"') :]
    assert camille.email in emails and "envoyé le" in emails and "Document refusé" in emails
    assert "échec après 1 essai" in emails and "ConnectionRefusedError" in emails
    assert parent_of(stranger).email not in emails  # another household's e-mails stay on its own file
    assert OutboxMessage.objects.filter(pk=failed.delivery_id, done__isnull=True).exists()
