# Two commands do everything on a fresh clone (Python 3.11 is all it needs):
#   make demo   curate the bundled sources and build idc_v<N>_clinical on DuckDB
#   make test   every check CI runs
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
IDC_VERSION ?= 22
DBT_ARGS ?=
BENCH_ARGS ?=
BUILD_ARGS ?=
CURATE_ARGS ?= --first-release
DICOM_IN ?= data/dicom

export DBT_PROFILES_DIR := $(CURDIR)
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DBT_TARGET ?= duckdb
export IDC_DUCKDB_PATH ?= $(CURDIR)/build/idc.duckdb
export IDC_DICOM_PARQUET_DIR ?= $(CURDIR)/build/dicom
export PIP_DISABLE_PIP_VERSION_CHECK := 1
# IDC's series index (the patient checks): idc-index-data's Parquet, pinned in pyproject to the
# default release (README "Patients without images" says how to build another release).
IDC_INDEX = $$($(BIN)/python -m curation.index_path)
IDC_INDEX_ENV = IDC_INDEX_PARQUET=$(IDC_INDEX) IDC_INDEX_VERSION=$$($(BIN)/python -m curation.index_path --version)
DBT = $(IDC_INDEX_ENV) $(BIN)/dbt
DBT_VARS = --vars '{idc_version: $(IDC_VERSION)}'

.PHONY: install curate build publish demo test pytest dbt-test validate lint metrics-check report docs fidelity bench clean bigquery-check

$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $@

install: $(VENV)/.installed

# Skipped when recipes, sources, code and CURATE_ARGS are unchanged (curation/publish/build.py);
# BUILD_ARGS=--force (or .venv/bin/curate) always runs.
curate: install
	@$(BIN)/python -m curation.publish.build --only-curate --idc-version $(IDC_VERSION) --curate-args='$(CURATE_ARGS)' $(BUILD_ARGS)

# curate, DICOM export and dbt build into a staged copy of the warehouse, published only when
# everything passed; unchanged steps are skipped (curation/publish/build.py; README "Building").
# BUILD_ARGS=--force redoes the DICOM export and dbt; unchanged curation is still skipped (its
# seeds could not change): `make curate BUILD_ARGS=--force` redoes it.
build: install
	@$(BIN)/python -m curation.publish.build --idc-version $(IDC_VERSION) --dicom-in $(DICOM_IN) --curate-args='$(CURATE_ARGS)' --dbt-args='$(DBT_ARGS)' $(BUILD_ARGS)

# The release to BigQuery (curation/publish/bigquery.py; README "Publishing to BigQuery"):
# BIGQUERY_PROJECT, BIGQUERY_LOCATION, BIGQUERY_METHOD (+ credentials) from the environment; a dry
# run prints each model's bytes, then asks (PUBLISH_ARGS=--yes does not); built into *__staging
# datasets, swapped in only when everything passed.
PUBLISH_ARGS ?=
publish: curate
	$(IDC_INDEX_ENV) $(BIN)/python -m curation.publish.bigquery --idc-version $(IDC_VERSION) $(PUBLISH_ARGS)

demo: build
	$(BIN)/python -m curation.warehouse.demo --database $(IDC_DUCKDB_PATH) --idc-version $(IDC_VERSION)

pytest: install
	$(BIN)/pytest -q

dbt-test: build

lint: install curate
	$(IDC_INDEX_ENV) $(BIN)/sqlfluff lint models tests/dbt analyses

# MetricFlow reads target/semantic_manifest.json: parse for the duckdb target first.
metrics-check: build
	$(DBT) parse --target duckdb --quiet $(DBT_VARS)
	$(BIN)/mf validate-configs
	$(BIN)/mf query --metrics patients,clinical_patients,share_of_clinical_patients_with_images,segments,measurements --group-by metric_time__day,collection

report: build
	$(BIN)/python -m curation.warehouse.coverage_report --database $(IDC_DUCKDB_PATH) --idc-version $(IDC_VERSION) --out build/report

docs: build
	$(DBT) docs generate --static $(DBT_VARS)
	@echo "docs: target/static_index.html (one file, opens offline); gaps: $(BIN)/python -m curation.warehouse.docs_coverage target"

# How exactly the build reproduces IDC's published schemas (curation/warehouse/fidelity; README "Fidelity").
fidelity: build
	$(BIN)/python -m curation.warehouse.fidelity --database $(IDC_DUCKDB_PATH) --idc-version $(IDC_VERSION)

# One Great Expectations validation of the whole built release (a suite per clinical table from
# its seed properties), with its data docs (curation/warehouse/release_validation.py; README
# "Validating a release"); fails on a critical expectation, lists open-dictionary warnings.
validate: build
	$(BIN)/python -m curation.warehouse.release_validation --database $(IDC_DUCKDB_PATH) --idc-version $(IDC_VERSION) --seeds seeds/curated --docs build/data_docs

test: pytest dbt-test validate lint metrics-check bigquery-check

# The BigQuery path, proven offline (README "Checking the BigQuery path offline"; scripts in
# bigquery_check/): a. dbt compile for the bigquery target with no credentials; b. every
# compiled model (and data test) type-checked by ZetaSQL, BigQuery's analyzer; c. sqlfluff for
# BigQuery; d. dbt build on a local BigQuery emulator (127.0.0.1, started and stopped here).
BQ_DIR := build/bigquery
BQ_TARGET := $(BQ_DIR)/target
BQ_DICOM := $(CURDIR)/$(BQ_DIR)/dicom
BQ_SOURCES = $(IDC_INDEX_ENV) IDC_DICOM_PARQUET_DIR=$(BQ_DICOM)
BQ_OFFLINE = $(BQ_SOURCES) BIGQUERY_METHOD=oauth-secrets BIGQUERY_TOKEN=offline BIGQUERY_PROJECT=idc-offline-check
ZETASQL_VENV := $(BQ_DIR)/zetasql-venv
BQEMULATOR_VENV := $(BQ_DIR)/bqemulator-venv

$(BQ_DIR)/%-venv/.installed: bigquery_check/requirements-%.txt
	@test -x $(@D)/bin/python || $(PYTHON) -m venv $(@D)
	$(@D)/bin/python -m pip install -q -r $<
	@touch $@

bigquery-check: install curate $(ZETASQL_VENV)/.installed $(BQEMULATOR_VENV)/.installed
	$(BIN)/curate dicom data/dicom --out $(BQ_DICOM)
	@echo "== bigquery-check a. dbt compile --target bigquery, offline"
	time $(BQ_OFFLINE) $(BIN)/python -m bigquery_check.dbt_offline $(BQ_DIR)/catalog.json -- compile --target bigquery --no-populate-cache --target-path $(BQ_TARGET) --log-path $(BQ_DIR)/logs --quiet $(DBT_VARS)
	@echo "== bigquery-check b. ZetaSQL analysis of every compiled model and data test"
	time $(ZETASQL_VENV)/bin/python -m bigquery_check.zetasql_check --manifest $(BQ_TARGET)/manifest.json --catalog $(BQ_DIR)/catalog.json --tests --known-invalid bigquery_check/known_invalid.yml --report $(BQ_DIR)/zetasql-report.json
	time BIGQUERY_CHECK_REQUIRED=1 $(BIN)/pytest -q tests/python/test_bigquery_check.py
	@echo "== bigquery-check c. sqlfluff lint of the models for BigQuery"
	time $(BQ_OFFLINE) $(BIN)/python -m bigquery_check.sqlfluff_bigquery models
	@echo "== bigquery-check d. dbt build --target bigquery_emulator on a local BigQuery emulator"
	time $(BQ_SOURCES) $(BIN)/python -m bigquery_check.emulator_build --emulator-venv $(BQEMULATOR_VENV) --catalog $(BQ_DIR)/catalog.json --manifest $(BQ_TARGET)/manifest.json --log $(BQ_DIR)/emulator.log -- --target-path $(BQ_DIR)/emulator-target --log-path $(BQ_DIR)/logs $(DBT_VARS)

# BENCH_ARGS=--release-only: only the whole-release figures (about as long as make build)
bench: install
	$(BIN)/python scripts/bench.py --idc-version $(IDC_VERSION) $(BENCH_ARGS)

clean:
	rm -rf build target logs seeds/curated seeds/.curated.*
