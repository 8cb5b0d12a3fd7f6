# tlsguard.windows: the two quick-start commands and the pieces `make test` is made of.
# Every target creates .venv itself on first use (Python 3.11+, pip), so a fresh clone needs nothing else.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export ANSIBLE_COLLECTIONS_PATH := $(CURDIR)/.build
export NO_PROXY := 127.0.0.1,localhost

.PHONY: demo test setup lint unit integration sanity collection-link clean

$(STAMP): requirements.txt tests/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt -r tests/requirements.txt
	touch $(STAMP)

setup: $(STAMP) collection-link

# The collection must sit at ansible_collections/tlsguard/windows for Ansible to load it from a checkout.
collection-link:
	@mkdir -p .build/ansible_collections/tlsguard
	@ln -sfn $(CURDIR) .build/ansible_collections/tlsguard/windows

demo: setup
	$(BIN)/ansible-playbook playbooks/demo.yml

test: setup lint unit integration sanity
	@echo "make test: all checks passed"

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ansible-lint --offline

unit: setup
	$(BIN)/python -m pytest tests/unit -q

integration: setup
	$(BIN)/python -m pytest tests/integration -q

sanity: setup
	PATH=$(CURDIR)/$(BIN):$$PATH tests/sanity/run.sh 3.11 $(CURDIR)/$(BIN)/ansible-test

clean:
	rm -rf $(VENV) .build tests/output
