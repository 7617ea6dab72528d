"""python -m tools.bench_explorers: what the explorers cost a visitor, against their budgets.

The gzipped JavaScript each explorer loads beyond what the demo loads too (the classifier and
TF.js are shared; esbuild's metafile says which chunks each module needs); then, in headless
Chromium, on the built site served under a project subpath: the time from navigation to the
explorer's `ready`, the time a control change takes to update the explorer (and to the next
frame), and the occlusion map's time on the demo. The fully connected network's size and
accuracy, and the shift measurement, come from the build.
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import sys
import tempfile
from pathlib import Path

from model_build.bench import write_report
from model_build.output import REPOSITORY, BuildRecord, read_record
from site_hooks.bundle import build_bundle
from tools import budgets
from tools.chromium import system_chromium
from tools.static_server import SUBPATH, serve

CHANGES = 60  # control changes timed per explorer
LOADS = 5  # cold loads timed per explorer
OCCLUSIONS = 20
# Each explorer's page, and the settings a visitor might try there, in turn.
EXPLORERS = {
    "conv-explorer": ("concepts/convolution/", "convolution_view.js", [
        ("filter-size", [3, 5, 4, 7, 2]), ("stride", [1, 2, 3]), ("padding", [0, 1, 2, 3]), ("dilation", [1, 2]),
        ("kernel", ["blur", "learned-3", "sharpen", "vertical-edges"]), ("input-size", [28, 14, 20])]),
    "pool-explorer": ("concepts/pooling/", "pooling_view.js", [
        ("pool", ["average", "max"]), ("pool-size", [3, 2, 4]), ("stride", [1, 2, 3]), ("map", [0, 5, 11]),
        ("nudge", [1, 2, 3])]),
    "softmax-explorer": ("concepts/softmax/", "softmax_view.js", [
        ("temperature", [0.5, 2, 5, 1]), ("label", [0, 3, 7])]),
    "shift-explorer": ("concepts/volumes/", "shift_view.js", [("shift-x", [1, 3, -4, 0]), ("shift-y", [2, -2, 5, 0])]),
}
BUDGETS = {"js_gzip_kb": budgets.EXPLORER_JS_GZIP_KB, "update_ms": budgets.EXPLORER_UPDATE_MS,
           "occlusion_ms": budgets.OCCLUSION_MS, "fc_weights_kb": budgets.FC_WEIGHTS_KB}

TIME_A_CHANGE = """async ([id, name, value]) => {
  const control = document.getElementById(id).querySelector(`[name="${name}"]`);
  const started = performance.now();
  control.value = String(value);
  control.dispatchEvent(new Event('input', {bubbles: true}));
  const updated = performance.now();
  await new Promise((resolve) => requestAnimationFrame(() => resolve()));
  return [updated - started, performance.now() - started];
}"""


def summary(times: list[float]) -> dict:
    ordered = sorted(times)
    return {"count": len(ordered), "median": statistics.median(ordered),
            "p95": ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]}


def own_javascript(module: str, files: Path) -> dict[str, int]:
    """The gzipped size of each chunk ``module`` needs that the demo does not."""
    chunks = build_bundle().chunks
    return {chunk: len(gzip.compress((files / chunk).read_bytes(), 9))
            for chunk in chunks[module] if chunk not in chunks["demo.js"]}


def cold_ready(browser, url: str, ready: str) -> float:
    """Milliseconds from navigation to ``ready`` on a first visit."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(url)
    page.wait_for_function(ready)
    ready_ms = page.evaluate("performance.now()")
    context.close()
    return ready_ms


def state_is(id_: str, state: str = "ready") -> str:
    # A function, not an expression: the pages' policy refuses the eval that polling one needs.
    return f"() => document.getElementById('{id_}')?.dataset.state === '{state}'"


def explorer_rows(browser, base: str, files: Path) -> list[dict]:
    rows = []
    for explorer, (path, module, controls) in EXPLORERS.items():
        url = f"{base}/{SUBPATH}/{path}"
        ready_ms = statistics.median(cold_ready(browser, url, state_is(explorer)) for _ in range(LOADS))
        own = own_javascript(module, files)
        page = browser.new_page()
        page.goto(url)
        page.wait_for_function(state_is(explorer))
        updates, frames = [], []
        for change in range(CHANGES):
            name, values = controls[change % len(controls)]
            value = values[change // len(controls) % len(values)]
            update, frame = page.evaluate(TIME_A_CHANGE, [explorer, name, value])
            updates.append(update)
            frames.append(frame)
        page.close()
        rows.append({"explorer": explorer, "page": path, "own_js_gzip_bytes": sum(own.values()),
                     "own_scripts": sorted(own), "ready_ms": ready_ms,
                     "update_ms": summary(updates), "next_frame_ms": summary(frames)})
    return rows


def occlusion(browser, base: str) -> dict:
    """The occlusion map's time for its default patch, on the demo, for a drawn digit."""
    page = browser.new_page()
    page.goto(f"{base}/{SUBPATH}/demo/")
    page.wait_for_function(state_is("digit-classifier"))
    from tools.handwriting import draw

    page.get_by_text("Look inside the network").click()
    draw(page, [[(0.35, 0.25), (0.65, 0.25), (0.45, 0.75)]])  # a 7
    page.wait_for_function(state_is("why-map"))
    patch = page.locator("#why-map select[name=patch]").input_value()
    times = [page.evaluate(TIME_A_CHANGE, ["why-map", "patch", patch])[0] for _ in range(OCCLUSIONS)]
    read = page.locator("#why-map").get_attribute("data-class")
    page.close()
    return {"patch": int(patch), "read": read, **summary(times)}


def report(result: dict, record: BuildRecord) -> str:
    dense = record.dense
    lines = [
        "# Benchmark: the explorers",
        "",
        f"Headless Chromium {result['chromium']}, site served from localhost under /{SUBPATH}/. An explorer's "
        "JavaScript is the chunks it needs that the demo does not (esbuild's metafile), gzipped at level 9. An "
        "update is the time from a control's change to the explorer's new numbers in its attributes; "
        f"{CHANGES} changes per explorer.",
        "",
        f"| explorer | own JavaScript | ready after navigation (median of {LOADS}) | update, median (p95) "
        "| to the next frame, median |",
        "|---|---:|---:|---:|---:|",
    ]
    for row in result["explorers"]:
        lines.append(f"| `{row['explorer']}` ({row['page']}) | {row['own_js_gzip_bytes'] / 1000:.1f} KB | "
                     f"{row['ready_ms']:.0f} ms | {row['update_ms']['median']:.2f} ms ({row['update_ms']['p95']:.2f}) "
                     f"| {row['next_frame_ms']['median']:.1f} ms |")
    why = result["occlusion"]
    lines += [
        "",
        f"Occlusion map on the demo (`#why-map`), {why['patch']} × {why['patch']} patch, a drawn {why['read']}: "
        f"median {why['median']:.0f} ms, p95 {why['p95']:.0f} ms over {why['count']} runs.",
        "",
        f"Fully connected network: {dense.parameters:,} parameters, {dense.test_accuracy:.2%} test accuracy, "
        f"{dense.model.weights_gzip_bytes / 1000:.1f} KB of {dense.model.quantization} weights gzipped, "
        f"{dense.training.seconds:.0f} s of training (the CNN: {record.parameters:,}, {record.test_accuracy:.2%}, "
        f"{record.model.weights_gzip_bytes / 1000:.1f} KB, {record.training.seconds:.0f} s).",
        "",
        "| test digits moved by (pixels) | CNN | fully connected |",
        "|---:|---:|---:|",
        *[f"| {point.pixels} | {point.cnn:.2%} | {point.dense:.2%} |" for point in record.shift_accuracy],
        "",
        "Budgets: " + ", ".join(f"{name} ≤ {value}" for name, value in BUDGETS.items()) + ".",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench_explorers", description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, default=REPOSITORY / "site", help="the built site (make site)")
    parser.add_argument("--out", type=Path, default=REPOSITORY / "build" / "bench", help="where the report goes")
    args = parser.parse_args(argv)
    if not (args.site / "concepts" / "convolution" / "index.html").is_file():
        parser.error(f"no built site in {args.site}: run `make site` first")

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as scratch, sync_playwright() as playwright:
        root = Path(scratch)
        (root / SUBPATH).symlink_to(args.site.resolve())
        browser = playwright.chromium.launch(executable_path=system_chromium())
        with serve(root) as base:
            result = {"chromium": browser.version,
                      "explorers": explorer_rows(browser, base, args.site / "assets" / "bundle"),
                      "occlusion": occlusion(browser, base)}
        browser.close()
    record = read_record()
    write_report(args.out, "explorers", report(result, record), result, record.model.folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
