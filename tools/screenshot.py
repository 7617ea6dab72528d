"""python -m tools.screenshot: the README's picture of the demo, drawn as a visitor would draw it.

Serves the built site, replays an MNIST test digit on the drawing pad in headless Chromium and
saves the classifier's part of the page to docs/assets/demo.png.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from model_build.output import REPOSITORY
from tools.chromium import system_chromium
from tools.handwriting import replay
from tools.static_server import serve

DIGIT = 0  # the first MNIST test digit, a 7


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.screenshot", description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, default=REPOSITORY / "site", help="the built site (make site)")
    parser.add_argument("--out", type=Path, default=REPOSITORY / "docs" / "assets" / "demo.png")
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
        replay(page, digit)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        page.locator("#digit-classifier").screenshot(path=args.out)
        browser.close()
    print(f"Wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
