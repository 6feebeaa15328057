.PHONY: run test lint format stop
PYTEST_ARGS ?=
# Ports of this checkout's services, from the environment or the command line
# (`PGPORT=54330 REDIS_PORT=63800 PORT=8010 make test`, or `make test PGPORT=54330 ...`):
# PGPORT (PostgreSQL, 54320), REDIS_PORT (Redis, 63790), PORT (make run's web server, 8000).

run:  ## set up what is missing, migrate, load the demo, serve on :8000 (PORT)
	@bash scripts/run.sh

test:  ## the same set-up, then the whole test suite
	@bash scripts/test.sh $(PYTEST_ARGS)

lint:  ## ruff, the import-layer contracts, and the two locks agreeing
	@bash -c 'source scripts/setup.sh && ensure_venv && .venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/lint-imports --no-cache && .venv/bin/python scripts/check_locks.py'

format:
	@.venv/bin/ruff check --fix . && .venv/bin/ruff format .

stop:  ## stop this checkout's PostgreSQL and Redis (never another checkout's)
	@bash scripts/stop.sh
