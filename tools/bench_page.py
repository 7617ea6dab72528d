"""python -m tools.bench_page: what the live classifier costs a visitor, beside the common approach.

In headless Chromium, on the built site served under a project subpath: the gzipped bytes the demo
page transfers, the time from navigation to `ready`, the time from the end of each stroke to the
shown prediction while MNIST test digits are replayed as mouse drags, and the share of those
digits read correctly; the time the page takes to answer each hostile upload (tools/hostile.py).
Inference alone is timed for the page's classifier and, as the baseline, for the full `tf.min.js`
running the same exported model on each of its backends.
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import sys
import tempfile
from pathlib import Path

import numpy as np

from model_build.bench import write_report
from model_build.output import REPOSITORY, model_dir, read_record
from site_hooks.bundle import SITE_SRC, build_bundle
from tools import budgets, targets
from tools.chromium import system_chromium
from tools.handwriting import brush_width, draw, traced_digit, traced_number
from tools.hostile import hostile_files
from tools.static_server import SUBPATH, serve

NODE_MODULES = SITE_SRC / "node_modules" / "@tensorflow"
LOADS = 10  # cold loads timed for `ready`: this machine varies by a third from load to load
PREDICTIONS = 300  # predictions timed per backend
NUMBERS = 40  # numbers of EIGHT digits written on the wide pad
EIGHT = 8

# Timestamps the page cannot skew: the canvas's pointerup, the moment the classifier turns ready,
# and the start of the next frame.
WATCH_THE_PAGE = """
window.bench = {strokes: [], readyAt: null};
let strokeEnded = null;
addEventListener('pointerup', (event) => {
  if (event.target.id === 'digit-canvas') strokeEnded = event.timeStamp;
}, true);
new MutationObserver(() => {
  const root = document.getElementById('digit-classifier');
  if (!root || root.dataset.state !== 'ready') return;
  const now = performance.now();
  bench.readyAt ??= now;
  if (strokeEnded === null) return;
  const ended = strokeEnded;
  strokeEnded = null;
  requestAnimationFrame(() => bench.strokes.push({shown: now - ended, nextFrame: performance.now() - ended}));
}).observe(document, {subtree: true, attributes: true, attributeFilter: ['data-state']});
"""

# From the upload's change event (before the page's own handler sees it) to the classifier's
# leaving `busy`, with the words the page then shows.
TIME_THE_UPLOAD = """() => {
  const root = document.getElementById('digit-classifier');
  const input = document.getElementById('digit-upload');
  window.upload = new Promise((resolve) => {
    let started = null;
    document.addEventListener('change', (event) => {
      if (event.target === input) started = performance.now();
    }, {capture: true, once: true});
    const observer = new MutationObserver(() => {
      if (started === null || root.dataset.state === 'busy') return;
      observer.disconnect();
      resolve({ms: performance.now() - started, said: document.getElementById('digit-status').textContent.trim(),
               prediction: root.dataset.prediction});
    });
    observer.observe(root, {attributes: true, attributeFilter: ['data-state', 'data-prediction']});
  });
}"""

BASELINE_PAGE = """<!doctype html><title>tf.min.js baseline</title><link rel="icon" href="data:,">
<script src="tf.min.js"></script>
<script>
tf.loadLayersModel('model/model.json').then((model) => {
  tf.tidy(() => model.predict(tf.zeros([1, 28, 28, 1])).dataSync());
  window.bench = {readyAt: performance.now(), backend: tf.getBackend()};
});
</script>"""

INFERENCE_PAGE = """<!doctype html><title>inference</title><link rel="icon" href="data:,">
<script src="tf.min.js"></script><script src="tf-backend-wasm.min.js"></script>"""

TIME_OURS = """async ({count}) => {
  const {loadClassifier} = await import('./ours/classifier.js');
  const classifier = await loadClassifier(new URL('model/model.json', location.href).href);
  const bytes = new Uint8Array(await (await fetch('digits.bin')).arrayBuffer());
  const times = [];
  for (let i = 0; i < count; i++) {
    times.push(classifier.predict(Float64Array.from(bytes.subarray(i * 784, (i + 1) * 784), (v) => v / 255))
      .milliseconds);
  }
  return {backend: classifier.backend, times};
}"""

TIME_BASELINE = """async ({count, backend}) => {
  tf.wasm.setWasmPaths(new URL('./', location.href).href);
  if (!await tf.setBackend(backend)) return {backend: null, times: []};
  const model = await tf.loadLayersModel('model/model.json');
  const bytes = new Uint8Array(await (await fetch('digits.bin')).arrayBuffer());
  const digit = (i) => tf.tensor(Float32Array.from(bytes.subarray(i * 784, (i + 1) * 784), (v) => v / 255),
                                 [1, 28, 28, 1]);
  tf.tidy(() => model.predict(digit(0)).dataSync());  // warm-up
  const times = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    tf.tidy(() => model.predict(digit(i)).dataSync());
    times.push(performance.now() - started);
  }
  model.dispose();
  return {backend: tf.getBackend(), times};
}"""


def summary(times: list[float]) -> dict:
    ordered = sorted(times)
    return {"count": len(ordered), "median": statistics.median(ordered),
            "p95": ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]}


def kind_of(url: str) -> str:
    path = url.split("?")[0]
    if "/model/" in path and path.endswith((".json", ".bin")):
        return "model"
    if path.endswith(".js"):
        # Material's own scripts (navigation, search) come with every page of the site.
        return "theme JavaScript" if "/assets/javascripts/" in path else "JavaScript"
    return "wasm" if path.endswith(".wasm") else "other"


def cold_load(browser, url: str) -> dict:
    """Load ``url`` in a fresh context; the gzipped bytes it transferred by kind, and when it was ready."""
    context = browser.new_context()
    page = context.new_page()
    page.add_init_script(WATCH_THE_PAGE)
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.goto(url)
    page.wait_for_function("() => window.bench && window.bench.readyAt !== null")
    ready_at, backend = page.evaluate("[bench.readyAt, bench.backend ?? null]")  # the baseline names its backend
    transferred: dict[str, int] = {}
    for response in responses:
        if response.ok:
            kind = kind_of(response.url)
            transferred[kind] = transferred.get(kind, 0) + len(gzip.compress(response.body(), 9))
    context.close()
    return {"ready_ms": ready_at, "gzip_bytes": transferred, "backend": backend}


def loads(browser, url: str) -> dict:
    runs = [cold_load(browser, url) for _ in range(LOADS)]
    return {"ready_ms": summary([run["ready_ms"] for run in runs]), "gzip_bytes": runs[-1]["gzip_bytes"],
            "backend": runs[-1]["backend"]}


def watched_demo(browser, url: str):
    """The demo page in a new tab, its strokes and readiness timed (WATCH_THE_PAGE), once ready."""
    page = browser.new_page()
    page.add_init_script(WATCH_THE_PAGE)
    page.goto(url)
    page.wait_for_function("() => window.bench && window.bench.readyAt !== null")
    return page


def replay(browser, url: str, digits: np.ndarray, labels: np.ndarray) -> dict:
    page = watched_demo(browser, url)
    brush = brush_width(page)
    right, missed = 0, []
    for index, (digit, label) in enumerate(zip(digits, labels, strict=True)):
        page.locator("#digit-clear").click()
        draw(page, traced_digit(digit, brush))
        read = page.locator("#digit-classifier").get_attribute("data-prediction")
        right += read == str(label)
        if read != str(label):
            missed.append({"index": index, "label": int(label), "read": read or "unsure"})
    page.wait_for_timeout(100)  # the last stroke's next frame
    strokes = page.evaluate("bench.strokes")
    timing = page.locator("#digit-timing").text_content()
    page.close()
    return {"digits": len(labels), "right": right, "share": right / len(labels), "missed": missed,
            "last_timing": timing,
            "stroke_to_prediction_ms": summary([stroke["shown"] for stroke in strokes]),
            "stroke_to_next_frame_ms": summary([stroke["nextFrame"] for stroke in strokes])}


def replay_numbers(browser, url: str, digits: np.ndarray, labels: np.ndarray, count: int) -> dict:
    """Numbers of EIGHT MNIST test digits written on the pad for numbers: how many are read right,
    and the time from the end of each number's last stroke, with all eight digits on the pad, to
    the prediction."""
    page = watched_demo(browser, url)
    brush = brush_width(page)
    page.locator("#digit-number").click()
    aspect = page.evaluate("(({width, height}) => width / height)(document.getElementById('digit-canvas'))")
    rng = np.random.default_rng(8)
    right, last = 0, []
    for _ in range(count):
        chosen = rng.integers(0, len(labels), EIGHT)
        page.locator("#digit-clear").click()
        before = page.evaluate("bench.strokes.length")
        strokes = traced_number([digits[index] for index in chosen], brush, aspect, rng)
        draw(page, strokes)
        page.wait_for_function("(count) => bench.strokes.length >= count", arg=before + len(strokes))
        last.append(page.evaluate("bench.strokes[bench.strokes.length - 1].shown"))
        right += page.locator("#digit-classifier").get_attribute("data-prediction") == "".join(map(str, labels[chosen]))
    page.close()
    return {"numbers": count, "right": right, "share": right / count, "last_stroke_to_prediction_ms": summary(last)}


def hostile_uploads(browser, url: str, folder: Path) -> list[dict]:
    """Each hostile file uploaded into the demo: the time to its answer, and the answer."""
    page = watched_demo(browser, url)
    rows = []
    for name, path in hostile_files(folder).items():
        page.evaluate(TIME_THE_UPLOAD)
        page.locator("#digit-upload").set_input_files(path)
        answer = page.evaluate("window.upload")
        rows.append({"file": name, "bytes": path.stat().st_size, **answer})
    page.close()
    return rows


def inference(browser, base: str) -> list[dict]:
    rows = []
    page = browser.new_page()
    page.goto(f"{base}/inference/index.html")
    ours = page.evaluate(TIME_OURS, {"count": PREDICTIONS})
    rows.append({"code": "this page's classifier (tfjs-core + wasm kernels), with feature maps",
                 "backend": ours["backend"], **summary(ours["times"])})
    page.close()
    for backend in ("cpu", "wasm", "webgl"):
        page = browser.new_page()
        page.goto(f"{base}/inference/index.html")
        result = page.evaluate(TIME_BASELINE, {"count": PREDICTIONS, "backend": backend})
        page.close()
        if result["backend"] == backend:
            rows.append({"code": "tf.min.js, loadLayersModel", "backend": backend, **summary(result["times"])})
    return rows


def stage(root: Path, site: Path, exported: Path, digits: np.ndarray) -> None:
    """The built site under a subpath, the baseline page, and the inference pages, side by side."""
    (root / SUBPATH).symlink_to(site.resolve())
    for folder in ("baseline", "inference"):
        (root / folder).mkdir()
        (root / folder / "tf.min.js").symlink_to(NODE_MODULES / "tfjs" / "dist" / "tf.min.js")
        (root / folder / "model").symlink_to(exported.resolve())
    (root / "baseline" / "index.html").write_text(BASELINE_PAGE)
    inference_dir = root / "inference"
    (inference_dir / "index.html").write_text(INFERENCE_PAGE)
    (inference_dir / "digits.bin").write_bytes(digits[:PREDICTIONS].tobytes())
    wasm = NODE_MODULES / "tfjs-backend-wasm" / "dist"
    for path in [wasm / "tf-backend-wasm.min.js", *wasm.glob("*.wasm")]:
        (inference_dir / path.name).symlink_to(path)
    (inference_dir / "ours").symlink_to(build_bundle(("site_src/js/classifier.js",), root / "classifier").files)


def kilobytes(count: int) -> str:
    return f"{count / 1000:.1f} KB"


def report(result: dict) -> str:
    page, baseline, replayed = result["page"], result["baseline"], result["replay"]

    def bytes_row(name: str, load: dict) -> str:
        sizes = load["gzip_bytes"]
        counted = sum(sizes.get(kind, 0) for kind in ("JavaScript", "wasm", "model"))
        cells = [kilobytes(sizes.get(kind, 0)) for kind in ("JavaScript", "wasm", "model")]
        ready = load["ready_ms"]
        cells += [f"**{kilobytes(counted)}**", kilobytes(sizes.get("theme JavaScript", 0)),
                  kilobytes(sizes.get("other", 0)), f"{ready['median']:.0f} ms (p95 {ready['p95']:.0f})"]
        return f"| {name} | {' | '.join(cells)} |"

    lines = [
        "# Benchmark: the live classifier page",
        "",
        f"Headless Chromium {result['chromium']}, site served from localhost under /{SUBPATH}/. "
        "Bytes are each response gzipped at level 9, as a static host would send it; `ready` is the time "
        f"from navigation until the model has loaded and made its first prediction, median of {LOADS} "
        "cold loads. The theme's scripts (Material's navigation and search) come with every page of the "
        "site and are listed apart.",
        "",
        "| page | JavaScript | wasm | model | JS + wasm + model | theme JavaScript | other (HTML, CSS) | ready |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
        bytes_row("demo page (this site)", page),
        bytes_row(f"tf.min.js baseline ({baseline['backend']} backend)", baseline),
        "",
        f"## Drawing: {replayed['digits']} MNIST test digits replayed as mouse drags",
        "",
        f"Read correctly: {replayed['right']} of {replayed['digits']} ({replayed['share']:.1%}; target "
        f"{targets.REPLAYED:.0%} of the first 1,000). Missed "
        "(test set index: label, read): "
        + (", ".join(f"{m['index']}: {m['label']}, {m['read']}" for m in replayed["missed"]) or "none") + ".",
        "",
        "| from the end of a stroke to | strokes | median | p95 |",
        "|---|---:|---:|---:|",
    ]
    for name, key in (("the prediction on the page", "stroke_to_prediction_ms"),
                      ("the next frame (painted)", "stroke_to_next_frame_ms")):
        row = replayed[key]
        lines.append(f"| {name} | {row['count']} | {row['median']:.1f} ms | {row['p95']:.1f} ms |")
    lines += ["", f"Budget: the prediction on the page within {budgets.STROKE_TO_PREDICTION_MS} ms of the stroke's end "
              "(median)."]
    numbers = result["numbers"]
    timing = numbers["last_stroke_to_prediction_ms"]
    lines += [
        "",
        f"## Numbers: {numbers['numbers']} numbers of {EIGHT} MNIST test digits written on the wide pad",
        "",
        f"Read correctly, every digit in order: {numbers['right']} of {numbers['numbers']} ({numbers['share']:.1%}). "
        f"From the end of each number's last stroke, with all {EIGHT} digits on the pad, to the prediction: "
        f"median {timing['median']:.1f} ms, p95 {timing['p95']:.1f} ms (budget: {budgets.EIGHT_DIGITS_MS} ms).",
    ]
    lines += [
        "",
        "## Hostile uploads",
        "",
        "From the upload to the page's answer (the classifier leaving `busy`), one upload each, in the order below; "
        f"budget: {budgets.UPLOAD_MS:,} ms each.",
        "",
        "| file | bytes | answer in | prediction | the page says |",
        "|---|---:|---:|---|---|",
    ]
    lines += [f"| {row['file']} | {row['bytes']:,} | {row['ms']:.0f} ms | {row['prediction'] or '(none)'} | "
              f"{row['said'][:110]} |" for row in result["uploads"]]
    lines += [
        "",
        f"## Inference alone, {PREDICTIONS} MNIST test digits one at a time",
        "",
        "| code | backend | median | p95 |",
        "|---|---|---:|---:|",
    ]
    lines += [f"| {row['code']} | {row['backend']} | {row['median']:.2f} ms | {row['p95']:.2f} ms |"
              for row in result["inference"]]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench_page", description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, default=REPOSITORY / "site", help="the built site (make site)")
    parser.add_argument("--digits", type=int, default=1000, help="MNIST test digits to replay")
    parser.add_argument("--out", type=Path, default=REPOSITORY / "build" / "bench", help="where the report goes")
    args = parser.parse_args(argv)
    if not (args.site / "demo" / "index.html").is_file():
        parser.error(f"no built site in {args.site}: run `make site` first")

    from playwright.sync_api import sync_playwright

    from model_build.data import load_mnist

    mnist = load_mnist()
    folder = model_dir()
    exported = folder / read_record(folder).model.folder
    with tempfile.TemporaryDirectory() as scratch, sync_playwright() as playwright:
        root = Path(scratch)
        stage(root, args.site, exported, mnist.x_test)
        browser = playwright.chromium.launch(executable_path=system_chromium())
        with serve(root) as base:
            demo = f"{base}/{SUBPATH}/demo/"
            result = {
                "chromium": browser.version,
                "page": loads(browser, demo),
                "baseline": loads(browser, f"{base}/baseline/index.html"),
                "inference": inference(browser, base),
                "replay": replay(browser, demo, mnist.x_test[:args.digits], mnist.y_test[:args.digits]),
                "numbers": replay_numbers(browser, demo, mnist.x_test, mnist.y_test, NUMBERS),
                "uploads": hostile_uploads(browser, demo, root),
            }
        browser.close()
    write_report(args.out, "page", report(result), result, exported.name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
