# tlsguard.windows: the two quick-start commands and the pieces `make test` is made of.
# Every target creates .venv itself on first use (Python 3.11+, pip), so a fresh clone needs nothing else.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Python 3.12 for the newest ansible-core (2.20+ need it); pyenv keeps it out of PATH on these machines.
PY312 ?= $(firstword $(wildcard $(HOME)/.pyenv/versions/3.12*/bin/python3.12) $(shell command -v python3.12 2>/dev/null))
LATEST := .venv-latest
export ANSIBLE_COLLECTIONS_PATH := $(CURDIR)/.build
export NO_PROXY := 127.0.0.1,localhost

.PHONY: demo demo-regfile lab-run bench-scan bench-lab bench-usage record-fixtures test setup setup-latest lint \
	typecheck unit functional lab-tests sanity collection-link clean bench-report record-report-fixtures browser \
	docs-screenshot bench-regfile corpus-regfile bench-rollout molecule

$(STAMP): requirements.txt tests/requirements.txt lab/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt -r tests/requirements.txt
	$(BIN)/pip install --quiet --disable-pip-version-check -e lab
	touch $(STAMP)

setup: $(STAMP) collection-link

$(LATEST)/.installed: tests/requirements-latest.txt lab/pyproject.toml
	@test -n "$(PY312)" || { echo "Python 3.12 not found (set PY312=/path/to/python3.12)"; exit 1; }
	$(PY312) -m venv $(LATEST)
	$(LATEST)/bin/pip install --quiet --disable-pip-version-check --upgrade pip
	$(LATEST)/bin/pip install --quiet --disable-pip-version-check -r tests/requirements-latest.txt
	$(LATEST)/bin/pip install --quiet --disable-pip-version-check -e lab
	touch $@

setup-latest: $(LATEST)/.installed

# The collection must sit at ansible_collections/tlsguard/windows for Ansible to load it from a checkout; this
# target is the only place that link is made (the tests only check for it).
collection-link:
	@mkdir -p .build/ansible_collections/tlsguard
	@ln -sfn $(CURDIR) .build/ansible_collections/tlsguard/windows

# The main job on the built-in lab: the staged rollout (playbooks/rollout.yml) on 5 emulated hosts of mixed Windows
# builds (examples/demo/fleet.yml): two end enforced and verified, one is held by readiness, one by a TLS 1.0 client,
# one fails its post-check and is rolled back (stage 1 first, then 3 days of synthetic lab history compress stage
# 2's observation window). Then a check that each host ended where it should. The lab is
# stopped afterwards; its state stays in .build/lab, the rollout's records in .build/demo.
LAB := PYTHONPATH=$(CURDIR)/.build $(BIN)/tlslab --state $(CURDIR)/.build/lab
DEMO_VARS := -e @examples/demo/rollout_vars.yml -e tlsguard_demo_dir=$(CURDIR)/.build/demo
demo: setup
	$(LAB) reset
	rm -rf .build/demo
	$(LAB) start --fleet examples/demo/fleet.yml
	@echo "demo: stage 1, then the lab pretends 3 days passed (synthetic clean history) and the rollout gates on 2 days"
	$(BIN)/ansible-playbook -i .build/lab/inventory.yml playbooks/enable.yml $(DEMO_VARS) \
	&& $(LAB) history --days 3 >/dev/null \
	&& { $(BIN)/ansible-playbook -i .build/lab/inventory.yml playbooks/rollout.yml $(DEMO_VARS); \
	     $(BIN)/ansible-playbook -i .build/lab/inventory.yml examples/demo/outcome.yml $(DEMO_VARS); }; status=$$?; \
	$(LAB) stop; exit $$status

# Your own playbook against a new lab: LAB_HOSTS emulated hosts of the OS profiles in LAB_MIX (round robin) on free
# 127.0.0.1 ports, e.g. make lab-run PLAYBOOK=my.yml LAB_MIX=2012r2,2019,2022 ARGS="--check --diff". The lab is
# stopped afterwards; its state stays in .build/lab-run (hosts group `windows`, endpoints in `tls_endpoints`).
LAB_HOSTS ?= 3
LAB_MIX ?= 2019
LAB_RUN := PYTHONPATH=$(CURDIR)/.build $(BIN)/tlslab --state $(CURDIR)/.build/lab-run
lab-run: setup
	@test -n "$(PLAYBOOK)" || { echo "make lab-run: name a playbook, e.g. make lab-run PLAYBOOK=my.yml" >&2; exit 2; }
	$(LAB_RUN) reset
	$(LAB_RUN) start --hosts $(LAB_HOSTS) --mix $(LAB_MIX) --port 0 --tls-port-base 0
	$(BIN)/ansible-playbook -i .build/lab-run/inventory.yml $(PLAYBOOK) $(ARGS); status=$$?; \
	$(LAB_RUN) stop; exit $$status

# The offline part: audit the .reg exports in examples/exports and render the enforce profile.
demo-regfile: setup
	$(BIN)/ansible-playbook examples/demo/demo_regfile.yml

test: setup lint unit functional lab-tests sanity
	@echo "make test: all checks passed"

# antsibull-docs renders the plugin, role and docsite docs the way the Ansible docsite and Automation Hub do
# (it calls ansible-doc, hence the PATH) and checks their markup and the references to this collection;
# antsibull-changelog checks the fragments and changelogs/changelog.yaml.
lint: setup typecheck
	$(BIN)/ruff check .
	$(BIN)/ansible-lint --offline
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/antsibull-docs lint-collection-docs --plugin-docs --check-extra-docs-refs .
	$(BIN)/antsibull-changelog lint

# mypy over the collection's Python (imported through .build as ansible_collections.tlsguard.windows) and the lab.
typecheck: setup
	cd .build && $(CURDIR)/$(BIN)/mypy --config-file $(CURDIR)/pyproject.toml -p ansible_collections.tlsguard.windows.plugins
	cd lab && $(CURDIR)/$(BIN)/mypy --config-file $(CURDIR)/pyproject.toml -p tlslab

unit: setup
	$(BIN)/python -m pytest tests/unit -q

# The fleet report's HTML in headless Chromium (/usr/bin/chromium, apt package chromium); part of `functional`.
browser: setup
	$(BIN)/python -m pytest tests/functional/test_report_browser.py -q

# Refresh the screenshot docs/report.md shows (the browser test takes it from a real lab run).
docs-screenshot: setup
	TLSGUARD_REPORT_SCREENSHOT=$(CURDIR)/docs/images/report.png $(BIN)/python -m pytest tests/functional/test_report_browser.py -q

# Integration targets and servers driven by pytest: controller targets, tls_scan against real TLS servers on
# 127.0.0.1, the host targets against a lab host of every OS profile.
functional: setup
	$(BIN)/python -m pytest tests/functional -q

# The lab's own tests (lab/tests): pywinrm and ansible-playbook against emulated hosts, with core 2.19 and the
# newest core.
lab-tests: setup setup-latest
	TLSLAB_LATEST_PYTHON=$(CURDIR)/$(LATEST)/bin/python $(BIN)/python -m pytest lab/tests -q

sanity: setup
	PATH=$(CURDIR)/$(BIN):$$PATH tests/sanity/run.sh 3.11 $(CURDIR)/$(BIN)/ansible-test

# Side-by-side scanner benchmark (about 14 minutes; needs sslscan, nmap, testssl.sh and nginx from apt).
# Test code is imported through the collection's namespace, as ansible-test does.
PYMOD := PYTHONPATH=$(CURDIR)/.build $(BIN)/python -m ansible_collections.tlsguard.windows.tests
bench-scan: setup
	$(PYMOD).perf.scan.bench --endpoints 1 50 --rtt 0 20 --repeat 3 --out bench-results.md

# The staged rollout next to a win_regedit-per-value role on the same lab fleet (docs/rollout.md), e.g.
# make bench-rollout ARGS="--hosts 100 --forks 25".
bench-rollout: setup
	$(PYMOD).perf.bench_rollout $(ARGS)

# Lab benchmarks, e.g. make bench-lab ARGS="audit --hosts 100" (see docs/performance.md).
bench-lab: setup
	$(PYMOD).perf.bench_lab $(ARGS)

# Usage core: parse + aggregate a generated 1,000,000-line IIS log next to a str.split loop and awk, and bytes per
# host as distinct clients grow (see docs/usage.md), e.g. make bench-usage ARGS="--lines 200000 --repeat 1".
bench-usage: setup
	$(PYMOD).perf.bench_usage $(ARGS)

# Fleet report: build and render 10,000 and 100,000 hosts per format, and the 10,000-host page in Chromium.
bench-report: setup
	$(PYMOD).perf.bench_report $(ARGS)

# Re-record the registered tls_* results the report tests read (tests/unit/.../reporting/fixtures).
record-report-fixtures: setup
	$(PYMOD).unit.plugins.module_utils._core.reporting.record_results

# The offline .reg audit: parse + evaluate throughput up to 200k lines, 1,000 exports as one task vs 1,000 tasks
# (several minutes; see docs/regfile.md), e.g. make bench-regfile ARGS="throughput --lines 10000 100000".
bench-regfile: setup
	$(PYMOD).perf.bench_regfile $(ARGS)

# How many files of the real-world corpus (../shared/corpus/regfiles, or $$TLSGUARD_REGFILE_CORPUS) come out compliant
# and how many findings they get, per build (docs/regfile.md).
corpus-regfile: setup
	$(PYMOD).perf.regfile_corpus $(ARGS)

# Re-record the host replies the action plugin unit tests replay (after a change of the host module's contract).
record-fixtures: setup
	$(PYMOD).unit.plugins.action.record_fixtures

clean:
	rm -rf $(VENV) $(LATEST) .build tests/output
