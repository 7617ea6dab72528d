"""Page markers: filled in from the record and the Q&A, relative to each page; unknown ones fail."""

from __future__ import annotations

import pytest
from mkdocs.exceptions import PluginError
from sample_record import sample_record

from site_hooks.markers import fill_page, replace_markers
from site_hooks.qa import load_qa

QA = load_qa("""
source: {title: T, publisher: P, date: 2018-11-13, url: "https://example.org/post"}
topics:
  - id: cnns
    title: CNNs
    questions:
      - {id: size, question: "How big?", answer: "[[parameters]] parameters."}
""")


def test_markers_are_replaced_and_unknown_ones_fail_the_build():
    assert replace_markers("a [[model_json]] b", {"model_json": "../m.json"}) == "a ../m.json b"
    assert replace_markers("no markers [here]", {}) == "no markers [here]"
    with pytest.raises(PluginError, match=r"Unknown marker \[\[modle_json\]\]; known: model_json"):
        replace_markers("[[modle_json]]", {"model_json": "x"})


def test_an_escaped_marker_is_shown_as_written():
    assert replace_markers(r"write `\[[test_accuracy]]` for [[test_accuracy]]", {"test_accuracy": "99%"}) \
        == "write `[[test_accuracy]]` for 99%"
    assert replace_markers(r"\[[no_such_marker]]", {}) == "[[no_such_marker]]", "an escaped name need not exist"


def test_a_page_gets_the_build_s_files_relative_to_itself():
    record = sample_record()
    assert fill_page("[[model_json]]", "", record, QA) == "model/tfjs-0123456789ab/model.json"
    assert fill_page("[[model_json]]", "concepts/pooling/", record, QA) == "../../model/tfjs-0123456789ab/model.json"


def test_the_qa_answers_get_their_markers_filled():
    page = fill_page("# Q&A\n\n[[qa]]", "qa/", sample_record(), QA)
    assert "### How big? { #size }\n\n5,258 parameters." in page
    assert '"text": "5,258 parameters."' in page
