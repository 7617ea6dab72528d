"""The MkDocs hooks' helpers."""

from __future__ import annotations

import pytest
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
        site_hooks.model_json_path(tmp_path)


def test_the_search_dialog_gets_a_name_once(site_hooks):
    material = '<div class="md-search" data-md-component="search" role="dialog">'
    named = site_hooks.name_search_dialog(material)
    assert named == '<div class="md-search" data-md-component="search" role="dialog" aria-label="Search">'
    assert site_hooks.name_search_dialog(named) == named
