# 宿州长三角政务服务助手 — `make run` sets up and starts the product, `make test` sets up and tests it.
# Every target bootstraps what it needs (venv, dependencies, KB) and skips work that is up to date.

SHELL := /bin/bash
.DEFAULT_GOAL := help

# Rasa 3.6 needs Python 3.10; find a working interpreter (pyenv shims may exist without a version set).
PYTHON310 ?= $(shell for p in python3.10 $$HOME/.pyenv/versions/3.10*/bin/python3.10 /usr/bin/python3.10; do \
	"$$p" -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null && { echo "$$p"; break; }; done)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# The public gateway's own environment: a current aiohttp (Rasa 3.6 pins aiohttp<3.10), no Rasa.
WEB_VENV := .venv-web
WEB_PY := $(WEB_VENV)/bin/python
WEB_STAMP := $(WEB_VENV)/.installed
# Tests of the gateway and the staff pages run in the gateway's environment, the rest in Rasa's.
WEB_TESTS := tests/web tests/staff
DATA_DIR ?= $(or $(SZ_DATA_DIR),var)
KB_STAMP := $(DATA_DIR)/.kb-initialised
MIGRATIONS := $(wildcard kb/migrations/versions/*.py)
PIPELINE := build/spacy/zh_suzhou_kb/meta.json
MODEL := models/suzhou.tar.gz
RASA_INPUTS := config.yml domain.yml $(shell find data -name '*.yml' -not -path 'data/nlu/generated/*' 2>/dev/null | sort)
# The list of training files, rewritten only when it changes: a deleted file retrains too.
RASA_INPUT_LIST := build/rasa-inputs.list
$(shell mkdir -p build && { echo "$(RASA_INPUTS)" | cmp -s - $(RASA_INPUT_LIST) || echo "$(RASA_INPUTS)" > $(RASA_INPUT_LIST); })

export PIP_DISABLE_PIP_VERSION_CHECK := 1
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 3

.PHONY: help install web kb kb-reset nlu model run test test-fast bench lint lock lock-web clean

help:
	@echo "make run    set everything up and start the assistant"
	@echo "make test   set everything up and run the tests"
	@echo "make bench  load benchmark against a stock Rasa assistant"
	@echo "make lint   ruff"
	@echo "make web    build the gateway's own environment (.venv-web: current aiohttp, no Rasa)"
	@echo "make kb-reset  rebuild the local KB from the seed (drops local edits)"

install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@test -n "$(PYTHON310)" || { echo "Python 3.10 not found (Rasa 3.6 needs it)"; exit 1; }
	test -x $(PY) || $(PYTHON310) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

web: $(WEB_STAMP)

$(WEB_STAMP): requirements-web.lock pyproject.toml
	@test -n "$(PYTHON310)" || { echo "Python 3.10 not found"; exit 1; }
	test -x $(WEB_PY) || $(PYTHON310) -m venv $(WEB_VENV)
	$(WEB_PY) -m pip install --quiet -r requirements-web.lock
	$(WEB_PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

kb: $(KB_STAMP)

$(KB_STAMP): $(STAMP) $(MIGRATIONS)
	$(PY) -m kb init
	@mkdir -p $(dir $@) && touch $@

kb-reset: $(STAMP)
	rm -f $(DATA_DIR)/kb.sqlite3* $(KB_STAMP)
	$(MAKE) kb

# The KB-derived spaCy pipeline, Rasa synonyms/lookups and the NLU examples admins accepted on the
# staff pages; each rewritten only when what it is made from changed.
nlu: $(KB_STAMP)
	$(PY) -m nlp build

# Train when the data, config or the KB-derived NLU artefacts changed (their files keep their
# timestamps when nothing changed, so an unchanged KB never retrains).
model: nlu
	@$(MAKE) --no-print-directory $(MODEL)

$(MODEL): $(RASA_INPUTS) $(RASA_INPUT_LIST) $(PIPELINE) data/nlu/generated/kb.yml data/nlu/generated/staff.yml
	$(PY) -m rasa train --fixed-model-name suzhou --out models
	@touch $@

run: model web
	$(PY) -m bot run

# Load benchmark: the product against a stock Rasa assistant (takes about 20 minutes).
bench: model web
	$(PY) -m bench

lint: $(STAMP)
	$(PY) -m ruff check .

# Both runs always run (a failure in the first still shows the second's results); either failing fails.
test: model web lint
	@status=0; \
	$(PY) -m pytest -q $(addprefix --ignore=,$(WEB_TESTS)) || status=$$?; \
	$(WEB_PY) -m pytest -q $(WEB_TESTS) || status=$$?; \
	exit $$status

test-fast: kb web lint
	@status=0; \
	$(PY) -m pytest -q -m "not slow" $(addprefix --ignore=,$(WEB_TESTS)) || status=$$?; \
	$(WEB_PY) -m pytest -q -m "not slow" $(WEB_TESTS) || status=$$?; \
	exit $$status

lock: $(STAMP)
	$(PY) -m pip freeze --exclude-editable | grep -v -i '^suzhou' > requirements.lock

lock-web: $(WEB_STAMP)
	$(WEB_PY) -m pip freeze --all --exclude-editable | grep -v -i '^suzhou\|^pip==' > requirements-web.lock

clean:
	rm -rf build models results .pytest_cache .ruff_cache data/nlu/generated
