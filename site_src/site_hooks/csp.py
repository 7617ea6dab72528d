"""The content security policy every page carries in a <meta>: GitHub Pages sends no headers of a
site's choosing, so the policy has to travel in the page.

Scripts run from the site's own files only. The few inline scripts that may run are the theme's:
each is allowed by its hash, read from the built pages. An inline script in a page's content (a
Markdown page's HTML, a notebook cell's output) is not the theme's, so the build stops and names
it. Every page carries the same policy: Material's instant navigation runs the next page's
inline scripts inside the document the first page opened, under that page's policy.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.exceptions import PluginError

# What only an HTTP header can say (frame-ancestors, reporting) is in the README, for a fork
# served from a host that sets headers.
FIXED_DIRECTIVES = (
    "default-src 'self'",
    "img-src 'self' data: blob:",  # the theme's icons and the notebook's plots are data: URLs; an upload, a blob:
    "font-src 'self'",
    "connect-src 'self'",
    "worker-src 'self'",  # the search index
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'none'",
)
SCRIPT_TYPES = {"", "text/javascript", "application/javascript", "module"}  # others are data, never run
META_NAME = 'http-equiv="Content-Security-Policy"'

_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.DOTALL | re.IGNORECASE)
_STYLE_ELEMENT = re.compile(r"<style\b[^>]*>(.*?)</style\s*>", re.DOTALL | re.IGNORECASE)
_STYLE_ATTRIBUTE = re.compile(r"""<[a-zA-Z][^>]*?\sstyle\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_ATTRIBUTE = re.compile(r"""([a-zA-Z-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
_ARTICLE = re.compile(r"<article\b.*?</article>", re.DOTALL)
_NOTEBOOK_CELL = re.compile(r"""<div\b[^>]*\sclass=["']jp-Cell\b""")


@dataclass
class PolicySources:
    """The hashes of what may run and be styled inline, gathered page by page."""

    scripts: set[str] = field(default_factory=set)
    styles: set[str] = field(default_factory=set)

    def add_page(self, page_html: str, where: str, notebook: bool = False) -> None:
        self.scripts.update(map(source_hash, theme_scripts(page_html, where, notebook)))
        self.styles.update(map(source_hash, inline_styles(page_html)))

    def policy(self) -> str:
        scripts = " ".join(sorted(self.scripts))
        # 'unsafe-hashes' lets a style attribute whose value is one of the hashes apply (the
        # Markdown tables' column alignment); a style set from script is not subject to it.
        styles = " ".join(["'unsafe-hashes'", *sorted(self.styles)]) if self.styles else ""
        return "; ".join([
            FIXED_DIRECTIVES[0],
            f"script-src 'self' 'wasm-unsafe-eval' {scripts}".rstrip(),  # the wasm backend compiles its binary
            f"style-src 'self' {styles}".rstrip(),
            *FIXED_DIRECTIVES[1:],
        ])


def secure_site(site: Path, notebook_pages: set[str]) -> str:
    """Put one policy, allowing every page's theme scripts, into every page of the built ``site``;
    ``notebook_pages`` are the pages (paths in the site) that the notebook renderer made. Returns
    the policy."""
    pages = {path.relative_to(site).as_posix(): path for path in sorted(site.rglob("*.html"))}
    texts = {where: path.read_text(encoding="utf-8") for where, path in pages.items()}
    sources = PolicySources()
    for where, text in texts.items():
        sources.add_page(text, where, notebook=where in notebook_pages)
    policy = sources.policy()
    for where, text in texts.items():
        pages[where].write_text(with_policy(text, policy, where), encoding="utf-8")
    return policy


def source_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def _attributes(tag_attributes: str) -> dict[str, str]:
    return {match[1].lower(): html.unescape(next(v for v in match.groups()[1:] if v is not None))
            for match in _ATTRIBUTE.finditer(tag_attributes)}


def inline_scripts(page_html: str) -> list[str]:
    """The inline scripts a browser would run as it loads the page."""
    found = []
    for match in _SCRIPT.finditer(page_html):
        attributes = _attributes(match[1])
        if "src" not in attributes and attributes.get("type", "").strip().lower() in SCRIPT_TYPES:
            found.append(match[2])
    return found


def content_spans(page_html: str, notebook: bool) -> list[tuple[int, int]]:
    """Where a page's own content is: the <article> the theme wraps it in; on a notebook page,
    only from its first cell on (before it is the notebook template's own code)."""
    spans = []
    for article in _ARTICLE.finditer(page_html):
        start = article.start()
        if notebook and (cell := _NOTEBOOK_CELL.search(page_html, start, article.end())):
            start = cell.start()
        spans.append((start, article.end()))
    return spans


def theme_scripts(page_html: str, where: str, notebook: bool = False) -> list[str]:
    """The inline scripts of a page, all of them the theme's; raises on one in the content."""
    spans = content_spans(page_html, notebook)
    # Any script in the content counts, whatever its type: Material's instant navigation runs
    # each as JavaScript.
    for match in _SCRIPT.finditer(page_html):
        if "src" not in _attributes(match[1]) and any(start <= match.start() < end for start, end in spans):
            excerpt = " ".join(match[2].split())[:60]
            raise PluginError(
                f"{where} has an inline <script> in its content ({excerpt!r} ...). The site's content security "
                "policy runs only the theme's inline scripts: put the code in a module under site_src/js/ "
                "(structured data in the page's head), or clear the notebook cell's output that wrote it.")
    return inline_scripts(page_html)


def inline_styles(page_html: str) -> list[str]:
    """The text of each <style> element and the value of each style attribute."""
    elements = [match[1] for match in _STYLE_ELEMENT.finditer(page_html)]
    attributes = [html.unescape(match[1] if match[1] is not None else match[2])
                  for match in _STYLE_ATTRIBUTE.finditer(page_html)]
    return elements + attributes


def with_policy(page_html: str, policy: str, where: str) -> str:
    """The page with the policy as the first thing after its character set, before any script
    or style it governs."""
    if META_NAME in page_html:
        raise PluginError(f"{where} has a content security policy already.")
    charset = re.search(r"<meta\s+charset=[^>]*>", page_html, re.IGNORECASE)
    if not charset:
        raise PluginError(f"{where} has no <meta charset> to put the content security policy after.")
    # Quotes are the policy's own single ones, which a double-quoted attribute keeps as they are.
    meta = f'<meta {META_NAME} content="{html.escape(policy, quote=False)}">'
    return page_html[: charset.end()] + meta + page_html[charset.end():]
