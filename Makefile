# The README's two commands: `make demo` and `make test`. Each creates .venv if missing
# and installs exactly what uv.lock pins before running.
PYTHON ?= python3
VENV := .venv
UV_VERSION := 0.13.9
UV := $(VENV)/bin/uv
AXE_VERSION := 4.14.1
AXE := $(VENV)/axe/node_modules/axe-core/axe.min.js
ICALJS_VERSION := 2.2.1
ICALJS := $(VENV)/icaljs/node_modules/ical.js/package.json
export UV_PYTHON_DOWNLOADS := never
export UV_NO_PROGRESS := 1

.PHONY: install demo test check lint clean

$(UV):
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet uv==$(UV_VERSION)

# --inexact keeps uv (and pip) in the venv; --frozen refuses to change the lock.
$(VENV)/.installed: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --inexact --compile-bytecode --quiet
	touch $@

install: $(VENV)/.installed

# axe-core (npm registry) for the browser accessibility test; without npm that test is
# skipped with its reason, so a machine with only Python still runs everything else.
$(AXE):
	-command -v npm >/dev/null && mkdir -p $(VENV)/axe && cd $(VENV)/axe && \
		npm install --no-audit --no-fund --silent axe-core@$(AXE_VERSION)

demo: install
	$(VENV)/bin/arshjul demo

# ical.js (npm registry), the parser in Thunderbird, for the client matrix (tests/clients).
$(ICALJS):
	-command -v npm >/dev/null && mkdir -p $(VENV)/icaljs && cd $(VENV)/icaljs && \
		npm install --no-audit --no-fund --silent ical.js@$(ICALJS_VERSION)

test: install $(AXE) $(ICALJS)
	$(VENV)/bin/python -m pytest

check: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
