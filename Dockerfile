# syntax=docker/dockerfile:1
# One image for every process of the platform: web (gunicorn, the default
# command), Celery worker and beat, and the one-shot migrate_schemas; see
# docker-compose.yml for how each is started.

# --- builder: the production lock in a virtualenv ---------------------------
FROM python:3.11-slim AS builder
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
# requirements-prod.lock: the application's dependencies only, at the versions
# of requirements.lock (the tested set; `make lint` checks they agree), without
# the test and lint tools of the dev group. Every one ships manylinux wheels
# (psycopg-binary bundles libpq): no compiler needed. The venv path is the same
# in both stages, as its scripts (gunicorn, celery) hard-code it.
RUN python -m venv /opt/venv
COPY requirements-prod.lock /tmp/requirements-prod.lock
RUN /opt/venv/bin/pip install --only-binary=:all: -r /tmp/requirements-prod.lock

# --- messages: compiled translations (.mo files are not in git) -------------
FROM python:3.11-slim AS messages
RUN apt-get update && apt-get install -y --no-install-recommends gettext && rm -rf /var/lib/apt/lists/*
COPY locale /src/locale
RUN find /src/locale -name '*.po' -exec sh -c 'msgfmt --check -o "${1%.po}.mo" "$1"' _ {} \;

# --- runtime -------------------------------------------------------------------
FROM python:3.11-slim AS runtime
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DJANGO_SETTINGS_MODULE=config.settings \
    DJANGO_DEBUG=0 \
    WEB_CONCURRENCY=2

RUN useradd --system --user-group --uid 10001 --home-dir /app --no-create-home app
WORKDIR /app
COPY --from=builder /opt/venv /opt/venv
# The code stays owned by root: the app user can read it, not change it.
COPY . .
COPY --from=messages /src/locale ./locale

# Static files are collected into var/static (STATIC_ROOT) and served by
# WhiteNoise; settings are read at import but nothing connects to PostgreSQL or
# Redis, so a throwaway key is enough here. The app user may write only var/:
# uploaded files in var/media (a volume in docker-compose.yml) and beat's
# schedule file.
RUN DJANGO_SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput -v 0 \
    && mkdir -p var/media \
    && chown app:app var var/media

USER app
EXPOSE 8000
# Workers: WEB_CONCURRENCY (read by gunicorn itself).
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
