# Two commands for a new user: `make run` and `make test`. Each sets itself up first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PORT   ?= 8501

# Dagster keeps its run history here (git-ignored), so `dagster dev` shows past builds.
export DAGSTER_HOME := $(CURDIR)/.dagster_home
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DO_NOT_TRACK := 1

.PHONY: setup parse run build serve test test-spark java chromium cjk-font sample dagster docs clean bench

setup: $(STAMP) $(DAGSTER_HOME)/dagster.yaml cjk-font

# Reinstall only when the dependency list changes.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	mkdir -p $(DAGSTER_HOME)
	touch $(STAMP)

# The instance settings (one writer at a time, run monitoring) come from a committed template;
# an office's own edited copy is kept.
$(DAGSTER_HOME)/dagster.yaml: pipelines/dagster.yaml
	mkdir -p $(DAGSTER_HOME)
	test -f $@ || cp $< $@

# The dbt manifest is prepared by the build itself, never assumed from an earlier run.
parse: setup
	cd dbt_project && GHG_DUCKDB_PATH=target/parse.duckdb ../$(BIN)/dbt parse --profiles-dir . --quiet

build: setup parse
	$(BIN)/ghg build --sample

# `make run` is the local demo: the role switch in the sidebar shows what each role may see.
serve: setup
	$(BIN)/ghg serve --demo --port $(PORT)

run: build serve

# Two workers, whole modules each (a module's builds and fixtures stay on one worker).
# tests/spark needs Java and pyspark: `make test-spark` runs it (CI runs both).
test: setup parse chromium
	$(BIN)/python -m pytest -q -n 2 --dist loadfile --durations=15 --ignore=tests/spark

# The same project on Spark (issue 18, docs/scale-out.md): the sample built through Dagster on the
# `spark` target, every mart compared with the DuckDB build, then seeds, models, tests and unit tests
# on Spark. Needs Java 17 (Debian openjdk-17-jre-headless, installed when missing) and the spark extra.
SPARK_STAMP := $(VENV)/.spark-installed-stamp
$(SPARK_STAMP): pyproject.toml $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,spark]'
	touch $(SPARK_STAMP)

test-spark: setup parse java $(SPARK_STAMP)
	$(BIN)/python -m pytest -q --durations=10 tests/spark

java:
	@java -version 2>&1 | grep -qE 'version "(1[7-9]|2[0-9])' || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq openjdk-17-jre-headless >/dev/null; }

# The browser test drives Debian's chromium through playwright (playwright's own browser
# download cannot be reached from these machines). Installed once, with apt, when missing.
chromium:
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

# The leaders' briefing PDF prints Chinese: it needs a CJK font (Debian fonts-noto-cjk). Installed
# once, with apt, when fontconfig knows no Chinese font.
cjk-font:
	@fc-list :lang=zh 2>/dev/null | grep -q . || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq fonts-noto-cjk fontconfig >/dev/null; }

# Rewrite the bundled sample from the seeded generator (deterministic: same bytes every time).
sample: setup
	$(BIN)/python -m pipelines.samplegen --out sources/sample

# Full builds of a named inbox size against the hand-written floor, into BENCHMARKS.md
# (bench/README.md): make bench SCALE=tiny|sample|provinces5|national [REPS=3].
SCALE ?= sample
REPS  ?= 3
bench: setup parse
	$(BIN)/python -m bench.run $(SCALE) --reps $(REPS)

dagster: setup parse
	$(BIN)/dagster dev -m pipelines.definitions

# dbt docs (every public table and column, Chinese and English) for the published warehouse,
# into warehouse/dbt_docs/index.html: one static file (--static) that opens from disk, no web
# server. Reads a copy, never the served file; the copy keeps the file name ghg.duckdb so the
# catalog names the database as analysts know it ("ghg"), not after a temporary file.
docs: setup parse
	test -f warehouse/ghg.duckdb || { echo "no published warehouse yet: run make build"; exit 2; }
	rm -rf warehouse/.docs_copy && mkdir -p warehouse/.docs_copy
	cp warehouse/ghg.duckdb warehouse/.docs_copy/ghg.duckdb
	cd dbt_project && GHG_DUCKDB_PATH=../warehouse/.docs_copy/ghg.duckdb ../$(BIN)/dbt docs generate --static --profiles-dir . --quiet --target-path ../warehouse/dbt_docs
	mv warehouse/dbt_docs/static_index.html warehouse/dbt_docs/index.html
	rm -rf warehouse/.docs_copy

clean:
	rm -rf warehouse/build warehouse/*.duckdb warehouse/*.duckdb.wal dbt_project/target dbt_project/logs
