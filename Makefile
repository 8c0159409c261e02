# tradai-common developer commands. A fresh machine needs only python3 and make.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTEST_ARGS ?=
TRADAI_HOME ?= .tradai
DEMO_PAIRS := BTC/USDT ETH/USDT

.PHONY: help install services lint format typecheck test unit bench demo clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

$(STAMP): requirements/dev.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --no-deps --require-virtualenv -r requirements/dev.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP)  ## create .venv and install the locked dev environment

services:  ## make sure the binaries of the local services the tests start are present
	@bash scripts/ensure-services.sh

lint: $(STAMP)  ## ruff lint + format check
	$(BIN)/ruff check --no-cache src tests benchmarks
	$(BIN)/ruff format --no-cache --check src tests benchmarks

format: $(STAMP)  ## apply ruff's fixes and formatting
	$(BIN)/ruff check --fix src tests benchmarks
	$(BIN)/ruff format src tests benchmarks

typecheck: $(STAMP)  ## mypy --strict on src
	$(BIN)/mypy --strict src

test: $(STAMP) services lint typecheck  ## every check: lint, types, tests with branch coverage >= 90 %
	$(BIN)/python -m pytest -p no:cacheprovider --cov --cov-branch --cov-report=term --cov-fail-under=90 $(PYTEST_ARGS)

unit: $(STAMP)  ## the tests that need no service (quick local loop)
	$(BIN)/python -m pytest -m "not integration" $(PYTEST_ARGS)

bench: $(STAMP) services  ## run the benchmarks and print their ratios
	$(BIN)/python benchmarks/run_all.py

demo: $(STAMP)  ## offline demo: seed candles, backtest the sample strategy, write the HTML report
	$(BIN)/tradai data seed --home "$(TRADAI_HOME)" --pairs $(DEMO_PAIRS) --timeframe 1h \
		--start 2024-01-01 --end 2024-07-01
	$(BIN)/tradai backtest --home "$(TRADAI_HOME)" --pairs $(DEMO_PAIRS) --timeframe 1h \
		--start 2024-02-01 --end 2024-06-30 --exchange binance
	@echo "The HTML report is $$(ls -t "$(TRADAI_HOME)"/reports/*.html | head -n 1)"

clean:  ## remove the virtual env and caches
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .coverage .coverage.* htmlcov
