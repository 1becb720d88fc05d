# make setup   create .venv and install vaeseq (editable) with its test extras
# make demo    train a small text model, generate from it and evaluate it
# make test    run the test suite
# make bazel-test   run the same tests under Bazel (offline)

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SHARED_DATA := $(abspath ../shared/data)
export VAESEQ_DATA_DIR ?= $(if $(wildcard $(SHARED_DATA)),$(SHARED_DATA),)

.PHONY: setup test demo bazel-test

setup: $(STAMP)

$(STAMP): setup.py
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

test: setup
	$(PY) -m pytest -q

demo: setup
	$(VENV)/bin/python -m vaeseq.examples.text.demo

bazel-test: setup
	tools/bazel.sh test //vaeseq/...
