#!/usr/bin/env bash
source "$(dirname "$0")/setup.sh"
stop_redis
stop_postgres
echo "Local PostgreSQL and Redis stopped."
