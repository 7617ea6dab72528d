"""The built site as a whole, served under a GitHub Pages project subpath: the Q&A page, every
link and asset, and every page in headless Chromium."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

import pytest
import yaml
from conftest import AXE, watched_page
from playwright.sync_api import expect

from model_build.output import REPOSITORY
from tools.static_server import SUBPATH

BASE = f"https://user.github.io/{SUBPATH}/"  # any host will do: links are resolved, not fetched
LINKING_ATTRIBUTES = {"a": "href", "link": "href", "script": "src", "img": "src", "source": "src", "iframe": "src"}


class PageParser(HTMLParser):
    """The ids a page defines, the links and assets it refers to, and its JSON-LD blocks."""

    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.references: list[str] = []
        self.json_ld: list[str] = []
        self._in_json_ld = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "id" in attributes:
            self.ids.add(attributes["id"])
        if (reference := attributes.get(LINKING_ATTRIBUTES.get(tag, ""))) is not None:
            self.references.append(reference)
        self._in_json_ld = tag == "script" and attributes.get("type") == "application/ld+json"

    def handle_data(self, data):
        if self._in_json_ld:
            self.json_ld.append(data)

    def handle_endtag(self, tag):
        self._in_json_ld = False


def parsed(path: Path) -> PageParser:
    parser = PageParser()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def site_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def page_url(site: Path, path: Path) -> str:
    relative = path.relative_to(site).as_posix()
    return BASE + (relative[: -len("index.html")] if relative.endswith("index.html") else relative)


def file_for(site: Path, url: str) -> Path | None:
    """The built file a URL under BASE serves, as GitHub Pages would pick it; None outside the site."""
    path = unquote(urlsplit(url).path)
    prefix = urlsplit(BASE).path
    if not path.startswith(prefix):
        return None
    target = site / path[len(prefix):]
    return target / "index.html" if target.is_dir() else target


@pytest.fixture(scope="module")
def site(built_site) -> Path:
    return built_site / SUBPATH


@pytest.fixture(scope="module")
def qa() -> dict:
    return yaml.safe_load((REPOSITORY / "docs" / "qa.yml").read_text(encoding="utf-8"))


def test_every_question_is_on_the_page_with_its_anchor_and_in_the_json_ld(site, qa):
    page = parsed(site / "qa" / "index.html")
    questions = [item for topic in qa["topics"] for item in topic["questions"]]
    assert len(questions) >= 8
    for topic in qa["topics"]:
        assert topic["id"] in page.ids, f"topic {topic['id']} has no anchor"
    for item in questions:
        assert item["id"] in page.ids, f"question {item['id']} has no anchor"
    text = (site / "qa" / "index.html").read_text(encoding="utf-8")
    assert qa["source"]["url"] in text, "the original post is credited with a link"

    assert len(page.json_ld) == 1
    data = json.loads(page.json_ld[0])
    assert data["@context"] == "https://schema.org" and data["@type"] == "FAQPage"
    assert [entry["name"] for entry in data["mainEntity"]] == [item["question"] for item in questions]
    for entry in data["mainEntity"]:
        assert entry["@type"] == "Question" and entry["acceptedAnswer"]["@type"] == "Answer"
        answer = entry["acceptedAnswer"]["text"]
        assert len(answer) > 200 and "[[" not in answer and "](" not in answer


def test_model_figures_are_filled_in_from_the_build(site, record):
    model_page = (site / "model" / "index.html").read_text(encoding="utf-8")
    assert f"{record.test_accuracy:.2%}" in model_page
    assert f"{record.parameters:,}" in model_page
    for layer in record.layers:
        assert f"<code>{layer.name}</code>" in model_page
    code = html.unescape(re.sub(r"<[^>]+>", "", model_page))  # the code is highlighted token by token
    assert "def build_model(" in code and "keras.layers.MaxPooling2D(" in code, "the model's code is shown"
    assert "[[" not in "".join(path.read_text(encoding="utf-8") for path in site_pages(site))


def test_every_link_anchor_and_asset_resolves_under_the_subpath(site):
    pages = {page_url(site, path): parsed(path) for path in site_pages(site)}
    broken, checked = [], 0
    for url, page in pages.items():
        for reference in page.references:
            target_url, fragment = urldefrag(urljoin(url, reference))
            if urlsplit(target_url).scheme in ("mailto", "data") or (
                    urlsplit(target_url).netloc != urlsplit(BASE).netloc):
                continue  # links away from the site are not requests the page makes
            checked += 1
            target = file_for(site, target_url)
            if target is None or not target.is_file():
                broken.append(f"{url}: {reference} (no file)")
            elif fragment and target.suffix == ".html" and fragment not in pages[page_url(site, target)].ids:
                broken.append(f"{url}: {reference} (no #{fragment})")
    assert checked > 200
    assert not broken, f"{len(broken)} broken of {checked}:\n" + "\n".join(broken)


def site_addresses(site: Path) -> list[str]:
    return [page_url(site, path)[len(BASE):] for path in site_pages(site)
            if path.parent.name != "search" and path.name == "index.html"] + ["404.html"]


@pytest.mark.browser
def test_every_page_loads_cleanly_from_its_own_origin_and_passes_axe(browser, site, site_url):
    origin = site_url.split(f"/{SUBPATH}/")[0]
    problems = []
    for address in site_addresses(site):
        with watched_page(browser) as page:
            outside = []
            page.on("request", lambda request, away=outside: None if request.url.startswith(origin)
                    else away.append(request.url))
            page.goto(site_url + address)
            expect(page.locator("h1").first).to_be_visible()
            page.wait_for_load_state("networkidle")
            if page.locator(".arithmatex").count():
                expect(page.locator(".arithmatex .katex").first).to_be_attached()
            page.add_script_tag(path=AXE)
            # Both palettes on the one load: the light one first, then the dark one by its toggle.
            for scheme, toggle in (("default", None), ("slate", "Switch to the dark palette")):
                if toggle:
                    page.get_by_title(toggle).click()
                expect(page.locator("body")).to_have_attribute("data-md-color-scheme", scheme)
                violations = page.evaluate("async () => (await axe.run(document)).violations")
                serious = [f"{v['id']} on {[node['target'] for node in v['nodes']][:3]}"
                           for v in violations if v["impact"] in ("serious", "critical")]
                if serious:
                    problems.append(f"{address} ({scheme}): axe {serious}")
        if outside:
            problems.append(f"{address}: requests away {outside}")
    assert len(site_addresses(site)) >= 9
    assert not problems, "\n".join(problems)


def test_the_notebook_page_shows_its_outputs(site, record):
    page = (site / "notebook" / "index.html").read_text(encoding="utf-8")
    text = html.unescape(re.sub(r"<[^>]+>", "", page))
    assert page.count("data:image/png;base64,") >= 5, "the plots: digits, curves, confusion matrix, errors, filters"
    keras_accuracy = next(e.test_accuracy for e in record.encodings if e.quantization == "float32")
    assert f"Test accuracy: {keras_accuracy:.2%}" in text, "the trained Keras model, evaluated"
    assert "Total params: " in text, "the model's summary"
    assert "model.json: " in text and "group1-shard1of1.bin: " in text, "the export's files"
    assert "Traceback (most recent call last)" not in text
