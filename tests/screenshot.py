"""python -m tests.screenshot: the README's picture of the demo, drawn as a visitor would draw it.

Serves the built site, replays an MNIST test digit on the drawing pad in headless Chromium and
saves the classifier's part of the page to docs/assets/demo.png.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tests.chromium import system_chromium
from tests.handwriting import draw, traced_digit
from tests.static_server import serve

ROOT = Path(__file__).resolve().parents[1]
DIGIT = 0  # the first MNIST test digit, a 7


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.screenshot", description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, default=ROOT / "site", help="the built site (make site)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "assets" / "demo.png")
    args = parser.parse_args(argv)
    if not (args.site / "demo" / "index.html").is_file():
        parser.error(f"no built site in {args.site}: run `make site` first")

    from playwright.sync_api import sync_playwright

    from model_build.data import load_mnist

    digit = load_mnist().x_test[DIGIT]
    with serve(args.site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=system_chromium())
        page = browser.new_page(viewport={"width": 1100, "height": 900}, device_scale_factor=1)
        page.goto(f"{base}/demo/")
        page.wait_for_function("document.getElementById('digit-classifier').dataset.state === 'ready'")
        draw(page, traced_digit(digit))
        args.out.parent.mkdir(parents=True, exist_ok=True)
        page.locator("#digit-classifier").screenshot(path=args.out)
        browser.close()
    print(f"Wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
