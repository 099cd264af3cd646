# Every target sets itself up: a fresh Debian machine with Python 3 needs nothing else.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Re-install only when the package metadata changes; inside .venv so deleting it resets setup.
STAMP := $(VENV)/.installed
# The editable install maps only the top-level packages present when it ran: redo it when one
# appears (or its __init__.py is edited, which costs a few seconds).
PACKAGE_INITS := $(wildcard autograd/__init__.py nn/__init__.py optim/__init__.py)
DEMO_MODULE := nn.demo
# JupyterLab and the widgets the lessons use, added to the same venv by `make notebooks`.
NOTEBOOKS_STAMP := $(VENV)/.notebooks-installed
# MkDocs, its plugins and MathJax, added to the same venv by `make docs` (the docs extra).
DOCS_STAMP := $(VENV)/.docs-installed
# Extra options for JupyterLab, e.g. `make notebooks JUPYTER_ARGS=--no-browser` on a server.
JUPYTER_ARGS ?=

.PHONY: setup system-deps demo test docs notebooks clean

setup: $(STAMP)

demo: setup
	$(PY) -m $(DEMO_MODULE)

test: setup docs
	$(PY) -m pytest -q tests
	@shopt -s nullglob; \
	for f in benchmarks/*.py; do \
	  case "$$(basename "$$f")" in _*) continue ;; esac; \
	  echo "+ $(PY) $$f --quick"; \
	  $(PY) "$$f" --quick; \
	done
	@if compgen -G 'notebooks/*.ipynb' > /dev/null; then \
	  echo "+ $(PY) -m pytest -q --nbmake notebooks"; \
	  $(PY) -m pytest -q --nbmake notebooks; \
	fi

# Builds the documentation site into site/ (open site/index.html); --strict turns a broken link,
# a missing reference or an unparsable docstring into a failure. Material's notice about its
# successor is silenced: it is advice, not a problem with the site.
docs: $(DOCS_STAMP)
	NO_MKDOCS_2_WARNING=1 $(PY) -m mkdocs build --strict --site-dir site

$(DOCS_STAMP): $(STAMP)
	$(PY) -m pip install -q -e '.[docs]'
	touch $@

# Opens JupyterLab on notebooks/ (installed into .venv on first use; Ctrl+C twice stops it).
# JupyterLab refuses to run as root unless told, which containers often are.
notebooks: $(NOTEBOOKS_STAMP)
	$(VENV)/bin/jupyter lab --ServerApp.root_dir=notebooks \
	  $$( [ "$$(id -u)" -eq 0 ] && echo --allow-root ) $(JUPYTER_ARGS)

$(NOTEBOOKS_STAMP): $(STAMP)
	$(PY) -m pip install -q -e '.[notebooks]'
	touch $@

# Debian packages: the venv module (split out of Debian's python3) and Graphviz's dot.
# Checked on every run; installed with apt-get when root, otherwise we say what to install.
system-deps:
	@missing=""; \
	if ! $(PY) -m pip --version > /dev/null 2>&1 && ! $(PYTHON) -c 'import ensurepip' 2> /dev/null; then \
	  missing="python3-venv"; \
	fi; \
	if ! command -v dot > /dev/null 2>&1; then missing="$$missing graphviz"; fi; \
	missing="$${missing# }"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" -ne 0 ]; then \
	    echo "Missing system packages; run: sudo apt-get install $$missing" >&2; \
	    exit 1; \
	  fi; \
	  echo "+ apt-get install -y $$missing"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -q; \
	  apt-get install -y -q $$missing; \
	fi

# A venv left half-made (e.g. without pip) is rebuilt rather than trusted.
$(STAMP): pyproject.toml $(PACKAGE_INITS) | system-deps
	if ! $(PY) -m pip --version > /dev/null 2>&1; then rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); fi
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	$(PY) -m ipykernel install --sys-prefix --name python3
	touch $@

clean:
	rm -rf $(VENV) build dist out site .cache .pytest_cache .hypothesis *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
