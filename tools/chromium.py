"""Which Chromium the browser tests drive: $CHROMIUM_PATH, a system Chromium, or Playwright's own.

Run as a script, it exits 1 when none is there (the Makefile then installs one).
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

SYSTEM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def system_chromium() -> str | None:
    """A Chromium the machine has, or None to let Playwright use the browser it downloaded."""
    if explicit := os.environ.get("CHROMIUM_PATH"):
        return explicit
    return next((path for name in SYSTEM_NAMES if (path := shutil.which(name))), None)


def playwright_chromium() -> str | None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        path = playwright.chromium.executable_path
    return path if Path(path).exists() else None


if __name__ == "__main__":
    found = system_chromium() or playwright_chromium()
    print(f"Chromium for the browser tests: {found or 'none found'}")
    sys.exit(0 if found else 1)
