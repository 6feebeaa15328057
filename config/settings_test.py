"""Settings of the test suite (pytest's DJANGO_SETTINGS_MODULE, in pyproject.toml): config.settings, with a key.

The tests run with DEBUG off, as production does, and config.settings refuses to start with DEBUG off and
no DJANGO_SECRET_KEY. The test-only key goes into the environment, so that the processes the tests start
(a Celery worker, the e2e server, `manage.py check`) read it too; a key set by hand is kept.
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-key-not-secret-portail-famille-0123456789abcdef")

from config.settings import *  # noqa: F403
