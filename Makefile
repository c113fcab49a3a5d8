# evidence-brief: `make report` builds every record in sources/, `make test` runs the tests.
# Run `make` (or `make help`) to list the targets.

.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
.SUFFIXES:
SHELL := /bin/bash

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PAPER  ?= a4
TEMPLATE ?=
FIGURES ?= svg

RECORDS := $(sort $(wildcard sources/*.yaml))
IDS     := $(patsubst sources/%.yaml,%,$(RECORDS))
BRIEFS  := $(IDS:%=outputs/%/brief.pdf)
PACKAGE := $(shell find pipeline -name '*.py' 2>/dev/null)

# A change of PAPER, TEMPLATE or FIGURES must rebuild: the options stamp changes only when they do.
# TEMPLATE may hold spaces: escaped for make as a prerequisite, quoted for the shell.
empty :=
space := $(empty) $(empty)
quote = '$(subst ','\'',$(1))'
OPTIONS_STAMP := outputs/.options
OPTIONS := paper=$(PAPER) template=$(TEMPLATE) figures=$(FIGURES)
$(shell mkdir -p outputs; [ "$$(cat $(OPTIONS_STAMP) 2>/dev/null)" = $(call quote,$(OPTIONS)) ] || echo $(call quote,$(OPTIONS)) > $(OPTIONS_STAMP))
TEMPLATE_DEP := $(if $(TEMPLATE),$(subst $(space),\$(space),$(TEMPLATE)))
BUILD_FLAGS := --paper $(PAPER) --figures $(call quote,$(FIGURES)) $(if $(TEMPLATE),--template $(call quote,$(TEMPLATE)))

.PHONY: help
help: ## List the targets
	@echo "evidence-brief — one-page PDF briefs and journal-club decks from study records"
	@echo
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-10s %s\n", $$1, $$2}'
	@echo
	@echo "  Variables: PAPER=a4|letter  TEMPLATE=institution.pptx  FIGURES=svg|png|svg,png  RECORD=sources/x.yaml (watch)  BENCH_BIG=1 (bench)"

.PHONY: report
report: $(BRIEFS) ## Build outputs/<id>/brief.pdf, deck.pptx and figures/*.svg for every sources/*.yaml
	@records=$$(sort -u $(QUEUE)); rm -f $(QUEUE); \
	if [ -n "$$records" ]; then $(PY) -m pipeline build $$records --out outputs --jobs $(JOBS) $(BUILD_FLAGS) --id-must-match-file-name; fi

# One grouped rule per study: -j never runs a study's recipe twice, and a
# study is out of date only when its record, the package or the options change.
# Under `make report` a stale study's recipe only queues it (make's own $(file) appends it: no shell
# per study, which cost about 0.7 s at 1,000 studies): the report recipe
# then builds every queued study in one process (imports paid once, $(JOBS)
# worker processes), which is much faster than a process per study. Asked for
# directly (`make outputs/x/brief.pdf`), a study builds on its own. Each `make report` has a queue
# of its own, so two at once in one clone do not take each other's (builds of one study take turns).
JOBS   = $(or $(patsubst -j%,%,$(filter -j%,$(MAKEFLAGS))),$(if $(filter -j,$(MAKEFLAGS)),$(shell nproc),1))
ifneq ($(filter report,$(MAKECMDGOALS)),)
QUEUE := $(shell mktemp outputs/.queue.XXXXXX)
BUILD_STUDY = $(file >>$(QUEUE),$(1))
else
BUILD_STUDY = $(PY) -m pipeline build $(1) --out outputs $(BUILD_FLAGS) --id-must-match-file-name
endif

define STUDY_RULE
outputs/$(1)/brief.pdf outputs/$(1)/deck.pptx &: sources/$(1).yaml $(PACKAGE) $(OPTIONS_STAMP) $(TEMPLATE_DEP) | $(VENV)/.compiled
	@$$(call BUILD_STUDY,$$<)
endef
$(foreach id,$(IDS),$(eval $(call STUDY_RULE,$(id))))

.PHONY: validate
validate: | $(VENV)/.compiled ## Check every record and print each problem as file:line:column: field: message
	@$(PY) -m pipeline validate --id-must-match-file-name $(RECORDS)

.PHONY: audit
audit: | $(VENV)/.compiled ## Recompute effects and list numbers that do not add up, for every record
	@$(PY) -m pipeline audit $(RECORDS)

.PHONY: upgrade
upgrade: | $(VENV)/.installed ## Rewrite version-1 records in sources/ as version 2 (comments kept)
	@$(PY) -m pipeline upgrade $(RECORDS)
.PHONY: watch
watch: | $(VENV)/.compiled ## Rebuild one study whenever it is saved: make watch RECORD=sources/x.yaml
	@test -n "$(RECORD)" || { echo "make watch: say which record, e.g. make watch RECORD=sources/imagine-ra.yaml" >&2; exit 2; }
	@$(PY) -m pipeline watch $(RECORD) --out outputs $(BUILD_FLAGS)

.PHONY: fhir
fhir: | $(VENV)/.compiled ## Write outputs/<id>/fhir.json, a FHIR R5 Bundle (EBMonFHIR), for every record
	@$(PY) -m pipeline export fhir $(RECORDS) --out outputs

.PHONY: schema
schema: schema/study-record.schema.json schema/review-record.schema.json ## Write the JSON Schemas of study and review records (schema/)

schema/study-record.schema.json: pipeline/model.py | $(VENV)/.installed
	@$(PY) -m pipeline schema -o $@

schema/review-record.schema.json: pipeline/review/model.py pipeline/model.py | $(VENV)/.installed
	@$(PY) -m pipeline schema --review -o $@

.PHONY: test
test: $(VENV)/.installed-test | $(VENV)/.compiled ## Run the test suite
	$(PY) -m pytest

.PHONY: lint
lint: $(VENV)/.installed-test ## Check style (ruff), types (mypy --strict on pipeline/) and dead code (vulture)
	$(VENV)/bin/ruff check pipeline tests bench docs
	$(VENV)/bin/mypy
	$(VENV)/bin/vulture

.PHONY: bench
bench: $(VENV)/.installed ## Measure speed, memory and sizes against issue #15's targets (BENCH_BIG=1: also 1,000 studies)
	$(PY) bench/run.py $(if $(BENCH_BIG),--big)

.PHONY: clean
clean: ## Remove generated outputs (keeps the virtual environment)
	rm -rf outputs/*/ outputs/.options outputs/.queue* outputs/.tmp-*

.PHONY: distclean
distclean: clean ## Remove outputs and the virtual environment
	rm -rf $(VENV)

# The virtual environment: created on first use, re-installed when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check -e .
	@touch $@

# The package's bytecode, compiled again when a module changes: Python then imports it without compiling it
# first, also where PYTHONDONTWRITEBYTECODE is set (container images often set it), which made every command
# compile about a hundred modules as it started.
$(VENV)/.compiled: $(PACKAGE) | $(VENV)/.installed
	@$(PY) -m compileall -q pipeline
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	@$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $@

.PHONY: docs
docs: | $(VENV)/.installed ## Refresh the README field reference and the pictures in docs/
	@$(PY) -m pipeline.fieldref README.md
	@$(PY) docs/render_pictures.py
