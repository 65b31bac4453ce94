# newsloc — offline localization of news articles.
# `make build-es` on a fresh machine sets everything up, then builds the Spanish pages.

SHELL := /bin/bash
VENV := .venv
NEWSLOC := $(VENV)/bin/newsloc
PYTHON := $(VENV)/bin/python
APT_PACKAGES := apertium apertium-eng-spa apertium-es-pt apertium-fr-es \
	apertium-eng-cat apertium-fra-cat apertium-en-gl apertium-pt-gl \
	hunspell-en-us hunspell-es hunspell-fr hunspell-pt-br libenchant-2-2 gettext
# Bumped when setup changes what it installs (2: bytecode compiled), so existing clones set up again.
STAMP := $(VENV)/.newsloc-setup-2

.PHONY: setup setup-system setup-test-system build build-es build-fr build-pt test lint bench clean

# Bytecode is compiled here, once: uv does not compile by default, and where PYTHONDONTWRITEBYTECODE
# is set nothing ever caches it, so every command would compile click, babel and pipeline from source
# (a third of a rebuild). A stale .pyc is ignored by Python, so an edited module is never run old.
setup: $(STAMP)
	@$(PYTHON) -m compileall -q pipeline >/dev/null

$(STAMP): pyproject.toml uv.lock
	@$(MAKE) --no-print-directory setup-system
	@# uv installs the locked, lean environment (no torch/stanza/spacy; see [tool.uv] in pyproject.toml).
	@if command -v uv >/dev/null 2>&1; then uv sync --frozen --compile-bytecode; else \
		python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv || \
		{ echo "newsloc: install uv (python3 -m pip install uv) and run make setup again" >&2; exit 2; }; \
		python3 -m uv sync --frozen --compile-bytecode; fi
	@touch $@

# Apertium pairs and hunspell dictionaries from Debian: installed when we are root with apt,
# otherwise we say exactly what to install.
setup-system:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	else \
		echo "newsloc: missing system packages:$$missing"; \
		echo "  install them with: sudo apt-get install$$missing"; \
		echo "  (without Apertium, newsloc needs an Argos model: newsloc models install FILE.argosmodel)"; \
	fi

setup-test-system:
	@missing=""; command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v java >/dev/null || missing="$$missing default-jre-headless"; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	else \
		echo "newsloc: the browser and validator tests need:$$missing (sudo apt-get install$$missing)"; \
	fi
	@# axe-core (accessibility checks in the browser tests), into a git-ignored folder.
	@[ -f .ci/node/node_modules/axe-core/axe.min.js ] || ! command -v npm >/dev/null || \
		npm install --prefix .ci/node --no-audit --no-fund --silent axe-core >/dev/null || \
		echo "newsloc: npm install axe-core failed; the accessibility tests will be skipped"

build-es: setup
	$(NEWSLOC) build --lang es

build-fr: setup
	$(NEWSLOC) build --lang fr

build-pt: setup
	$(NEWSLOC) build --lang pt-BR

build: setup
	$(NEWSLOC) build --lang all

test: setup setup-test-system lint
	$(PYTHON) -m pytest

# The house style and types: ruff (lint + format) and mypy, configured in pyproject.toml.
lint: setup
	$(VENV)/bin/ruff check pipeline tests bench
	$(VENV)/bin/ruff format --check pipeline tests bench
	$(VENV)/bin/mypy

bench: setup
	$(PYTHON) bench/bench_apertium.py
	@for script in bench/bench_*.py; do [ "$$script" = bench/bench_apertium.py ] || $(PYTHON) $$script; done

clean:
	rm -rf dist .pytest_cache
	@# the environment's bytecode stays: make setup compiled it once (see setup)
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
