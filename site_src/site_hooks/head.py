"""The page head: links that start fetching what a page will ask for later.

A page names what it preloads in its front matter (``preload: [demo.js, wasm, model]``); the
hooks know where each of those is in the built site.
"""

from __future__ import annotations

import re

from mkdocs.exceptions import PluginError
from mkdocs.utils import get_relative_url

_STRUCTURED_DATA = re.compile(r'<script type="application/ld\+json">.*?</script>\n?', re.DOTALL)

# kind "module": a JavaScript chunk, preloaded as a module; anything else is the MIME type of a
# file that the page will fetch().
Preloads = dict[str, str]  # site path -> kind


def preloads_for(names: list[str], available: dict[str, Preloads], page_url: str) -> Preloads:
    """The files behind the names a page asked for, as addresses relative to the page."""
    if unknown := [name for name in names if name not in available]:
        raise PluginError(f"The page {page_url or 'index'} asks to preload {', '.join(unknown)}; "
                          f"known: {', '.join(sorted(available))}.")
    return {get_relative_url(path, page_url): kind for name in names for path, kind in available[name].items()}


def preload_links(urls: Preloads) -> str:
    """<link> elements: module chunks by modulepreload, other files (as fetch() will ask for them)
    by preload."""
    links = []
    for url, kind in urls.items():
        if kind == "module":
            links.append(f'<link rel="modulepreload" href="{url}">')
        else:
            links.append(f'<link rel="preload" href="{url}" as="fetch" type="{kind}" crossorigin>')
    return "".join(links)


def add_to_head(page_html: str, markup: str) -> str:
    if "</head>" not in page_html:
        raise PluginError("The page has no </head> to add the preload links to.")
    return page_html.replace("</head>", markup + "</head>", 1)


def structured_data_to_head(page_html: str) -> str:
    """The page with its JSON-LD blocks moved from the body into the head. Material's instant
    navigation runs every script of the next page's content as JavaScript, whatever its type; in
    the head, structured data stays data."""
    blocks = _STRUCTURED_DATA.findall(page_html)
    if not blocks:
        return page_html
    return add_to_head(_STRUCTURED_DATA.sub("", page_html), "".join(block.rstrip("\n") for block in blocks))
