# jxfed: `make run` serves a demo instance, `make test` runs the whole suite (SQLite and PostgreSQL).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
JXFED := $(BIN)/jxfed
DEMO := instances/demo
DEMO_DOMAIN := 127.0.0.1:8000

LOCALES := jxfed/locales
LANGUAGES := en fr ar pt de
CATALOGS := $(foreach l,$(LANGUAGES),$(LOCALES)/$(l)/LC_MESSAGES/messages.mo)

.PHONY: run test test-quick lint bench migrations messages clean

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $@

# The compiled catalogs are built here, never committed (.gitignore): each from its .po.
$(LOCALES)/%/LC_MESSAGES/messages.mo: $(LOCALES)/%/LC_MESSAGES/messages.po | $(VENV)/.installed
	$(BIN)/pybabel compile --domain messages --input-file $< --output-file $@

# After changing a page's text: extract the strings, merge them into each language's catalog
# (new ones empty, changed ones fuzzy: tests/pages/test_catalogs.py fails until translated).
messages: $(VENV)/.installed
	$(BIN)/pybabel extract --mapping babel.cfg --no-location --sort-output \
		--project jxfed --copyright-holder "jxfed" --output-file $(LOCALES)/messages.pot .
	for l in $(LANGUAGES); do \
		test -f $(LOCALES)/$$l/LC_MESSAGES/messages.po \
		|| $(BIN)/pybabel init --domain messages --locale $$l --input-file $(LOCALES)/messages.pot --output-dir $(LOCALES); \
	done
	$(BIN)/pybabel update --domain messages --input-file $(LOCALES)/messages.pot \
		--output-dir $(LOCALES) --no-wrap --ignore-obsolete
	$(BIN)/python tools/english_catalog.py $(LOCALES)/en/LC_MESSAGES/messages.po

$(DEMO)/instance.toml: | $(VENV)/.installed
	$(JXFED) init --dir $(DEMO) --domain $(DEMO_DOMAIN) --insecure-http
	printf 'name = "jxfed demo"\ndescription = "A demo instance of the network: sign in as demo."\n' >> $(DEMO)/instance.toml
	printf 'demo-password\n' | $(JXFED) --dir $(DEMO) users add demo --admin --password-stdin
	$(JXFED) --dir $(DEMO) spaces add welcome --name "Welcome to the network" --access open --owner demo

run: $(VENV)/.installed $(CATALOGS) $(DEMO)/instance.toml
	$(JXFED) --dir $(DEMO) migrate
	@echo "open http://$(DEMO_DOMAIN)/ and sign in as demo, password demo-password (an administrator)"
	@echo "demo member: http://$(DEMO_DOMAIN)/users/demo  (acct:demo@$(DEMO_DOMAIN))"
	@echo "demo space:  http://$(DEMO_DOMAIN)/spaces/welcome  (acct:welcome@$(DEMO_DOMAIN))"
	$(JXFED) --dir $(DEMO) serve --bind $(DEMO_DOMAIN)

# Both cores; a module's shared network (xdist_group) stays on one worker.
test: $(VENV)/.installed $(CATALOGS)
	$(BIN)/python -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

# The inner loop: everything but the real servers, on SQLite.
test-quick: $(VENV)/.installed $(CATALOGS)
	$(BIN)/python -m pytest -n 2 -m "not server" -k "not postgres" $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(BIN)/ruff check jxfed tests bench tools
	$(BIN)/ruff format --check jxfed tests bench tools
	$(BIN)/mypy

bench: $(VENV)/.installed
	$(BIN)/python -m bench

# After a model change: write the next migration file into jxfed/migrations.
migrations: $(VENV)/.installed
	$(BIN)/tortoise -c jxfed.db.MAKEMIGRATIONS makemigrations

clean:
	rm -rf $(VENV) $(DEMO) .pytest_cache .mypy_cache .ruff_cache
