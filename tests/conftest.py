"""Shared fixtures: the real MNIST, the model `make model` built, and real Chromium."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from chromium import system_chromium
from static_server import serve

ROOT = Path(__file__).resolve().parents[1]
SUBPATH = "cnn-qa"  # the built site is served as GitHub Pages serves a project: under /<repository>/
AXE = ROOT / "site_src" / "node_modules" / "axe-core" / "axe.min.js"
MODEL_DIR = Path(os.environ.get("CNN_QA_MODEL_DIR", ROOT / "build" / "model"))


@pytest.fixture(scope="session")
def model_dir() -> Path:
    if not (MODEL_DIR / "metrics.json").is_file():
        pytest.fail(f"No trained model in {MODEL_DIR}: run `make model` first (`make test` does).")
    return MODEL_DIR


@pytest.fixture(scope="session")
def metrics(model_dir: Path) -> dict:
    return json.loads((model_dir / "metrics.json").read_text())


@pytest.fixture(scope="session")
def exported_folder(model_dir: Path, metrics: dict) -> Path:
    return (model_dir / metrics["model"]["path"]).parent


@pytest.fixture(scope="session")
def built_site(tmp_path_factory, model_dir) -> Path:
    """The whole site as `mkdocs build --strict` makes it, in a folder named like a GitHub project."""
    root = tmp_path_factory.mktemp("pages")
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(root / SUBPATH)],
                   cwd=ROOT, check=True)
    return root


@pytest.fixture(scope="session")
def site_url(built_site):
    with serve(built_site) as base:
        yield f"{base}/{SUBPATH}/"


@pytest.fixture(scope="session")
def site_hooks():
    """site_src/hooks.py, which MkDocs loads by path rather than as a package."""
    spec = importlib.util.spec_from_file_location("site_hooks", ROOT / "site_src" / "hooks.py")
    hooks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hooks)
    return hooks


@pytest.fixture(scope="session")
def mnist():
    from model_build.data import load_mnist

    return load_mnist()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=system_chromium())
        yield chromium
        chromium.close()


@contextmanager
def watched_page(browser, **context_options) -> Iterator:
    """A page in a fresh context that fails the test on any console error or uncaught exception."""
    context = browser.new_context(**context_options)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    yield page
    context.close()
    assert not problems, f"the page reported errors: {problems}"


@pytest.fixture
def page(browser):
    with watched_page(browser) as page:
        yield page


@pytest.fixture
def phone(browser):
    """A page as a phone shows it: small, dense, touch."""
    with watched_page(browser, viewport={"width": 360, "height": 740}, device_scale_factor=3, is_mobile=True,
                      has_touch=True) as page:
        yield page
