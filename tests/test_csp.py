"""The content security policy's helpers, on small pages shaped like the theme's."""

from __future__ import annotations

import base64
import hashlib

import pytest
from mkdocs.exceptions import PluginError

from site_hooks.csp import PolicySources, inline_scripts, inline_styles, secure_site, source_hash, with_policy

THEME = '__md_scope=new URL(".",location)'
PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>t</title>
<script>THEME</script><script id="__config" type="application/json">{"base": "."}</script>
<script src="assets/main.js" type="module"></script></head>
<body><article class="md-content__inner">CONTENT</article>
<script>var target=1</script></body></html>""".replace("THEME", THEME)


def themed(content: str) -> str:
    return PAGE.replace("CONTENT", content)


NOTEBOOK = """<article><div class="jupyter-wrapper"><script>customElements.define('clipboard-copy', X)</script>
<div class="jp-Cell jp-CodeCell">{cell}</div></div></article>"""


def test_a_hash_is_the_one_a_browser_computes():
    assert source_hash("") == "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
    assert source_hash("é") == "'sha256-" + base64.b64encode(hashlib.sha256("é".encode()).digest()).decode() + "'"


def test_only_scripts_that_run_are_inline_scripts():
    markup = themed('<script type="application/ld+json">{}</script><script type="text/x-mathjax-config">'
                               "x</script><script type=module>go()</script>")
    assert inline_scripts(markup) == [THEME, "go()", "var target=1"]


def test_the_theme_scripts_are_allowed_by_their_hashes_and_nothing_inline_else():
    sources = PolicySources()
    sources.add_page(themed("<p>prose</p>"), "index.html")
    policy = sources.policy()
    hashes = " ".join(sorted([source_hash(THEME), source_hash("var target=1")]))
    assert f"script-src 'self' 'wasm-unsafe-eval' {hashes};" in policy
    directives = dict(part.split(" ", 1) for part in policy.split("; "))
    assert directives["default-src"] == "'self'" and directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'self'" and directives["form-action"] == "'none'"
    assert directives["style-src"] == "'self'", "no inline style on the page, none allowed"
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy


def test_a_script_in_a_pages_content_stops_the_build_naming_the_page():
    with pytest.raises(PluginError, match=r"qa/index.html has an inline <script> in its content \('steal\(\)' ..."
                                          r".*site_src/js/"):
        PolicySources().add_page(themed("<p>x</p><script>steal()</script>"), "qa/index.html")


def test_data_in_a_pages_content_is_refused_too_as_instant_navigation_would_run_it():
    with pytest.raises(PluginError, match=r"qa/index.html has an inline <script>.*structured data in the page's head"):
        PolicySources().add_page(themed('<script type="application/ld+json">{"@type": "FAQPage"}</script>'),
                                 "qa/index.html")


def test_a_notebook_template_script_is_the_themes_but_a_cells_output_is_not():
    sources = PolicySources()
    sources.add_page(themed(NOTEBOOK.format(cell="<pre>1</pre>")), "notebook/index.html", notebook=True)
    assert source_hash("customElements.define('clipboard-copy', X)") in sources.scripts
    with pytest.raises(PluginError, match="clear the notebook cell's output"):
        sources.add_page(themed(NOTEBOOK.format(cell="<script>plot()</script>")), "notebook/index.html",
                         notebook=True)
    with pytest.raises(PluginError, match="in its content"):  # the same markup on a Markdown page
        PolicySources().add_page(themed(NOTEBOOK.format(cell="")), "page/index.html")


def test_inline_styles_are_allowed_by_hash_as_the_browser_reads_them():
    markup = themed('<td style="text-align: right;">1</td><p style=\'font: &quot;a&quot;\'></p>'
                               "<style>p{}</style>")
    assert sorted(inline_styles(markup)) == sorted(["text-align: right;", 'font: "a"', "p{}"])
    sources = PolicySources()
    sources.add_page(markup, "model/index.html")
    assert "style-src 'self' 'unsafe-hashes' " + " ".join(sorted(map(source_hash, inline_styles(markup)))) + ";" \
        in sources.policy()


def test_the_policy_comes_first_after_the_character_set():
    page = with_policy(themed(""), "default-src 'self'; img-src 'self' data:", "index.html")
    meta = ('<meta http-equiv="Content-Security-Policy" '
            'content="default-src \'self\'; img-src \'self\' data:">')
    assert page.index('<meta charset="utf-8">' + meta) < page.index("<script")
    with pytest.raises(PluginError, match="index.html has a content security policy already"):
        with_policy(page, "default-src 'none'", "index.html")
    with pytest.raises(PluginError, match="no <meta charset>"):
        with_policy("<html><head></head></html>", "default-src 'none'", "index.html")


def test_every_page_of_a_site_gets_one_policy_for_all(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "index.html").write_text(themed(""), encoding="utf-8")
    (tmp_path / "a" / "index.html").write_text(themed("").replace(THEME, "other()"), encoding="utf-8")
    policy = secure_site(tmp_path, notebook_pages=set())
    assert source_hash(THEME) in policy and source_hash("other()") in policy
    for page in (tmp_path / "index.html", tmp_path / "a" / "index.html"):
        assert page.read_text(encoding="utf-8").count("Content-Security-Policy") == 1
