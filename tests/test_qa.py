"""The Q&A: docs/qa.yml checked, rendered with anchors and credit, and described as JSON-LD."""

from __future__ import annotations

import copy
import json

import pytest
from mkdocs.exceptions import PluginError

from model_build.output import REPOSITORY
from site_hooks.qa import load_qa, render_qa

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


def test_the_qa_renders_anchored_headings_credit_and_json_ld():
    qa = load_qa(QA)
    untouched = copy.deepcopy(qa)
    rendered = render_qa(qa, lambda answer: answer.replace("[[parameters]]", "38,850"))
    assert qa == untouched, "rendering leaves its input as it was"
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
def test_a_broken_qa_file_fails_the_build_with_the_reason(broken, complaint):
    with pytest.raises(PluginError, match=complaint):
        load_qa(broken)


def test_the_qa_file_of_the_site_is_valid():
    qa = load_qa((REPOSITORY / "docs" / "qa.yml").read_text(encoding="utf-8"))
    assert sum(len(topic["questions"]) for topic in qa["topics"]) >= 8


OPENING_WORDS = 55  # "at most about 50": the answer to the question asked, before any detail


def test_every_answer_opens_with_a_short_direct_answer():
    qa = load_qa((REPOSITORY / "docs" / "qa.yml").read_text(encoding="utf-8"))
    openings = {question["id"]: question["answer"].strip().split("\n\n")[0]
                for topic in qa["topics"] for question in topic["questions"]}
    long = {name: len(text.split()) for name, text in openings.items() if len(text.split()) > OPENING_WORDS}
    assert not long, f"answers whose first paragraph runs past {OPENING_WORDS} words: {long}"
    assert not [name for name, text in openings.items() if text.startswith(("```", "-", "1.", "|"))], \
        "an answer opens with prose, not a list, table or code"
