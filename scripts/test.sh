#!/usr/bin/env bash
# `make test`: the same set-up as `make run`, then the whole suite (test
# database apart). Ports: PGPORT, REDIS_PORT (PORT is not used: the e2e tests
# serve on a free port of their own). Leaves the services running.
source "$(dirname "$0")/setup.sh"
trap unregister_user EXIT
register_user test
setup_all "make test"
ensure_chromium
cd "$ROOT"
"$VENV/bin/pytest" "$@"
