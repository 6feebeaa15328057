#!/usr/bin/env bash
# Idempotent local set-up shared by `make run` and `make test`: virtualenv and
# dependencies, a PostgreSQL cluster under var/ (the distribution's binaries),
# Redis on its own port. DATABASE_URL / REDIS_URL in the environment replace
# the local services. Source this file, then call the functions.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VAR="$ROOT/var"
PGPORT="${PGPORT:-54320}"
REDIS_PORT="${REDIS_PORT:-63790}"
VENV="$ROOT/.venv"
mkdir -p "$VAR/log" "$VAR/run"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_install() {
  say "Installing $* with apt"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >"$VAR/log/apt.log" 2>&1 || {
    as_root apt-get update -qq >>"$VAR/log/apt.log" 2>&1
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >>"$VAR/log/apt.log" 2>&1
  }
}

ensure_venv() {
  local python lock_hash
  python="$(command -v python3.11 || command -v python3 || true)"
  [ -n "$python" ] || { echo "Python 3.11 is required (no python3 found)." >&2; exit 1; }
  "$python" -c 'import sys; assert sys.version_info[:2] == (3, 11), sys.version' 2>/dev/null \
    || { echo "Python 3.11 is required (found: $("$python" --version 2>&1))." >&2; exit 1; }
  if [ ! -x "$VENV/bin/python" ]; then
    say "Creating the virtualenv in .venv"
    "$python" -m venv "$VENV" 2>/dev/null || { apt_install python3-venv; rm -rf "$VENV"; "$python" -m venv "$VENV"; }
  fi
  lock_hash="$(sha256sum "$ROOT/requirements.lock" | cut -d' ' -f1)"
  if [ "$(cat "$VENV/.lock-hash" 2>/dev/null)" != "$lock_hash" ]; then
    say "Installing the locked dependencies"
    "$VENV/bin/pip" install -q --disable-pip-version-check -r "$ROOT/requirements.lock"
    echo "$lock_hash" >"$VENV/.lock-hash"
  fi
}

# --- Translations ---------------------------------------------------------
# The .mo files are not in git: compile them from the .po files, only when one
# is missing or older than its .po. compilemessages reads the settings but
# connects to neither PostgreSQL nor Redis, so it runs before they are up.
ensure_messages() {
  local po stale=0
  while IFS= read -r -d '' po; do
    [ "${po%.po}.mo" -nt "$po" ] || { stale=1; break; }
  done < <(find "$ROOT" \( -path "$VENV" -o -path "$VAR" -o -name node_modules \) -prune \
             -o -path '*/LC_MESSAGES/*.po' -print0)
  [ "$stale" = 1 ] || return 0
  command -v msgfmt >/dev/null || apt_install gettext
  say "Compiling the translations"
  # From the checkout: compilemessages also compiles every locale/ under the current directory.
  (cd "$ROOT" && "$VENV/bin/python" "$ROOT/manage.py" compilemessages --ignore=.venv -v 0)
}

# --- PostgreSQL -----------------------------------------------------------
pg_bin_dir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

# The cluster lives under var/ unless the postgres user cannot reach it (a
# checkout under a mode-700 home): then under /var/tmp, named after the checkout.
pg_data_dir() {
  if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$VAR" 2>/dev/null; then
    echo "/var/tmp/portail-famille-$(echo "$ROOT" | sha256sum | cut -c1-12)/postgres"
  else
    echo "$VAR/postgres"
  fi
}

# From /: the postgres user may not be allowed into the current folder.
as_pg() { if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi; }

ensure_postgres() {
  [ -n "${DATABASE_URL:-}" ] && return 0
  local bin data
  bin="$(pg_bin_dir)"
  [ -n "$bin" ] || { apt_install postgresql; bin="$(pg_bin_dir)"; }
  data="$(pg_data_dir)"
  if [ ! -s "$data/PG_VERSION" ]; then
    say "Creating the PostgreSQL cluster in $data"
    mkdir -p "$data"
    [ "$(id -u)" = 0 ] && chown postgres: "$data"
    as_pg "$bin/initdb" -D "$data" -U portail -A trust -E UTF8 --locale=C.UTF-8 >"$VAR/log/initdb.log"
  fi
  if ! as_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    say "Starting PostgreSQL on port $PGPORT"
    as_pg "$bin/pg_ctl" -D "$data" -w -l "$data/server.log" \
      -o "-p $PGPORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
    touch "$VAR/run/postgres.started"
  fi
  local db
  for db in portail; do
    "$bin/psql" -h 127.0.0.1 -p "$PGPORT" -U portail -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$db'" \
      | grep -q 1 || "$bin/createdb" -h 127.0.0.1 -p "$PGPORT" -U portail "$db"
  done
}

stop_postgres() {
  [ -n "${DATABASE_URL:-}" ] && return 0
  local bin data
  bin="$(pg_bin_dir)"; data="$(pg_data_dir)"
  [ -n "$bin" ] && [ -s "$data/PG_VERSION" ] || return 0
  as_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1 && as_pg "$bin/pg_ctl" -D "$data" -m fast stop >/dev/null
  rm -f "$VAR/run/postgres.started"
}

# --- Redis ----------------------------------------------------------------
ensure_redis() {
  [ -n "${REDIS_URL:-}" ] && return 0
  command -v redis-server >/dev/null || apt_install redis-server
  if ! redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    say "Starting Redis on port $REDIS_PORT"
    mkdir -p "$VAR/redis"
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes --dir "$VAR/redis" \
      --pidfile "$VAR/run/redis.pid" --logfile "$VAR/log/redis.log" --save "" --appendonly no
    for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
    touch "$VAR/run/redis.started"
  fi
}

# End-to-end tests drive the distribution's Chromium, never a downloaded browser.
ensure_chromium() {
  [ -x /usr/bin/chromium ] || apt_install chromium
}

stop_redis() {
  [ -n "${REDIS_URL:-}" ] && return 0
  redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  rm -f "$VAR/run/redis.started"
}

setup_all() {
  ensure_venv
  ensure_messages
  ensure_postgres
  ensure_redis
}
