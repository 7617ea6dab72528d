"""python -m tools.bench_teach: the teaching page against its targets, in headless Chromium on the
built site. Three symbols (tools/symbols.py: a tick, a cross, a circle) are taught from five
drawings each in one hand; 30 new drawings of each, in another hand (smaller, slanted the other
way, less steady), are read. Reported: the share read right, the seconds training takes, the
JavaScript the page adds to what the demo loads, and the tensors left after training and reading."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np

from model_build.bench import write_report
from model_build.output import REPOSITORY, read_record
from tools import budgets, targets
from tools.bench_explorers import own_javascript
from tools.chromium import system_chromium
from tools.handwriting import draw
from tools.static_server import SUBPATH, serve
from tools.symbols import ANOTHER_HAND, ONE_HAND, SYMBOLS, drawn

EXAMPLES = 5  # per symbol, in one hand
READ = 30  # new drawings per symbol, in another hand
RUNS = 3  # trainings timed, from the same examples


def measure(page, url: str) -> dict:
    page.goto(f"{url}teach/")
    page.wait_for_function("() => document.getElementById('teach').dataset.state === 'ready'")
    page.locator("#teach-reset").click()
    rng = np.random.default_rng(31)
    for index, symbol in enumerate(SYMBOLS):
        for _ in range(EXAMPLES):
            draw(page, drawn(symbol, ONE_HAND, rng), canvas_id="teach-canvas", root_id="teach")
            page.locator(f'[data-teach-add="{index}"]').click()
    tensors = page.evaluate("document.querySelector('#teach').tensorCount()")
    seconds = []
    for _ in range(RUNS):
        page.locator("#teach-train").click()
        page.wait_for_function("() => document.getElementById('teach').dataset.state === 'trained'", timeout=60_000)
        seconds.append(float(page.locator("#teach").get_attribute("data-training-seconds")))
    right = {}
    for index, symbol in enumerate(SYMBOLS):
        right[symbol] = 0
        for _ in range(READ):
            page.locator("#teach-clear").click()
            draw(page, drawn(symbol, ANOTHER_HAND, rng), canvas_id="teach-canvas", root_id="teach")
            right[symbol] += page.locator("#teach").get_attribute("data-prediction") == str(index)
    return {"right": right, "read": READ, "seconds": seconds,
            "tensors_left": page.evaluate("document.querySelector('#teach').tensorCount()") - tensors}


def report(result: dict) -> str:
    right, read = result["right"], result["read"]
    share = sum(right.values()) / (read * len(right))
    javascript = sum(result["javascript"].values()) / 1000
    fastest = min(result["seconds"])
    each = ", ".join(f"{name} {count}/{read}" for name, count in right.items())
    return "\n".join([
        "# Benchmark: teaching the network new symbols",
        "",
        f"Headless Chromium {result['chromium']}. Three symbols taught from {EXAMPLES} drawings each in one hand "
        f"({EXAMPLES * len(right)} examples, each with its varied copies), then {read} new drawings of each in "
        "another hand read on the page.",
        "",
        "| measure | result | target | |",
        "|---|---:|---:|---|",
        f"| new drawings read right | {share:.1%} ({each}) | ≥ {targets.TEACH_READ:.0%} "
        f"| {'met' if share >= targets.TEACH_READ else '**not yet**'} |",
        f"| training on {EXAMPLES * len(right)} examples, fastest of {len(result['seconds'])} "
        f"({', '.join(f'{value:.2f}' for value in result['seconds'])} s) | {fastest:.2f} s "
        f"| ≤ {budgets.TEACH_TRAINING_S} s | {'met' if fastest <= budgets.TEACH_TRAINING_S else '**not yet**'} |",
        f"| JavaScript the page adds to the demo's, gzipped | {javascript:.1f} KB "
        f"| ≤ {budgets.TEACH_JS_GZIP_KB} KB | {'met' if javascript <= budgets.TEACH_JS_GZIP_KB else '**not yet**'} |",
        f"| tensors left after training and reading, beyond the new layer's 2 | {result['tensors_left'] - 2} | 0 "
        f"| {'met' if result['tensors_left'] == 2 else '**not yet**'} |",
        "",
        "No new WebAssembly: training runs on the binary the classifier already loads.",
    ]) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench_teach", description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, default=REPOSITORY / "site", help="the built site (make site)")
    parser.add_argument("--out", type=Path, default=REPOSITORY / "build" / "bench", help="where the report goes")
    args = parser.parse_args(argv)
    if not (args.site / "teach" / "index.html").is_file():
        parser.error(f"no built site in {args.site}: run `make site` first")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as scratch, sync_playwright() as playwright:
        root = Path(scratch)
        (root / SUBPATH).symlink_to(args.site.resolve())  # served under a project subpath, as on Pages
        browser = playwright.chromium.launch(executable_path=system_chromium())
        with serve(root) as base:
            result = {"chromium": browser.version, **measure(browser.new_page(), f"{base}/{SUBPATH}/"),
                      "javascript": own_javascript("teach.js", args.site / "assets" / "bundle")}
        browser.close()
    write_report(args.out, "teach", report(result), result, read_record().model.folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
