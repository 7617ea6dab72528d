"""The MkDocs hooks' helpers."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("site_hooks", ROOT / "site_src" / "hooks.py")
hooks = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(hooks)


def test_markers_are_replaced_and_unknown_ones_fail_the_build():
    assert hooks.replace_markers("a [[model_json]] b", {"model_json": "../m.json"}) == "a ../m.json b"
    assert hooks.replace_markers("no markers [here]", {}) == "no markers [here]"
    with pytest.raises(PluginError, match=r"Unknown marker \[\[modle_json\]\]; known: model_json"):
        hooks.replace_markers("[[modle_json]]", {"model_json": "x"})


def test_only_the_browser_model_and_its_figures_are_published(tmp_path):
    for name in ("tfjs-abc/model.json", "tfjs-abc/group1-shard1of1.bin", "metrics.json", "samples/00001.png",
                 "misclassified/00002.png", "keras/digit_cnn.keras"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    assert hooks.published_model_files(tmp_path) == [
        "metrics.json", "misclassified/00002.png", "samples/00001.png",
        "tfjs-abc/group1-shard1of1.bin", "tfjs-abc/model.json",
    ]


def test_a_site_without_a_model_says_how_to_make_one(tmp_path):
    with pytest.raises(PluginError, match="make site"):
        hooks.model_json_path(tmp_path)
