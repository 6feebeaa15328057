#!/usr/bin/env bash
# Idempotent local set-up shared by `make run` and `make test`: virtualenv and
# dependencies, a PostgreSQL cluster under var/ (the distribution's binaries),
# Redis on its own port. DATABASE_URL / REDIS_URL in the environment replace
# the local services. Source this file, then call the functions.
#
# Ports: PGPORT, REDIS_PORT and PORT (make run's web server) choose them, so
# that two checkouts on one machine each run their own services side by side.
# The settings build their default DATABASE_URL / REDIS_URL from PGPORT and
# REDIS_PORT, exported here. Services are this checkout's when they are
# identified by its data directory (PostgreSQL) or its pidfile and directory
# under var/ (Redis): only those are reused and stopped, never another's.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VAR="$ROOT/var"
PGPORT="${PGPORT:-54320}"
REDIS_PORT="${REDIS_PORT:-63790}"
PORT="${PORT:-8000}"
export PGPORT REDIS_PORT PORT
VENV="$ROOT/.venv"
mkdir -p "$VAR/log" "$VAR/run"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
# The first line in bold, then the explanation.
die() { printf '\033[1m%s\033[0m\n' "$1" >&2; shift; [ $# = 0 ] || printf '%s\n' "$@" >&2; exit 1; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_install() {
  say "Installing $* with apt"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >"$VAR/log/apt.log" 2>&1 || {
    as_root apt-get update -qq >>"$VAR/log/apt.log" 2>&1
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >>"$VAR/log/apt.log" 2>&1
  }
}

for _var in PGPORT REDIS_PORT PORT; do
  case "${!_var}" in
    '' | *[!0-9]*) die "$_var must be a port number (got: '${!_var}')." ;;
  esac
done
[ "$PGPORT" != "$REDIS_PORT" ] && [ "$PGPORT" != "$PORT" ] && [ "$REDIS_PORT" != "$PORT" ] \
  || die "PGPORT ($PGPORT), REDIS_PORT ($REDIS_PORT) and PORT ($PORT) must be three different ports."

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
  # It signs nothing: a throwaway key when none is set, as the settings refuse to start without
  # one when DEBUG is off (the Dockerfile's collectstatic does the same).
  (cd "$ROOT" && DJANGO_SECRET_KEY="${DJANGO_SECRET_KEY:-compilemessages-only}" \
    "$VENV/bin/python" "$ROOT/manage.py" compilemessages --ignore=.venv -v 0)
}

# --- Ports ----------------------------------------------------------------
# Is something listening on TCP port $1 (any address)? A PostgreSQL using the
# port's Unix socket in /tmp counts too: a second one could not start.
port_taken() {
  local lock="/tmp/.s.PGSQL.$1.lock" pid
  if [ -r "$lock" ]; then
    pid="$(sed -n 1p "$lock")"
    [ -n "$pid" ] && [ -d "/proc/$pid" ] && return 0
  fi
  if command -v ss >/dev/null; then
    [ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]
  else
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
  fi
}

# The checkout a service's directory belongs to: <checkout>/var/postgres,
# <checkout>/var/redis, or /var/tmp/portail-famille-<hash>/postgres, whose
# checkout is written next to it (clusters made before that say only their folder).
checkout_of() {
  case "$1" in
    */var/postgres | */var/redis) echo "${1%/var/*}" ;;
    /var/tmp/portail-famille-*/postgres) cat "${1%/postgres}/checkout" 2>/dev/null || true ;;
  esac
}

# Who listens on port $1, in words: the process, its pid, and for our own
# services which checkout they belong to.
port_owner() {
  local port="$1" pid="" comm="" dir="" checkout="" lock="/tmp/.s.PGSQL.$1.lock" what=""
  if command -v ss >/dev/null; then
    pid="$(ss -Hltnp "sport = :$port" 2>/dev/null | grep -o 'pid=[0-9]*' | head -n 1 | cut -d= -f2 || true)"
  fi
  # PostgreSQL's socket lock names its postmaster and data directory, even
  # when ss may not show another user's processes.
  if [ -r "$lock" ]; then
    [ -n "$pid" ] || pid="$(sed -n 1p "$lock")"
    dir="$(sed -n 2p "$lock")"
  fi
  if [ -z "$pid" ] && [ "$(id -u)" = 0 ]; then
    echo "a process that \`ss -ltnp 'sport = :$port'\` cannot name (another container's?)"
    return 0
  elif [ -z "$pid" ]; then
    echo "a process of another user (\`sudo ss -ltnp 'sport = :$port'\` names it)"
    return 0
  fi
  comm="$(cat "/proc/$pid/comm" 2>/dev/null || echo "a process")"
  # PostgreSQL and Redis work in their data directory, `make run`'s server in its checkout.
  [ -n "$dir" ] || dir="$(readlink "/proc/$pid/cwd" 2>/dev/null || true)"
  checkout="$(checkout_of "$dir")"
  case "$comm" in
    postgres*) what="PostgreSQL cluster" ;;
    redis*) what="Redis server" ;;
    *) what="" ;;
  esac
  if [ "$checkout" = "$ROOT" ]; then checkout="$checkout (this checkout)"; fi
  # `make run`'s server works in its checkout.
  if [ -z "$what" ] && [ -n "$dir" ] && [ -f "$dir/scripts/setup.sh" ] && [ -f "$dir/manage.py" ]; then
    if [ "$dir" = "$ROOT" ]; then
      echo "$comm (pid $pid): the web server of this checkout's make run ($dir)"
    else
      echo "$comm (pid $pid): the web server of the make run of the checkout $dir"
    fi
  elif [ -n "$checkout" ] && [ -n "$what" ]; then
    echo "$comm (pid $pid): the $what of the checkout $checkout (data in $dir)"
  elif [ -n "$what" ]; then
    echo "$comm (pid $pid): a $what${dir:+ with its data in $dir}"
  else
    echo "$comm (pid $pid${dir:+, running in $dir})"
  fi
}

# The first free port from $1 on, by tens (a suggestion, not a reservation).
free_port_from() {
  local port="$1"
  while port_taken "$port" || [ "$port" = "$PGPORT" ] || [ "$port" = "$REDIS_PORT" ] || [ "$port" = "$PORT" ]; do
    port=$((port + 10))
  done
  echo "$port"
}

# Before anything is installed or started: every port this command needs is
# either used by this checkout's own service or free. Otherwise say which
# port, taken by what, and how to choose others. $1 is the command (make run,
# make test); with --web, PORT is checked as well.
check_ports() {
  local command="$1" web="${2:-}" own taken=() pg="$PGPORT" redis="$REDIS_PORT" www="$PORT"
  if [ -z "${DATABASE_URL:-}" ]; then
    own="$(own_postgres_port)"
    if [ -n "$own" ] && [ "$own" != "$PGPORT" ]; then
      die "This checkout's PostgreSQL already runs on port $own, not PGPORT=$PGPORT." \
          "Keep PGPORT=$own, or run \`make stop\` first to move it to $PGPORT."
    fi
    if [ -z "$own" ] && port_taken "$PGPORT"; then
      taken+=("Port $PGPORT (PostgreSQL, PGPORT) is taken by $(port_owner "$PGPORT").")
      pg="$(free_port_from $((PGPORT + 10)))"
    fi
  fi
  if [ -z "${REDIS_URL:-}" ]; then
    own="$(own_redis_port)"
    if [ -n "$own" ] && [ "$own" != "$REDIS_PORT" ]; then
      die "This checkout's Redis already runs on port $own, not REDIS_PORT=$REDIS_PORT." \
          "Keep REDIS_PORT=$own, or run \`make stop\` first to move it to $REDIS_PORT."
    fi
    if [ -z "$own" ] && port_taken "$REDIS_PORT"; then
      taken+=("Port $REDIS_PORT (Redis, REDIS_PORT) is taken by $(port_owner "$REDIS_PORT").")
      redis="$(free_port_from $((REDIS_PORT + 10)))"
    fi
  fi
  if port_taken "$PORT"; then
    [ "$web" = --web ] && taken+=("Port $PORT (the web server, PORT) is taken by $(port_owner "$PORT").")
    www="$(free_port_from $((PORT + 10)))"
  fi
  [ ${#taken[@]} -gt 0 ] || return 0
  # The suggestion keeps the ports that are this checkout's or free.
  die "$(printf '%s\n' "${taken[@]}")" \
      "Choose other ports for this checkout, for example:" \
      "    PGPORT=$pg REDIS_PORT=$redis PORT=$www $command" \
      "PGPORT is PostgreSQL's port, REDIS_PORT Redis's, PORT make run's web server: give this checkout the same ones" \
      "at every make run and make test (make stop needs none). DATABASE_URL / REDIS_URL use services of your own instead."
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

# The port of this checkout's running cluster (its data directory's
# postmaster.pid), empty when it is not running.
own_postgres_port() {
  local bin data
  bin="$(pg_bin_dir)"; data="$(pg_data_dir)"
  [ -n "$bin" ] && [ -s "$data/PG_VERSION" ] || return 0
  as_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1 || return 0
  as_pg sed -n 4p "$data/postmaster.pid"
}

# PG_STARTED / REDIS_STARTED: started by this process. var/run/<service>.started:
# started by a `make run` (MARK_STARTED=1), which stops it on its way out.
MARK_STARTED="${MARK_STARTED:-0}" PG_STARTED=0 REDIS_STARTED=0
mark_started() { if [ "$MARK_STARTED" = 1 ]; then touch "$VAR/run/$1.started"; fi; }

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
  # Outside the checkout, the cluster says whose it is (for another checkout's port message).
  case "$data" in "$VAR"/*) ;; *) echo "$ROOT" >"${data%/postgres}/checkout" ;; esac
  if ! as_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    say "Starting PostgreSQL on port $PGPORT"
    if ! as_pg "$bin/pg_ctl" -D "$data" -w -l "$data/server.log" \
      -o "-p $PGPORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null; then
      port_taken "$PGPORT" && echo "PGPORT=$PGPORT is taken by $(port_owner "$PGPORT"); choose another one." >&2
      die "PostgreSQL did not start; the end of $data/server.log:" "$(as_pg tail -n 5 "$data/server.log")"
    fi
    PG_STARTED=1
    mark_started postgres
  fi
  local db
  for db in portail; do
    "$bin/psql" -h 127.0.0.1 -p "$PGPORT" -U portail -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$db'" \
      | grep -q 1 || "$bin/createdb" -h 127.0.0.1 -p "$PGPORT" -U portail "$db"
  done
}

# Stops this checkout's cluster (by its data directory), whatever its port.
stop_postgres() {
  local bin data
  bin="$(pg_bin_dir)"; data="$(pg_data_dir)"
  [ -n "$bin" ] && [ -s "$data/PG_VERSION" ] || return 0
  if as_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    as_pg "$bin/pg_ctl" -D "$data" -m fast stop >/dev/null
  fi
  rm -f "$VAR/run/postgres.started"
}

# --- Redis ----------------------------------------------------------------
# This checkout's Redis: the pid in var/run/redis.pid, if that process is
# alive, is a Redis and works in var/redis (not a reused pid).
own_redis_pid() {
  local pid
  pid="$(cat "$VAR/run/redis.pid" 2>/dev/null || true)"
  [ -n "$pid" ] && [ -d "/proc/$pid" ] || return 0
  case "$(cat "/proc/$pid/comm" 2>/dev/null)" in redis*) ;; *) return 0 ;; esac
  [ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" = "$VAR/redis" ] || return 0
  echo "$pid"
}

# Its port: where ss sees it listen, else its process title ("redis-server 127.0.0.1:63790").
own_redis_port() {
  local pid port=""
  pid="$(own_redis_pid)"
  [ -n "$pid" ] || return 0
  if command -v ss >/dev/null; then
    port="$(ss -Hltnp 2>/dev/null | grep "pid=$pid," | awk '{print $4}' | sed 's/.*://' | head -n 1 || true)"
  fi
  [ -n "$port" ] || port="$(tr '\0' ' ' <"/proc/$pid/cmdline" | sed -n 's/.*:\([0-9][0-9]*\).*/\1/p')"
  echo "$port"
}

ensure_redis() {
  [ -n "${REDIS_URL:-}" ] && return 0
  command -v redis-server >/dev/null || apt_install redis-server
  [ -n "$(own_redis_pid)" ] && return 0
  say "Starting Redis on port $REDIS_PORT"
  mkdir -p "$VAR/redis"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes --dir "$VAR/redis" \
    --pidfile "$VAR/run/redis.pid" --logfile "$VAR/log/redis.log" --save "" --appendonly no
  for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
  [ -n "$(own_redis_pid)" ] || die "Redis did not start on port $REDIS_PORT; the end of var/log/redis.log:" \
    "$(tail -n 5 "$VAR/log/redis.log")"
  REDIS_STARTED=1
  mark_started redis
}

# Stops this checkout's Redis (by its pidfile), whatever its port; never the
# Redis of another checkout that happens to listen on REDIS_PORT.
stop_redis() {
  local pid
  rm -f "$VAR/run/redis.started"
  pid="$(own_redis_pid)"
  [ -n "$pid" ] || return 0
  kill "$pid"
  for _ in $(seq 50); do [ -d "/proc/$pid" ] || return 0; sleep 0.1; done
  echo "Redis (pid $pid) is still stopping." >&2
}

# End-to-end tests drive the distribution's Chromium, never a downloaded browser.
ensure_chromium() {
  [ -x /usr/bin/chromium ] || apt_install chromium
}

# `make run` and `make test` of this checkout register while they use its
# services, so that a `make run` stopping what it started does not pull them
# from under another one still running.
register_user() { echo "$1" >"$VAR/run/user.$$"; }
unregister_user() { rm -f "$VAR/run/user.$$"; }
other_users() {
  local file pid
  for file in "$VAR/run"/user.*; do
    [ -e "$file" ] || continue
    pid="${file##*.}"
    [ "$pid" = "$$" ] && continue
    if [ -d "/proc/$pid" ]; then echo "$pid"; else rm -f "$file"; fi
  done
}

setup_all() {
  check_ports "$@"
  ensure_venv
  ensure_messages
  ensure_postgres
  ensure_redis
}
