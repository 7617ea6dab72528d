"""The browser bundle: made by esbuild only when its inputs change; chunks found from its metafile."""

from __future__ import annotations

import pytest

from site_hooks import bundle
from site_hooks.bundle import build_bundle, inputs_key, module_chunks

METAFILE = {"outputs": {
    "build/b/files/main.js": {"entryPoint": "site_src/js/main.js", "imports": [
        {"path": "build/b/files/chunk-A.js", "kind": "import-statement"},
        {"path": "build/b/files/demo-B.js", "kind": "dynamic-import"}]},
    "build/b/files/demo-B.js": {"entryPoint": "site_src/js/demo.js", "imports": [
        {"path": "build/b/files/chunk-A.js", "kind": "import-statement"},
        {"path": "build/b/files/chunk-C.js", "kind": "import-statement"}]},
    "build/b/files/chunk-A.js": {"imports": []},
    "build/b/files/chunk-C.js": {"imports": [{"path": "build/b/files/chunk-A.js", "kind": "import-statement"}]},
    "build/b/files/site.css": {"entryPoint": "site_src/css/site.css", "imports": [
        {"path": "build/b/files/fonts/k.woff2", "kind": "url-token"}]},
}}


def test_each_module_loads_its_chunk_then_what_it_imports():
    chunks = module_chunks(METAFILE, bundle.REPOSITORY / "build" / "b" / "files")
    assert chunks == {"main.js": ("main.js", "chunk-A.js"), "demo.js": ("demo-B.js", "chunk-A.js", "chunk-C.js"),
                      "site.css": ("site.css",)}


def test_the_bundle_is_made_again_only_when_its_inputs_change(tmp_path, monkeypatch):
    entry = ("site_src/js/preprocess.js",)
    made = build_bundle(entry, tmp_path)
    assert made.chunks == {"preprocess.js": ("preprocess.js",)}
    assert {"preprocess.js", bundle.WASM_SIMD} <= set(made.published())

    def fail(*args):
        raise AssertionError("esbuild ran again")

    with monkeypatch.context() as patched:
        patched.setattr(bundle, "run_esbuild", fail)
        assert build_bundle(entry, tmp_path) == made
        (tmp_path / "inputs.sha256").write_text("inputs of another time")
        with pytest.raises(AssertionError, match="esbuild ran again"):
            build_bundle(entry, tmp_path)
    assert inputs_key(entry) != inputs_key(("site_src/js/main.js",))
