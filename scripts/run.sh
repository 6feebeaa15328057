#!/usr/bin/env bash
# `make run`: set up what is missing, migrate, load the demo, serve in the
# foreground with a Celery worker and beat. Ctrl-C stops everything it started.
source "$(dirname "$0")/setup.sh"
cd "$ROOT"
rm -f "$VAR/run/"*.started

pids=()
cleanup() {
  local status=$?
  trap - INT TERM EXIT
  say "Stopping"
  if [ ${#pids[@]} -gt 0 ]; then kill "${pids[@]}" 2>/dev/null || true; fi
  wait 2>/dev/null || true
  if [ -e "$VAR/run/redis.started" ]; then stop_redis; fi
  if [ -e "$VAR/run/postgres.started" ]; then stop_postgres; fi
  exit "$status"
}
# From the start: a Ctrl-C or a failure during set-up also stops what was started.
trap cleanup INT TERM EXIT

setup_all

export DJANGO_DEBUG="${DJANGO_DEBUG:-1}"
export PYTHONUNBUFFERED=1
PY="$VENV/bin/python"
say "Migrating the public schema, every commune and the onboarding template"
"$PY" manage.py migrate_schemas --noinput -v 0
say "Loading the demo communes"
"$PY" manage.py load_demo >"$VAR/run/demo.txt"

"$VENV/bin/celery" -A config worker --loglevel=INFO --concurrency=2 >"$VAR/log/worker.log" 2>&1 & pids+=($!)
"$VENV/bin/celery" -A config beat --loglevel=INFO >"$VAR/log/beat.log" 2>&1 & pids+=($!)
"$PY" manage.py runserver 0.0.0.0:8000 & pids+=($!)

sleep 1
cat <<MSG

  Portail Famille is running (Ctrl-C stops it; logs of the worker and beat in var/log/).

  Platform and operator console: http://localhost:8000/  and  http://localhost:8000/console/
$(sed 's/^/  /' "$VAR/run/demo.txt")

  E-mails (invitations, resets) are printed in var/log/worker.log.

MSG
# Returns as soon as one of them stops (e.g. port 8000 taken): then stop the rest.
wait -n || true
