.PHONY: run test lint format stop
PYTEST_ARGS ?=

run:  ## set up what is missing, migrate, load the demo, serve on :8000
	@bash scripts/run.sh

test:  ## the same set-up, then the whole test suite
	@bash scripts/test.sh $(PYTEST_ARGS)

lint:
	@bash -c 'source scripts/setup.sh && ensure_venv && .venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/lint-imports --no-cache'

format:
	@.venv/bin/ruff check --fix . && .venv/bin/ruff format .

stop:  ## stop the local PostgreSQL and Redis
	@bash scripts/stop.sh
