"""The page head: preload links for what a page names in its front matter."""

from __future__ import annotations

import pytest
from mkdocs.exceptions import PluginError

from site_hooks.head import add_to_head, preload_links, preloads_for, structured_data_to_head

AVAILABLE = {
    "demo.js": {"assets/bundle/demo-X.js": "module", "assets/bundle/chunk-Y.js": "module"},
    "wasm": {"assets/bundle/b.wasm": "application/wasm"},
}


def test_a_page_preloads_what_it_names_relative_to_itself():
    assert preloads_for(["demo.js", "wasm"], AVAILABLE, "demo/") == {
        "../assets/bundle/demo-X.js": "module", "../assets/bundle/chunk-Y.js": "module",
        "../assets/bundle/b.wasm": "application/wasm",
    }
    with pytest.raises(PluginError, match="asks to preload modle; known: demo.js, wasm"):
        preloads_for(["modle"], AVAILABLE, "demo/")


def test_preload_links_go_into_the_head():
    links = preload_links({"../a/demo-X.js": "module", "../a/b.wasm": "application/wasm"})
    assert links == ('<link rel="modulepreload" href="../a/demo-X.js">'
                     '<link rel="preload" href="../a/b.wasm" as="fetch" type="application/wasm" crossorigin>')
    assert add_to_head("<head><title>t</title></head><body></body>", "<x>") == \
        "<head><title>t</title><x></head><body></body>"
    with pytest.raises(PluginError, match="no </head>"):
        add_to_head("<body></body>", "<x>")


def test_structured_data_moves_into_the_head():
    block = '<script type="application/ld+json">{"@type": "FAQPage"}</script>'
    page = f"<head><title>t</title></head><body><article><p>x</p>{block}\n</article></body>"
    moved = f"<head><title>t</title>{block}</head><body><article><p>x</p></article></body>"
    assert structured_data_to_head(page) == moved
    assert structured_data_to_head("<head></head><body></body>") == "<head></head><body></body>"
