"""python -m tools.screenshot: the README's picture of the demo, drawn as a visitor would draw it;
with --explorers, a phone's view of each explorer.

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


# The explorers, each on its page, as a phone shows them after the visitor drew the same digit.
EXPLORERS = {"why-map": "demo/", "conv-explorer": "concepts/convolution/", "pool-explorer": "concepts/pooling/",
             "softmax-explorer": "concepts/softmax/", "shift-explorer": "concepts/volumes/"}
PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


def ready(page, element_id: str) -> None:
    page.wait_for_function("(id) => document.getElementById(id).dataset.state === 'ready'", arg=element_id)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.screenshot", description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, default=REPOSITORY / "site", help="the built site (make site)")
    parser.add_argument("--out", type=Path, default=REPOSITORY / "docs" / "assets" / "demo.png")
    parser.add_argument("--explorers", type=Path, metavar="FOLDER",
                        help="instead, a phone's view of each explorer, one PNG each, into FOLDER")
    args = parser.parse_args(argv)
    if not (args.site / "demo" / "index.html").is_file():
        parser.error(f"no built site in {args.site}: run `make site` first")

    from playwright.sync_api import sync_playwright

    from model_build.data import load_mnist

    digit = load_mnist().x_test[DIGIT]
    with serve(args.site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=system_chromium())
        if args.explorers:
            page = browser.new_page(**PHONE)
            page.goto(f"{base}/demo/")
            ready(page, "digit-classifier")
            page.get_by_text("Look inside the network").click()
            replay(page, digit)  # the explorers start from the visitor's last drawing
            args.explorers.mkdir(parents=True, exist_ok=True)
            for element_id, address in EXPLORERS.items():
                if page.url != f"{base}/{address}":
                    page.goto(f"{base}/{address}")
                ready(page, element_id)
                page.locator(f"#{element_id}").screenshot(path=args.explorers / f"{element_id}.png")
            print(f"Wrote {len(EXPLORERS)} pictures into {args.explorers}")
        else:
            page = browser.new_page(viewport={"width": 1100, "height": 900}, device_scale_factor=1)
            page.goto(f"{base}/demo/")
            ready(page, "digit-classifier")
            replay(page, digit)
            args.out.parent.mkdir(parents=True, exist_ok=True)
            page.locator("#digit-classifier").screenshot(path=args.out)
            print(f"Wrote {args.out}")
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
