#!/usr/bin/env bash
# `make run`: set up what is missing, migrate, load the demo, serve in the
# foreground with a Celery worker and beat. Ctrl-C stops everything it started
# (this checkout's PostgreSQL and Redis, once no other `make run` or `make
# test` of this checkout uses them). Ports: PGPORT, REDIS_PORT, PORT (the web
# server, 8000 by default).
source "$(dirname "$0")/setup.sh"
cd "$ROOT"

pids=() served=0
cleanup() {
  local status=$?
  trap - INT TERM EXIT
  if [ "$served" = 1 ]; then say "Stopping"; fi
  if [ ${#pids[@]} -gt 0 ]; then kill "${pids[@]}" 2>/dev/null || true; fi
  wait 2>/dev/null || true
  unregister_user
  # What this run started, and, once it has served, what an earlier make run
  # started and left to the last one out.
  local redis=$REDIS_STARTED postgres=$PG_STARTED
  if [ "$served" = 1 ]; then
    if [ -e "$VAR/run/redis.started" ]; then redis=1; fi
    if [ -e "$VAR/run/postgres.started" ]; then postgres=1; fi
  fi
  if [ "$redis" = 1 ] || [ "$postgres" = 1 ]; then
    if [ -n "$(other_users)" ]; then
      say "PostgreSQL and Redis stay up: another make run or make test of this checkout uses them"
    else
      if [ "$redis" = 1 ]; then stop_redis; fi
      if [ "$postgres" = 1 ]; then stop_postgres; fi
    fi
  fi
  exit "$status"
}
# From the start: a Ctrl-C or a failure during set-up also stops what was started.
trap cleanup INT TERM EXIT
register_user run

# What this run starts is marked in var/run/*.started: the last make run of
# this checkout to stop stops it (what make test started stays up).
MARK_STARTED=1
setup_all "make run" --web
served=1

export DJANGO_DEBUG="${DJANGO_DEBUG:-1}"
# Links in e-mails and the demo's URLs name the port actually served.
export PLATFORM_URL_PORT="${PLATFORM_URL_PORT:-$PORT}"
export PYTHONUNBUFFERED=1
PY="$VENV/bin/python"
say "Migrating the public schema, every commune and the onboarding template"
"$PY" manage.py migrate_schemas --noinput -v 0
say "Loading the demo communes"
"$PY" manage.py load_demo >"$VAR/run/demo.txt"

"$VENV/bin/celery" -A config worker --loglevel=INFO --concurrency=2 >"$VAR/log/worker.log" 2>&1 & pids+=($!)
"$VENV/bin/celery" -A config beat --loglevel=INFO >"$VAR/log/beat.log" 2>&1 & pids+=($!)
"$PY" manage.py runserver "0.0.0.0:$PORT" & pids+=($!)

sleep 1
cat <<MSG

  Portail Famille is running (Ctrl-C stops it; logs of the worker and beat in var/log/).

  Platform and operator console: http://localhost:$PORT/  and  http://localhost:$PORT/console/
$(sed 's/^/  /' "$VAR/run/demo.txt")

  E-mails (invitations, resets) are printed in var/log/worker.log.

MSG
# Returns as soon as one of them stops: then stop the rest.
wait -n || true
if ! kill -0 "${pids[2]}" 2>/dev/null && port_taken "$PORT"; then
  echo "Port $PORT (the web server, PORT) was taken meanwhile by $(port_owner "$PORT"): choose another PORT." >&2
fi
