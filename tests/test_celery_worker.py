"""The invitation e-mail goes through Redis to a real Celery worker, in the new commune's schema."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from config.celery import app as celery_app
from tenants.services import commune_onboard


def database_url() -> str:
    db = settings.DATABASES["default"]  # already renamed to this test run's database
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    return f"postgres://{quote(db['USER'])}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture
def worker(tmp_path, django_db_blocker):
    """A `celery worker` process on a queue of its own, e-mailing into files."""
    queue = f"test-{uuid.uuid4().hex}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "EMAIL_URL": f"filemail:///{tmp_path}",  # three slashes, then the absolute path
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", queue, "--pool=solo", "-l", "WARNING"],
        env=env,
        cwd=settings.BASE_DIR,
    )
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
    yield tmp_path
    celery_app.conf.task_default_queue = "celery"
    process.terminate()
    process.wait(timeout=30)


def wait_for_email(directory: Path, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        files = list(directory.glob("*.log"))
        if files:
            return files[0].read_text()
        time.sleep(0.2)
    raise AssertionError("the worker sent no e-mail")


def test_onboarding_invitation_is_sent_by_the_worker_after_commit(worker, django_db_blocker):
    slug = f"w{uuid.uuid4().hex[:12]}"
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        commune = commune_onboard(name="Saint-Worker", slug=slug, insee_code="2A004", admin_email=f"maire@{slug}.test")
        try:
            email = wait_for_email(worker)
        finally:
            commune.delete(force_drop=True)

    assert f"To: maire@{slug}.test" in email
    assert "Saint-Worker" in email
    assert f"http://{slug}.localhost:8000/compte/activation/" in email
