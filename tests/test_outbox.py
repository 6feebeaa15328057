"""Nothing is lost when Redis or the SMTP server is down: pages answer, the work waits in the outbox, and each
e-mail goes out exactly once when the service is back. Redis and SMTP are "down" for real here: their
clients connect to a port where nothing listens."""

import socket

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client
from django.utils import timezone
from kombu import pools

from config.celery import app as celery_app
from conftest import CLISSON
from core.models import OutboxMessage
from core.queue import relay_due
from notifications.models import Notification
from notifications.services import notify
from tests.factories import PASSWORD, UserFactory

NEW_PASSWORD = "Un-mot-de-passe-tout-neuf-42"


def closed_port() -> int:
    """A port where nothing listens: what a stopped server looks like to its clients."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def publish_to(broker_url: str) -> None:
    """Make this process publish to `broker_url` (Celery keeps its connections in pools)."""
    celery_app.conf.broker_url = broker_url
    pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def redis_down(settings):
    """The cache and the broker of this process on a Redis that does not answer; Celery not eager."""
    url = f"redis://127.0.0.1:{closed_port()}/0"
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": url}}
    celery_app.conf.task_always_eager = False
    publish_to(url)
    yield
    publish_to(settings.CELERY_BROKER_URL)


def redis_back() -> None:
    """Redis answers again: the periodic relay (every minute, beat) hands the outbox to the worker."""
    celery_app.conf.task_always_eager = True  # the worker runs what it receives, here in this process
    OutboxMessage.objects.filter(done__isnull=True).update(next_attempt=timezone.now())
    relay_due()


def test_with_redis_down_pages_answer_and_the_emails_go_out_once_it_is_back(
    in_clisson, redis_down, django_capture_on_commit_callbacks
):
    parent = UserFactory()

    # The commit happens: its relay tries the broker, which does not answer.
    with django_capture_on_commit_callbacks(execute=True) as relays:
        signup = Client(HTTP_HOST=CLISSON.host).post(
            "/compte/signup/", {"email": "famille@example.test", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
        )
        reset = Client(HTTP_HOST=CLISSON.host).post("/compte/password/reset/", {"email": parent.email})
        login = Client(HTTP_HOST=CLISSON.host).post("/compte/login/", {"login": parent.email, "password": PASSWORD})

    assert (signup.status_code, reset.status_code, login.status_code) == (302, 302, 302)
    waiting = OutboxMessage.objects.filter(done__isnull=True)
    assert len(relays) == 2 and waiting.count() == 2 and not mail.outbox
    redis_back()
    redis_back()  # a second relay finds nothing left to do
    assert sorted(m.to[0] for m in mail.outbox) == sorted(["famille@example.test", parent.email])
    assert not waiting.exists()


def test_with_the_smtp_server_down_the_email_is_retried_then_sent_once(
    in_clisson, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", closed_port(), False
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        (notification,) = notify(
            "accounts.security", to=["famille@example.test"], context={"subject": "Bonjour", "text": "…"}
        )
    message = notification.delivery
    message.refresh_from_db()

    assert message.done is None and message.attempts == 1 and "Connection refused" in message.last_error
    assert message.next_attempt > timezone.now()  # backoff before the next try
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # the SMTP server is back
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt=timezone.now())
    relay_due()
    relay_due()
    message.refresh_from_db()
    assert message.done is not None and message.attempts == 2
    assert [m.to for m in mail.outbox] == [["famille@example.test"]]
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT


def test_work_queued_in_a_rolled_back_transaction_never_runs(in_clisson, django_capture_on_commit_callbacks):
    before = OutboxMessage.objects.count(), Notification.objects.count()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        notify("accounts.security", to=["personne@example.test"], context={"subject": "Jamais", "text": "…"})
        raise RuntimeError("the change fails after queueing its e-mail")

    assert (OutboxMessage.objects.count(), Notification.objects.count()) == before
    relay_due()
    assert not mail.outbox
