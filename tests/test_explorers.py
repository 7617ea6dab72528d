"""The explorers, driven in headless Chromium through their testing contract (ids, control names,
data-* attributes) and held to the numpy references and to the Keras models."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qsl, urljoin, urlsplit

import numpy as np
import pytest
from conftest import add_axe, watched_page
from playwright.sync_api import Page, expect

from model_build import arithmetic
from model_build.framing import area_resize
from model_build.output import model_dir, read_sample_pixels
from model_build.structure import output_side
from model_build.train import predict
from tools.handwriting import replay
from tools.static_server import SUBPATH

pytestmark = pytest.mark.browser
PAGES = {"conv-explorer": "concepts/convolution/", "pool-explorer": "concepts/pooling/",
         "softmax-explorer": "concepts/softmax/", "shift-explorer": "concepts/volumes/"}
ATTRIBUTE_PRECISION = 1e-6  # seven significant digits

# Sets the named controls as a visitor would (each change an input event) and reads the
# explorer's attributes at once, in the same task: they must be up to date before the next frame.
SET_AND_READ = """([id, values]) => {
  const root = document.getElementById(id);
  for (const [name, value] of Object.entries(values)) {
    const control = root.querySelector(`[name="${name}"]`);
    control.value = String(value);
    control.dispatchEvent(new Event('input', {bubbles: true}));
  }
  return {...root.dataset};
}"""


def numbers(text: str) -> np.ndarray:
    return np.array([float(value) for value in text.split(",")]) if text else np.zeros(0)


def open_explorer(page: Page, site_url: str, explorer: str, query: str = "") -> dict:
    page.goto(f"{site_url}{PAGES[explorer]}{query}")
    expect(page.locator(f"#{explorer}")).to_have_attribute("data-state", "ready")
    return page.evaluate("(id) => ({...document.getElementById(id).dataset})", explorer)


def set_and_read(page: Page, explorer: str, values: dict) -> dict:
    return page.evaluate(SET_AND_READ, [explorer, values])


@pytest.fixture(scope="module")
def samples() -> dict[str, np.ndarray]:
    """The build's sample digits by their name in the explorers, as ink in [0, 1]."""
    return {f"test-{index}": np.frombuffer(pixels, dtype=np.uint8).reshape(28, 28) / 255
            for index, pixels in read_sample_pixels().items()}


@pytest.fixture(scope="module")
def dense_model(record):
    from model_build.export import load_exported

    return load_exported(model_dir() / record.dense.model.folder)


def test_the_convolution_explorer_computes_what_numpy_does(page, site_url, samples, exported_model, record):
    first = record.structure.convolutions[0]
    learned = exported_model.get_layer(first.name).get_weights()[0].mean(axis=2)
    state = open_explorer(page, site_url, "conv-explorer")
    assert state["source"] == "test-3" and state["outputSize"] == "26", "untouched: a 0, edges, 3x3, 28 -> 26"
    rng = np.random.default_rng(20)
    empty = 0
    for case in range(30):
        # The kernel first: while a learned one is chosen, the filter size is its own and cannot change.
        settings = {"kernel": "learned-7" if case % 5 == 0 else str(rng.choice(["vertical-edges", "blur", "sharpen",
                                                                                 "identity", "horizontal-edges"])),
                    "digit": str(rng.choice(list(samples))), "input-size": int(rng.integers(3, 29)),
                    "filter-size": int(rng.integers(1, 8)), "stride": int(rng.integers(1, 5)),
                    "padding": int(rng.integers(0, 4)), "dilation": int(rng.integers(1, 5))}
        if case % 7 == 0:
            settings |= {"input-size": int(rng.integers(3, 6)), "filter-size": 7}  # nothing fits
        state = set_and_read(page, "conv-explorer", settings)
        size = first.size[0] if settings["kernel"].startswith("learned") else settings["filter-size"]
        width = settings["input-size"]
        image = numbers(state["input"]).reshape(width, width)
        np.testing.assert_allclose(image, area_resize(samples[settings["digit"]], width, width),
                                   atol=ATTRIBUTE_PRECISION)
        kernel = numbers(state["kernel"]).reshape(size, size)
        if settings["kernel"].startswith("learned"):
            np.testing.assert_allclose(kernel, learned[:, :, 7], atol=1e-5, rtol=1e-5)
        options = {name: settings[name] for name in ("stride", "padding", "dilation")}
        expected = arithmetic.convolve(image, kernel, **options)
        assert int(state["outputSize"]) == expected.shape[0] == output_side(width, size, **options), settings
        np.testing.assert_allclose(numbers(state["output"]).reshape(expected.shape), expected, atol=1e-5, rtol=1e-5)
        assert state["source"] == settings["digit"]
        empty += expected.shape[0] == 0
    assert empty >= 3
    if output_side(width, size, **options):
        expect(page.locator("#conv-explorer .explorer-sum")).to_contain_text("Output cell")
    else:
        expect(page.locator("#conv-explorer .explorer-note")).to_contain_text("No output")


def test_settings_live_in_the_address_and_come_back_from_it(page, site_url):
    open_explorer(page, site_url, "conv-explorer")
    state = set_and_read(page, "conv-explorer", {"filter-size": 4, "padding": 1, "stride": 2})
    assert "filter-size=4" in page.url and "padding=1" in page.url and "stride=2" in page.url
    assert "dilation" not in page.url, "settings left as they were stay out of the address"
    again = open_explorer(page, site_url, "conv-explorer", "?" + page.url.split("?", 1)[1])
    assert again["output"] == state["output"] and again["outputSize"] == "14"
    expect(page.locator('#conv-explorer [name="filter-size"]')).to_have_value("4")
    expect(page.locator("#conv-explorer .explorer-note")).to_contain_text("no centre pixel")
    broken = open_explorer(page, site_url, "conv-explorer", "?filter-size=99&stride=abc")
    assert broken["outputSize"] == "26", "values an explorer cannot take fall back to its defaults"


def test_the_pooling_explorer_pools_the_model_s_own_feature_map(page, site_url, samples, exported_model, record):
    import tf_keras as keras

    stage = record.structure.convolutions[0]
    probe = keras.Model(exported_model.inputs, exported_model.get_layer(stage.layers[-1]).output)
    state = open_explorer(page, site_url, "pool-explorer")
    rng = np.random.default_rng(21)
    for _ in range(12):
        settings = {"digit": str(rng.choice(list(samples))), "pool": str(rng.choice(["max", "average"])),
                    "pool-size": int(rng.integers(1, 5)), "stride": int(rng.integers(1, 5)),
                    "map": int(rng.integers(0, stage.output_shape[-1]))}
        state = set_and_read(page, "pool-explorer", settings)
        height, width, _ = stage.output_shape
        feature_map = numbers(state["input"]).reshape(height, width)
        maps = predict(probe, (samples[settings["digit"]] * 255)[None])[0]
        np.testing.assert_allclose(feature_map, maps[:, :, settings["map"]], atol=1e-3)
        expected = arithmetic.pool(feature_map, settings["pool-size"], settings["stride"], settings["pool"])
        assert int(state["outputSize"]) == expected.shape[0]
        np.testing.assert_allclose(numbers(state["output"]).reshape(expected.shape), expected, atol=1e-5)
    expect(page.locator("#pool-explorer .explorer-note")).to_contain_text("of the pooled map's")


def test_the_softmax_explorer_shows_the_model_s_own_logits(page, site_url, samples, exported_model):
    from model_build.export import predict_logits

    state = open_explorer(page, site_url, "softmax-explorer")
    least_sure = min(samples, key=lambda name: predict(exported_model, (samples[name] * 255)[None]).max())
    assert state["source"] == least_sure, "untouched, it shows the digit the model is least sure of"
    rng = np.random.default_rng(22)
    for _ in range(10):
        settings = {"digit": str(rng.choice(list(samples))), "temperature": round(float(rng.uniform(0.1, 10)), 1),
                    "label": int(rng.integers(0, 10))}
        state = set_and_read(page, "softmax-explorer", settings)
        logits = numbers(state["logits"])
        np.testing.assert_allclose(logits, predict_logits(exported_model, (samples[settings["digit"]] * 255)[None])[0],
                                   atol=2e-3)
        expected = arithmetic.softmax(logits, settings["temperature"])
        np.testing.assert_allclose(numbers(state["probabilities"]), expected, atol=1e-6)
        assert float(state["loss"]) == pytest.approx(arithmetic.cross_entropy(expected, settings["label"]), rel=1e-5)
    open_explorer(page, site_url, "softmax-explorer", "?temperature=5")
    expect(page.locator("#softmax-explorer .explorer-note")).to_contain_text("flattens")
    expect(page.locator("#softmax-explorer")).to_contain_text("the sigmoid of the difference")


def test_the_shift_explorer_reads_the_moved_digit_with_both_networks(page, site_url, samples, exported_model,
                                                                      dense_model, record):
    state = open_explorer(page, site_url, "shift-explorer")
    untouched = arithmetic.shift(samples[state["source"]], 5, 0)
    np.testing.assert_allclose(numbers(state["input"]).reshape(28, 28), untouched, atol=ATTRIBUTE_PRECISION,
                               err_msg="untouched, the digit sits five pixels right of centre")
    expect(page.locator("#shift-explorer")).to_contain_text(f"{record.parameters:,} parameters")
    expect(page.locator("#shift-explorer")).to_contain_text(f"{record.dense.parameters:,} parameters")
    rng = np.random.default_rng(23)
    for _ in range(10):
        settings = {"digit": str(rng.choice(list(samples))), "shift-x": int(rng.integers(-8, 9)),
                    "shift-y": int(rng.integers(-8, 9))}
        state = set_and_read(page, "shift-explorer", settings)
        moved = arithmetic.shift(samples[settings["digit"]], settings["shift-x"], settings["shift-y"])
        np.testing.assert_allclose(numbers(state["input"]).reshape(28, 28), moved, atol=ATTRIBUTE_PRECISION)
        for name, model in (("cnn", exported_model), ("dense", dense_model)):
            expected = predict(model, (moved * 255)[None])[0]
            np.testing.assert_allclose(numbers(state[f"{name}Probabilities"]), expected, atol=1e-4)
            assert state[f"{name}Prediction"] == str(expected.argmax())


def test_the_occlusion_map_shows_what_the_answer_rests_on(page, site_url, mnist, exported_model):
    page.goto(f"{site_url}demo/")
    expect(page.locator("#digit-classifier")).to_have_attribute("data-state", "ready")
    replay(page, mnist.x_test[0])
    why = page.locator("#why-map")
    expect(why).to_have_attribute("data-state", "loading")  # out of sight, nothing is computed
    page.get_by_text("Look inside the network").click()
    expect(why).to_have_attribute("data-state", "ready")
    for patch in (5, 3):
        state = set_and_read(page, "why-map", {"patch": patch})
        assert state["source"] == "drawing" and state["class"] == "7"
        digit = numbers(state["input"]).reshape(28, 28)

        def probabilities(images):
            return predict(exported_model, images * 255)

        expected = arithmetic.occlusion_map(digit, patch, 7, probabilities)
        np.testing.assert_allclose(numbers(state["saliency"]).reshape(28, 28), expected, atol=1e-3)
        assert expected.max() > 1e-3, "covering some of the 7 matters"
    expect(page.locator("#why-map .explorer-note")).to_contain_text("not why")


def test_explorers_start_from_the_visitor_s_drawing(page, site_url):
    page.goto(f"{site_url}demo/")
    expect(page.locator("#digit-classifier")).to_have_attribute("data-state", "ready")
    page.get_by_text("Look inside the network").click()
    stroke = [[(0.5, 0.2 + 0.03 * i) for i in range(21)]]
    from tools.handwriting import draw

    draw(page, stroke)
    expect(page.locator("#why-map")).to_have_attribute("data-state", "ready")
    drawn = page.locator("#why-map").get_attribute("data-input")
    for explorer in PAGES:
        state = open_explorer(page, site_url, explorer)
        assert state["source"] == "drawing", explorer
    conv = open_explorer(page, site_url, "conv-explorer")
    np.testing.assert_allclose(numbers(conv["input"]), numbers(drawn), atol=ATTRIBUTE_PRECISION)
    expect(page.locator('#conv-explorer [name="digit"] option').first).to_have_text("Your last drawing")


def test_a_keyboard_changes_the_settings(page, site_url):
    state = open_explorer(page, site_url, "conv-explorer")
    page.locator('#conv-explorer [name="padding"]').focus()
    page.keyboard.press("ArrowUp")
    expect(page.locator("#conv-explorer")).to_have_attribute("data-output-size", "28")
    page.keyboard.press("Tab")
    expect(page.locator('#conv-explorer [name="dilation"]')).to_be_focused()
    assert state["outputSize"] == "26"


@pytest.mark.parametrize("explorer", list(PAGES))
def test_each_explorer_fits_a_phone_and_passes_axe(browser, site_url, explorer):
    options = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 3, "is_mobile": True,
               "has_touch": True}
    with watched_page(browser, **options) as page:
        open_explorer(page, site_url, explorer)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, "the page scrolls sideways"
        controls = page.locator(f"#{explorer} .explorer-controls").locator("input, select")
        for control in controls.all():
            assert control.bounding_box()["height"] >= 44, "a control smaller than a fingertip"
        add_axe(page)
        for scheme, toggle in (("default", None), ("slate", "Switch to the dark palette")):
            if toggle:
                page.get_by_title(toggle).click()
            expect(page.locator("body")).to_have_attribute("data-md-color-scheme", scheme)
            violations = page.evaluate(f"async () => (await axe.run('#{explorer}')).violations")
            serious = [f"{v['id']}: {[node['target'] for node in v['nodes']][:3]}" for v in violations
                       if v["impact"] in ("serious", "critical")]
            assert not serious, (scheme, serious)


def test_the_qa_links_open_each_explorer_in_the_case_it_discusses(page, built_site, site_url):
    """Every Q&A link to an explorer with settings: the explorer opens with exactly those settings."""
    qa_page = (built_site / SUBPATH / "qa" / "index.html").read_text(encoding="utf-8")
    links = {html.unescape(link) for link in re.findall(r'href="(\.\./concepts/[^"]+\?[^"]+)"', qa_page)}
    assert len(links) >= 5
    explorers = {explorer for explorer, path in PAGES.items() if any(f"concepts/{path.split('/')[1]}/" in link
                                                                     for link in links)}
    assert explorers == set(PAGES), "each explorer is linked from the Q&A with settings"
    for link in sorted(links):
        address = urljoin(f"{site_url}qa/", link)
        page.goto(address)
        explorer = next(name for name, path in PAGES.items() if path in address)
        expect(page.locator(f"#{explorer}")).to_have_attribute("data-state", "ready")
        for name, value in parse_qsl(urlsplit(address).query):
            expect(page.locator(f'#{explorer} [name="{name}"]')).to_have_value(value)


def test_a_link_to_the_occlusion_map_opens_it(page, site_url):
    page.goto(f"{site_url}demo/#why-map")
    expect(page.locator("#digit-classifier")).to_have_attribute("data-state", "ready")
    expect(page.locator("#digit-inside")).to_have_attribute("open", "")
    expect(page.locator("#why-map")).to_have_attribute("data-state", "ready")
    expect(page.locator("#why-map .explorer-note")).to_contain_text("Draw a digit")
