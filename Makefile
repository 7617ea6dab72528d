# make site and make test are all a fresh clone needs; make help lists the rest.
.DEFAULT_GOAL := help
SHELL := bash

PYTHON_BOOT ?= python3
VENV ?= .venv
PYTHON := $(VENV)/bin/python
NODE_MODULES := site_src/node_modules
# Material prints a notice about MkDocs 2 on every build; the build output is easier to read without it.
export NO_MKDOCS_2_WARNING := 1

PY_READY := $(VENV)/.installed
NODE_READY := $(NODE_MODULES)/.installed

.PHONY: help site serve model test test-fast lint bench bench-model bench-page bench-explorers bench-real-world bench-teach validate screenshot browser clean distclean lock linkcheck

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

site: model $(NODE_READY) ## Build the site into site/ (sets up, trains when needed)
	@echo "==> Building the site into site/"
	$(PYTHON) -m mkdocs build --strict

serve: model $(NODE_READY) ## Preview the site with live reload at http://127.0.0.1:8000
	$(PYTHON) -m mkdocs serve

model: $(PY_READY) ## Train and export the model (build/model, or $CNN_QA_MODEL_DIR) unless nothing it depends on changed
	@echo "==> Model"
	$(PYTHON) -m model_build

test: model $(NODE_READY) browser lint ## Run the whole test suite
	@echo "==> Tests"
	$(PYTHON) -m pytest

test-fast: $(PY_READY) $(NODE_READY) lint ## The tests that need neither training, a trained model nor a browser
	$(PYTHON) -m pytest -m "not training and not model and not browser"

lint: $(PY_READY) ## Ruff on the Python; zizmor (offline) and GitHub's schema on the workflows
	$(PYTHON) -m ruff check model_build site_src tests tools
	$(VENV)/bin/zizmor --offline --persona pedantic .github/workflows
	$(VENV)/bin/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml

linkcheck: ## Fetch every outside link of the pages and the README (needs the network)
	$(PYTHON_BOOT) -m tools.links

bench: bench-model bench-page bench-explorers bench-real-world bench-teach ## The benchmarks below; reports in build/bench/

bench-model: $(PY_READY) ## Train the model and the Keras example side by side and report both
	$(PYTHON) -m model_build.bench --out build/bench

bench-page: site browser ## Time the live classifier in headless Chromium beside the stock tf.min.js
	$(PYTHON) -m tools.bench_page --site site --out build/bench

bench-explorers: site browser ## Time the explorers and weigh their JavaScript against their budgets
	$(PYTHON) -m tools.bench_explorers --site site --out build/bench

bench-real-world: model ## Photos, numbers, other hands and non-digits, measured against their targets
	$(PYTHON) -m tools.bench_real_world --out build/bench

validate: model ## The real-world measures on the validation sets, and the claim threshold swept: tune here
	$(PYTHON) -m tools.bench_real_world --validation --out build/bench

bench-teach: site browser ## Teach the network three symbols in Chromium: accuracy, training time, bytes
	$(PYTHON) -m tools.bench_teach --site site --out build/bench

screenshot: site browser ## Redraw docs/assets/demo.png, the README's picture of the demo
	$(PYTHON) -m tools.screenshot --site site --out docs/assets/demo.png

browser: $(PY_READY) ## Make sure Playwright has a Chromium to drive
	@if $(PYTHON) -m tools.chromium; then :; \
	elif command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
		echo "==> Installing Chromium with apt-get"; \
		apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	else \
		echo "==> Installing Playwright's Chromium"; \
		$(PYTHON) -m playwright install chromium; \
	fi

$(PY_READY): requirements.txt pyproject.toml
	@echo "==> Python environment in $(VENV) (first time: a few GB, several minutes)"
	test -x $(PYTHON) || $(PYTHON_BOOT) -m venv $(VENV)
	@# Every file checked against its hash in the lock: a file replaced on the index does not install.
	$(PYTHON) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.txt
	@# The project's own packages, editable, on their own (pip cannot hash an editable install): the
	@# lock pins all they need.
	$(PYTHON) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

$(NODE_READY): site_src/package.json site_src/package-lock.json
	@echo "==> npm packages in $(NODE_MODULES)"
	cd site_src && npm ci --no-audit --no-fund
	touch $@

lock: ## Re-resolve requirements.txt from pyproject.toml's dependencies, every file with its hash
	@# uv keeps the versions already locked unless a dependency needs another: delete the file to update all.
	@# The environment's uv, or one on the PATH where there is no environment yet (another system's first lock).
	$(if $(wildcard $(VENV)/bin/uv),$(VENV)/bin/uv,uv) pip compile pyproject.toml --generate-hashes \
		--python $(PYTHON_BOOT) --custom-compile-command "make lock" --output-file requirements.txt

clean: ## Remove what the build made (build/, site/); keep the environments and the data cache
	rm -rf build site

distclean: clean ## Also remove the Python and npm environments
	rm -rf $(VENV) $(NODE_MODULES)
