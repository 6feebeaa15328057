#!/usr/bin/env bash
# `make stop`: stops this checkout's PostgreSQL (its data directory) and Redis
# (its pidfile under var/run), whatever their ports; never another checkout's.
source "$(dirname "$0")/setup.sh"
stop_redis
stop_postgres
echo "This checkout's PostgreSQL and Redis are stopped."
