"""Tools for working on the site: the page benchmark, the README's screenshot, and what they and
the tests share (a Chromium for Playwright, a static server, pen strokes traced from MNIST)."""
