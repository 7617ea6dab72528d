"""Shared fixtures: the real MNIST, the model `make model` built (read through its record, loaded
once), the site as `mkdocs build` makes it, and real Chromium."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from model_build.output import REPOSITORY, BuildRecord, RecordError, model_dir, read_record
from tools.chromium import system_chromium
from tools.static_server import SUBPATH, free_ports, serve

AXE = REPOSITORY / "site_src" / "node_modules" / "axe-core" / "axe.min.js"
# Fixtures that need the trained model; a test that uses one is marked `model`.
MODEL_FIXTURES = {"record", "exported_folder", "exported_model", "built_site", "site_url"}


def pytest_collection_modifyitems(items):
    for item in items:
        if MODEL_FIXTURES & set(item.fixturenames):
            item.add_marker(pytest.mark.model)


@pytest.fixture(scope="session")
def record() -> BuildRecord:
    try:
        return read_record()
    except RecordError as error:
        pytest.fail(f"{error} (`make test` does it first)")


@pytest.fixture(scope="session")
def exported_folder(record: BuildRecord) -> Path:
    return model_dir() / record.model.folder


@pytest.fixture(scope="session")
def exported_model(exported_folder: Path):
    """The exported model as Keras loads it: quantized weights dequantized as TF.js does."""
    from model_build.export import load_exported

    return load_exported(exported_folder)


@pytest.fixture(scope="session")
def site_port() -> int:
    return free_ports()[0]


@pytest.fixture(scope="session")
def built_site(tmp_path_factory, record, site_port) -> Path:
    """The whole site as `mkdocs build --strict` makes it, in a folder named like a GitHub project,
    for the address `site_url` serves it at: Material's instant navigation takes over only the
    links within the site's own address."""
    root = tmp_path_factory.mktemp("pages")
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(root / SUBPATH)],
                   cwd=REPOSITORY, check=True, env={**os.environ, "SITE_URL": f"http://127.0.0.1:{site_port}/{SUBPATH}/"})
    return root


@pytest.fixture(scope="session")
def site_url(built_site, site_port):
    with serve(built_site, site_port) as base:
        yield f"{base}/{SUBPATH}/"


@pytest.fixture(scope="session")
def mnist():
    from model_build.data import load_mnist

    return load_mnist()


# Headless Chromium hands a pointer move to the page only at the next frame, 60 times a second:
# replaying a hundred digits stroke by stroke then spends most of its time waiting for frames.
# Unthrottled frames deliver the same trusted events sooner. (The page benchmark keeps the limit.)
CHROMIUM_ARGS = ["--disable-frame-rate-limit"]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=system_chromium(), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


# Every page the tests open reports what its content security policy refused, as an error.
REPORT_POLICY_VIOLATIONS = """document.addEventListener('securitypolicyviolation', (event) => console.error(
  `content security policy violated: ${event.effectiveDirective} refused ${event.blockedURI || 'inline code'}` +
  ` at ${event.sourceFile}:${event.lineNumber}`));"""


def add_axe(page) -> None:
    """axe-core in the page, run as the test's own code: the page's policy refuses an inline copy."""
    page.evaluate(AXE.read_text(encoding="utf-8"))


@contextmanager
def watched_page(browser, **context_options) -> Iterator:
    """A page in a fresh context that fails the test on any console error, uncaught exception or
    content security policy violation."""
    context = browser.new_context(**context_options)
    context.add_init_script(REPORT_POLICY_VIOLATIONS)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda message: message.type == "error"
            and problems.append(f"{message.text} (at {message.location.get('url', 'an unknown place')})"))
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
