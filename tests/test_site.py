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
from conftest import REPORT_POLICY_VIOLATIONS, add_axe, watched_page
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
    # No marker left unfilled; the maintainers' guide shows a few as code, on purpose.
    assert "[[" not in re.sub(r"<code>.*?</code>", "", "".join(path.read_text(encoding="utf-8")
                                                             for path in site_pages(site)))


def test_glossary_words_are_marked_once_per_page(site):
    marked = {}
    for path in site_pages(site):
        titles = re.findall(r'<abbr title="([^"]*)"', path.read_text(encoding="utf-8"))
        assert len(titles) == len(set(titles)), f"{path}: a word of the glossary is marked more than once"
        marked[page_url(site, path)] = len(titles)
    assert marked[BASE + "qa/"] >= 10, marked  # the Q&A uses most of the glossary's words
    assert marked[BASE + "notebook/"] >= 5, marked  # its Markdown cells reach the site as HTML


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


# The explorers and the classifier draw part of their pages once they are running.
MOUNTED_AND_RUNNING = """() => [...document.querySelectorAll('[data-mounted]')]
    .every((root) => root.dataset.state && root.dataset.state !== 'loading')"""
PALETTES = {"default": "Switch to the dark palette", "slate": "Switch to the light palette"}


def open_settled(page, address: str) -> None:
    """Go to a page of the site and wait until its explorers run and its fonts are in."""
    page.goto(address, wait_until="load")
    expect(page.locator("h1").first).to_be_visible()
    page.wait_for_function(MOUNTED_AND_RUNNING)
    page.evaluate("async () => { await document.fonts.ready; }")


@pytest.mark.browser
def test_every_page_loads_cleanly_from_its_own_origin_and_passes_axe(browser, site, site_url):
    origin = site_url.split(f"/{SUBPATH}/")[0]
    problems, outside = [], []
    # One visitor reads every page: the palette chosen on one page carries to the next, as it does
    # for a reader, so each page is checked in the palette it opens in and then in the other.
    with watched_page(browser) as page:
        page.on("request", lambda request: None if request.url.startswith(origin) else outside.append(request.url))
        for address in site_addresses(site):
            open_settled(page, site_url + address)
            if page.locator(".arithmatex").count():
                expect(page.locator(".arithmatex .katex").first).to_be_attached()
            add_axe(page)
            opened = page.locator("body").get_attribute("data-md-color-scheme")
            other = next(scheme for scheme in PALETTES if scheme != opened)
            for scheme in (opened, other):
                if scheme == other:
                    page.get_by_title(PALETTES[opened]).click()
                    # The toggle's own tooltip fades in under the pointer: measure the page, not a fade.
                    page.mouse.move(0, 0)
                    page.wait_for_function("() => !document.querySelector('.md-tooltip--active')")
                    page.wait_for_timeout(400)
                expect(page.locator("body")).to_have_attribute("data-md-color-scheme", scheme)
                violations = page.evaluate("async () => (await axe.run(document)).violations")
                serious = [f"{v['id']} on {[node['target'] for node in v['nodes']][:3]}"
                           for v in violations if v["impact"] in ("serious", "critical")]
                if serious:
                    problems.append(f"{address} ({scheme}): axe {serious}")
            if outside:
                problems.append(f"{address}: requests away {outside}")
                outside.clear()
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
    # What libraries print at start-up is not the reader's business: no warning, no advertisement.
    for noise in ("Warning", "pkg_resources", "cuDNN", "ydf", "Decision Forests"):
        assert noise not in text, f"the notebook's page shows {noise!r}"


CSP_META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')


def test_every_page_carries_one_policy_before_anything_it_governs(site):
    policies = set()
    for path in site_pages(site):
        page = path.read_text(encoding="utf-8")
        found = CSP_META.findall(page)
        assert len(found) == 1, f"{path}: {len(found)} policies"
        head = page[: page.index("</head>")]
        assert head.index("Content-Security-Policy") < min(head.find(tag) for tag in ("<script", "<link", "<style")
                                                           if tag in head), f"{path}: the policy comes too late"
        policies.add(html.unescape(found[0]))
    assert len(policies) == 1, "instant navigation keeps the first page's policy: all pages need the same one"
    directives = {part.split()[0]: part.split()[1:] for part in policies.pop().split("; ")}
    assert directives["script-src"][:2] == ["'self'", "'wasm-unsafe-eval'"]
    assert all(source.startswith("'sha256-") for source in directives["script-src"][2:])
    assert directives["default-src"] == ["'self'"] and directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"] and directives["form-action"] == ["'none'"]
    assert not {"'unsafe-inline'", "'unsafe-eval'", "*", "https:"} & {s for v in directives.values() for s in v}


INJECTED = """<script>window.injected = "inline"</script><img alt="" src="data:," onerror="window.injected = 'handler'">
<script src="https://scripts.example/steal.js"></script></body>"""
COLLECT_VIOLATIONS = """window.violations = [];
document.addEventListener('securitypolicyviolation', (event) => window.violations.push(
  [event.effectiveDirective, event.blockedURI]));"""


@pytest.mark.browser
def test_the_policy_refuses_a_script_injected_into_a_page_and_the_demo_still_runs(browser, site_url):
    """As if a page had been tampered with on its way (or a hook had let a script through): none
    of the injected code runs, the browser says so, and the page's own code works."""
    context = browser.new_context()
    context.add_init_script(COLLECT_VIOLATIONS)
    context.add_init_script(REPORT_POLICY_VIOLATIONS)  # what fails every other browser test
    context.route(f"{site_url}demo/", lambda route: route.fulfill(
        response=(response := route.fetch()), body=response.text().replace("</body>", INJECTED, 1)))
    context.route("https://scripts.example/**", lambda route: route.fulfill(body="window.injected = 'outside'"))
    page = context.new_page()
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    try:
        page.goto(site_url + "demo/")
        expect(page.locator("#digit-classifier")).to_have_attribute("data-state", "ready", timeout=30_000)
        page.evaluate("""() => { const late = document.createElement('script');
                                 late.textContent = 'window.injected = "later"'; document.body.append(late); }""")
        page.wait_for_function("() => window.violations.length >= 4")
        assert page.evaluate("window.injected") is None
        violations = page.evaluate("window.violations")
        assert ["script-src-elem", "inline"] in violations and ["script-src-attr", "inline"] in violations
        assert ["script-src-elem", "https://scripts.example/steal.js"] in violations
        assert violations.count(["script-src-elem", "inline"]) == 2, "the script added later is refused too"
        assert sum("content security policy violated: script-src-elem refused inline" in e for e in errors) == 2
    finally:
        context.close()


@pytest.mark.browser
def test_search_and_instant_navigation_run_under_the_policy(page, site_url):
    """Material's search (a web worker) and its instant navigation, which runs the next page's
    inline scripts in the document the first page opened: the policy refuses none of it."""
    page.goto(site_url)
    page.get_by_role("textbox", name="Search").click()
    page.keyboard.type("stride")
    result = page.locator(".md-search-result__item a").first
    expect(result).to_be_visible()
    # The results follow the typing: wait for those of the whole word, not of its first letters.
    expect(result).to_have_attribute("href", re.compile(r"h=stride\b"))
    page.keyboard.press("Enter")  # Material opens the first result, without submitting the form
    expect(page).to_have_url(re.compile(r"\?h=stride$"))
    expect(page.locator("mark").first).to_have_text(re.compile("stride", re.IGNORECASE))
    page.evaluate("window.stillTheFirstDocument = true")
    page.get_by_role("link", name="Training the CNN, step by step").first.click()  # the notebook's own title
    expect(page).to_have_url(re.compile(r"notebook/$"))
    expect(page.locator(".jp-Cell").first).to_be_visible()
    assert page.evaluate("window.stillTheFirstDocument"), "the page came by instant navigation"
    # The notebook template's inline script ran, allowed by its hash: the copy buttons work.
    page.wait_for_function("() => customElements.get('clipboard-copy') !== undefined")


# What "fits" means on a phone: a table's numbers are all inside the column the text fills, with
# no sideways scrolling to reach them.
PHONE_TABLE_SLACK_PX = 1


@pytest.mark.browser
def test_every_table_fits_a_phone_screen(browser, site, site_url):
    too_wide = []
    # One phone visits every page.
    with watched_page(browser, viewport={"width": 360, "height": 740}, device_scale_factor=2,
                      is_mobile=True, has_touch=True) as page:
        for address in site_addresses(site):
            open_settled(page, site_url + address)
            widths = page.evaluate("""() => [...document.querySelectorAll('.md-content article table')]
                .filter((table) => table.offsetParent !== null)
                .map((table) => ({column: table.closest('article').clientWidth, table: table.scrollWidth,
                                  first: table.rows[0].textContent.trim().slice(0, 40)}))""")
            too_wide += [f"{address}: {w['table']} px in {w['column']} px ({w['first']!r})"
                         for w in widths if w["table"] > w["column"] + PHONE_TABLE_SLACK_PX]
    assert not too_wide, "tables wider than a 360 px phone:\n" + "\n".join(too_wide)
