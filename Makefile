# jxfed: `make run` serves a demo instance, `make test` runs the whole suite (SQLite and PostgreSQL).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
JXFED := $(BIN)/jxfed
DEMO := instances/demo
DEMO_DOMAIN := 127.0.0.1:8000

.PHONY: run test test-quick lint bench migrations clean

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $@

$(DEMO)/instance.toml: | $(VENV)/.installed
	$(JXFED) init --dir $(DEMO) --domain $(DEMO_DOMAIN) --insecure-http
	printf 'demo-password\n' | $(JXFED) --dir $(DEMO) users add demo --admin --password-stdin
	$(JXFED) --dir $(DEMO) spaces add welcome --name "Welcome to the network" --access open --owner demo

run: $(VENV)/.installed $(DEMO)/instance.toml
	$(JXFED) --dir $(DEMO) migrate
	@echo "demo member: http://$(DEMO_DOMAIN)/users/demo  (acct:demo@$(DEMO_DOMAIN), password demo-password)"
	@echo "demo space:  http://$(DEMO_DOMAIN)/spaces/welcome  (acct:welcome@$(DEMO_DOMAIN))"
	$(JXFED) --dir $(DEMO) serve --bind $(DEMO_DOMAIN)

# Both cores; a module's shared network (xdist_group) stays on one worker.
test: $(VENV)/.installed
	$(BIN)/python -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

# The inner loop: everything but the real servers, on SQLite.
test-quick: $(VENV)/.installed
	$(BIN)/python -m pytest -n 2 -m "not server" -k "not postgres" $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(BIN)/ruff check jxfed tests bench
	$(BIN)/ruff format --check jxfed tests bench
	$(BIN)/mypy

bench: $(VENV)/.installed
	$(BIN)/python -m bench

# After a model change: write the next migration file into jxfed/migrations.
migrations: $(VENV)/.installed
	$(BIN)/tortoise -c jxfed.db.MAKEMIGRATIONS makemigrations

clean:
	rm -rf $(VENV) $(DEMO) .pytest_cache .mypy_cache .ruff_cache
