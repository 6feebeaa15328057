#!/usr/bin/env bash
# `make test`: the same set-up as `make run`, then the whole suite (test database apart).
source "$(dirname "$0")/setup.sh"
setup_all
ensure_chromium
cd "$ROOT"
exec "$VENV/bin/pytest" "$@"
