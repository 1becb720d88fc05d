# make setup   create .venv and install vaeseq (editable) with its test extras
# make demo    train a small text model, generate from it and evaluate it
# make test    run the fast tier of the test suite (a few minutes)
# make test-slow    run the end-to-end tier: commands as processes, training
#              runs, the reliability cases (CI runs both tiers)
# make bazel-test   run the same tests under Bazel (offline)
# make docs    build the library's API reference from its docstrings into
#              build/api (open build/api/index.html)
# make bench   time training, generation and evaluation against tf.keras and
#              PyTorch (about 10 minutes; more with BENCH_FLAGS=--ablations);
#              writes docs/performance.json and docs/performance_table.md

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SHARED_DATA := $(abspath ../shared/data)
export VAESEQ_DATA_DIR ?= $(if $(wildcard $(SHARED_DATA)),$(SHARED_DATA),)

.PHONY: setup test test-slow demo bazel-test bench docs

setup: $(STAMP)

$(STAMP): setup.py
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

test: setup
	$(PY) -m pytest -q -m "not slow"

test-slow: setup
	$(PY) -m pytest -q -m slow

demo: setup
	$(VENV)/bin/python -m vaeseq.examples.text.demo

docs: setup
	$(PY) -m pdoc --docformat google -o build/api vaeseq '!vaeseq.examples' '!vaeseq.*_test'

bazel-test: setup
	bazel test //vaeseq/...

BENCH_FLAGS ?=
bench: setup
	$(PY) -m bench.run $(BENCH_FLAGS) --out_json docs/performance.json \
		--out_table docs/performance_table.md
