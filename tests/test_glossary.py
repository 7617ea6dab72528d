"""The glossary: its definition list read into plain-text definitions, and every page given them
as abbreviations."""

import markdown
import pytest
from mkdocs.exceptions import PluginError

from model_build.output import REPOSITORY
from site_hooks.glossary import (
    first_occurrences_only,
    forms,
    load_glossary,
    with_abbreviations,
    with_abbreviations_in_html,
)

GLOSSARY = """# Glossary

Words, defined once.

## Layers

ReLU
:   Rectified linear unit, max(0, x): see [the model](model.md).

feature map
:   What one *filter* makes of its input,
    bright where the input looks like its pattern.
"""


def test_the_definition_list_is_read_as_plain_text_definitions():
    assert load_glossary(GLOSSARY) == {
        "ReLU": "Rectified linear unit, max(0, x): see the model.",
        "feature map": "What one filter makes of its input, bright where the input looks like its pattern.",
    }


def test_a_term_takes_its_forms_in_running_text():
    assert forms("feature map") == ["feature map", "Feature map", "feature maps", "Feature maps"]
    assert forms("ReLU") == ["ReLU", "ReLUs"]
    assert forms("logits") == ["logits", "Logits"]


@pytest.mark.parametrize(("broken", "complaint"), [
    (GLOSSARY + "\nReLU\n:   Again.\n", "defined twice"),
    ("# Glossary\n\n:   A definition of nothing.\n", "without a term"),
    ("# Glossary\n\nJust prose.\n", "no definitions"),
])
def test_a_broken_glossary_fails_the_build_with_the_reason(broken, complaint):
    with pytest.raises(PluginError, match=complaint):
        load_glossary(broken)


def test_a_page_shows_each_word_of_the_glossary_with_its_definition():
    page = with_abbreviations("Feature maps go through ReLU, and so does a reluctant one.", load_glossary(GLOSSARY))
    html = markdown.markdown(page, extensions=["abbr"])
    assert '<abbr title="What one filter makes of its input, bright where the input looks like its pattern.">' \
           'Feature maps</abbr>' in html
    assert '<abbr title="Rectified linear unit, max(0, x): see the model.">ReLU</abbr>' in html
    assert "reluctant" in html and html.count("<abbr") == 2, "whole words only"
    assert "*[" not in html, "the definitions themselves are not shown"


def test_a_word_is_marked_where_it_first_appears_only():
    page = with_abbreviations("ReLU, then feature maps.\n\nA feature map; ReLU again, and ReLU.",
                              load_glossary(GLOSSARY))
    html = first_occurrences_only(markdown.markdown(page, extensions=["abbr"]))
    assert html.count("<abbr") == 2, html
    assert '<abbr title="Rectified linear unit, max(0, x): see the model.">ReLU</abbr>, then' in html
    assert ">feature maps</abbr>." in html, "a term's first form is the one marked"
    assert "<p>A feature map; ReLU again, and ReLU.</p>" in html, "later forms of it are plain text"


NOTEBOOK_PAGE = """<style>.cell>p { content: "ReLU"; }</style>
<div class="jp-Cell jp-MarkdownCell"><div class="jp-RenderedMarkdown other">
<h1 id="x">Feature maps<a class="anchor-link" href="#x">¶</a></h1><p>A <em>feature map</em> &amp; ReLU,
then <code>ReLU</code> in code;<br>feature maps again.</p></div></div>
<div class="jp-CodeCell"><pre>feature map = relu(x)  # ReLU</pre><p>ReLU</p></div>
<script>if (a<b) { label = "ReLU"; }</script><!-- feature map -->"""


def test_a_notebook_page_marks_the_words_of_its_markdown_cells_only():
    glossary = load_glossary(GLOSSARY)
    page = with_abbreviations_in_html(NOTEBOOK_PAGE, glossary, "jp-RenderedMarkdown")
    feature_map = '<abbr title="What one filter makes of its input, bright where the input looks like its pattern.">'
    assert f"<h1 id=\"x\">{feature_map}Feature maps</abbr><a" in page, "headings, as the abbr extension does"
    assert f"<em>{feature_map}feature map</abbr></em> &amp; " in page
    assert '<abbr title="Rectified linear unit, max(0, x): see the model.">ReLU</abbr>,' in page
    assert "<code>ReLU</code>" in page, "never in code"
    assert page.count("<abbr") == 4, "in the Markdown cell only: not its code, the code cell, styles or scripts"
    unmarked = page
    for title in {*glossary.values()}:
        unmarked = unmarked.replace(f'<abbr title="{title}">', "")
    assert unmarked.replace("</abbr>", "") == NOTEBOOK_PAGE, "every tag and all other text as it was"
    assert first_occurrences_only(page).count("<abbr") == 2


def test_the_site_glossary_defines_the_layers_the_model_uses():
    glossary = load_glossary((REPOSITORY / "docs" / "glossary.md").read_text(encoding="utf-8"))
    assert {"ReLU", "batch normalisation", "dropout", "flatten", "dense layer", "logits", "softmax",
            "receptive field"} <= glossary.keys()
    assert all(len(definition.split()) <= 45 for definition in glossary.values()), "a tooltip, not an essay"
