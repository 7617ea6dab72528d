"""The MkDocs hooks' helpers."""

from __future__ import annotations

import json

import pytest
from conftest import ROOT
from mkdocs.exceptions import PluginError


def test_markers_are_replaced_and_unknown_ones_fail_the_build(site_hooks):
    assert site_hooks.replace_markers("a [[model_json]] b", {"model_json": "../m.json"}) == "a ../m.json b"
    assert site_hooks.replace_markers("no markers [here]", {}) == "no markers [here]"
    with pytest.raises(PluginError, match=r"Unknown marker \[\[modle_json\]\]; known: model_json"):
        site_hooks.replace_markers("[[modle_json]]", {"model_json": "x"})


def test_only_the_browser_model_and_its_figures_are_published(site_hooks, tmp_path):
    for name in ("tfjs-abc/model.json", "tfjs-abc/group1-shard1of1.bin", "metrics.json", "samples/00001.png",
                 "misclassified/00002.png", "keras/digit_cnn.keras"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    assert site_hooks.published_model_files(tmp_path) == [
        "metrics.json", "misclassified/00002.png", "samples/00001.png",
        "tfjs-abc/group1-shard1of1.bin", "tfjs-abc/model.json",
    ]


def test_a_site_without_a_model_says_how_to_make_one(site_hooks, tmp_path):
    with pytest.raises(PluginError, match="make site"):
        site_hooks.read_metrics(tmp_path)


def test_the_search_dialog_gets_a_name_once(site_hooks):
    material = '<div class="md-search" data-md-component="search" role="dialog">'
    named = site_hooks.name_search_dialog(material)
    assert named == '<div class="md-search" data-md-component="search" role="dialog" aria-label="Search">'
    assert site_hooks.name_search_dialog(named) == named


QA = """
source: {title: T, publisher: P, date: 2018-11-13, url: "https://example.org/post"}
topics:
  - id: cnns
    title: CNNs
    questions:
      - id: why-cnns
        question: Why CNNs?
        answer: |
          Because of **weights**: see [the demo](demo.md) and [[parameters]].

          A second paragraph </script> with `code`.
"""


def test_the_qa_renders_anchored_headings_credit_and_json_ld(site_hooks):
    rendered = site_hooks.render_qa(site_hooks.load_qa(QA), {"parameters": "38,850"})
    assert "## CNNs { #cnns }" in rendered
    assert "### Why CNNs? { #why-cnns }" in rendered
    assert "see [the demo](demo.md) and 38,850." in rendered
    assert "[T](https://example.org/post) (P, 13 November 2018)" in rendered
    script = rendered[rendered.index("<script"):]
    assert "</script>" not in script[:-len("</script>\n")], "the answer cannot close the script early"
    data = json.loads(script[script.index(">") + 1:-len("</script>\n")])
    assert data["@type"] == "FAQPage"
    assert data["mainEntity"] == [{
        "@type": "Question", "name": "Why CNNs?",
        "acceptedAnswer": {"@type": "Answer", "text": "Because of weights: see the demo and 38,850.\n\n"
                                                      "A second paragraph </script> with code."},
    }]


@pytest.mark.parametrize(("broken", "complaint"), [
    (QA.replace("id: cnns", "id: why-cnns"), "repeated"),
    (QA.replace("id: why-cnns", "id: Why_CNNs"), "lower-case"),
    (QA.replace("        answer: |", "        answered: |"), "lacks answer"),
    ("topics: []", "no topics"),
])
def test_a_broken_qa_file_fails_the_build_with_the_reason(site_hooks, broken, complaint):
    with pytest.raises(PluginError, match=complaint):
        site_hooks.load_qa(broken)


def test_the_qa_file_of_the_site_is_valid(site_hooks):
    qa = site_hooks.load_qa((ROOT / "docs" / "qa.yml").read_text(encoding="utf-8"))
    assert sum(len(topic["questions"]) for topic in qa["topics"]) >= 8


def test_the_confusion_matrix_bolds_the_diagonal_and_dots_the_zeros(site_hooks):
    table = site_hooks.confusion_table([[5, 0], [1, 7]], ["0", "1"])
    assert table.splitlines() == [
        "| true ↓ read → | 0 | 1 |",
        "| --- | ---: | ---: |",
        "| **0** | **5** | · |",
        "| **1** | 1 | **7** |",
    ]


def test_preload_links_go_into_the_head(site_hooks):
    links = site_hooks.preload_links({"../a/demo-X.js": "module", "../a/b.wasm": "application/wasm"})
    assert links == ('<link rel="modulepreload" href="../a/demo-X.js">'
                     '<link rel="preload" href="../a/b.wasm" as="fetch" type="application/wasm" crossorigin>')
    assert site_hooks.add_to_head("<head><title>t</title></head><body></body>", "<x>") == \
        "<head><title>t</title><x></head><body></body>"
    with pytest.raises(PluginError, match="no </head>"):
        site_hooks.add_to_head("<body></body>", "<x>")
