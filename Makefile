# Two commands on a fresh machine with Python 3.11:  make demo  and  make test.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
RUN    := $(VENV)/.installed-run
STAMP  := $(VENV)/.installed-test

.PHONY: demo test lint clean browser-deps java-deps bench-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUN): $(BIN)/python pyproject.toml requirements.txt
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(RUN)

$(STAMP): $(RUN) requirements-test.txt
	$(BIN)/python -m pip install --quiet -r requirements-test.txt
	touch $(STAMP)

# why L1 gives exact zeros, as a table; then the full report on diabetes: ./report.html
demo: $(RUN)
	$(BIN)/python -m shrinkage.demo
	$(BIN)/shrinkage demo --force

# Debian's Chromium for the report's browser test (root on CI); without it that test skips.
browser-deps:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null) || echo "chromium not installed: tests/test_report_browser.py will skip"

# Debian's Java 17 for the Spark engine's tests (root on CI; slim images lack the man
# directory its installer links into); without it tests/test_distributed_spark.py skips.
java-deps:
	@command -v java >/dev/null 2>&1 || (mkdir -p /usr/share/man/man1 && apt-get update -qq && apt-get install -y -qq openjdk-17-jre-headless >/dev/null) || echo "java not installed: tests/test_distributed_spark.py will skip"

# The benchmarks' peers (not needed by the tests): the Python libraries pinned in
# benchmarks/requirements-bench.txt, adelie without its numpy pin, and R's glmnet.
BENCH := $(VENV)/.installed-bench
$(BENCH): $(STAMP) benchmarks/requirements-bench.txt
	$(BIN)/python -m pip install --quiet -r benchmarks/requirements-bench.txt
	$(BIN)/python -m pip install --quiet --no-deps adelie==1.1.52
	touch $(BENCH)

bench-deps: $(BENCH) java-deps
	@Rscript -e 'library(glmnet)' >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq r-cran-glmnet >/dev/null) || echo "R's glmnet not installed: the glmnet-R columns will be errors"

test: $(STAMP) browser-deps java-deps
	$(BIN)/python -m pytest -n 2 --doctest-modules src tests

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache .hypothesis
