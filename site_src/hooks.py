"""MkDocs hooks: bundle the browser code, publish the trained model, and fill in page markers.

Markers are written ``[[name]]`` in the Markdown; an unknown one fails the build.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

ROOT = Path(__file__).resolve().parents[1]
MODEL_DIR = ROOT / "build" / "model"
BUNDLE_DIR = ROOT / "build" / "site_assets"
ESBUILD = ROOT / "site_src" / "node_modules" / "esbuild"
BUNDLER = ROOT / "site_src" / "bundle.mjs"
ENTRY_POINTS = ("site_src/js/main.js", "site_src/css/site.css")
# TF.js's WebAssembly backend loads one of these from beside the bundle: with SIMD where the
# browser has it, plain otherwise. The multi-threaded one needs cross-origin isolation.
WASM_DIR = ROOT / "site_src" / "node_modules" / "@tensorflow" / "tfjs-backend-wasm" / "dist"
WASM_BINARIES = ("tfjs-backend-wasm.wasm", "tfjs-backend-wasm-simd.wasm")
# Where the model lands in the site; the Keras file stays out (it is for re-exports).
MODEL_URL = "model"
PUBLISHED_MODEL_PARTS = ("tfjs-", "metrics.json", "samples/", "misclassified/")
MARKER = re.compile(r"\[\[([a-z_]+)\]\]")
# Material's search overlay is a dialog without a name, which screen readers announce as nothing.
UNNAMED_SEARCH_DIALOG = re.compile(r'(<div class="md-search"[^>]*?role="dialog")(?![^>]*aria-label)')


def published_model_files(model_dir: Path) -> list[str]:
    """The paths under ``model_dir``, relative and sorted, that the site publishes."""
    paths = (path.relative_to(model_dir).as_posix() for path in model_dir.rglob("*") if path.is_file())
    return sorted(path for path in paths if path.startswith(PUBLISHED_MODEL_PARTS))


def replace_markers(markdown: str, values: dict[str, str]) -> str:
    def value(match: re.Match) -> str:
        if match[1] not in values:
            raise PluginError(f"Unknown marker [[{match[1]}]]; known: {', '.join(sorted(values))}.")
        return values[match[1]]

    return MARKER.sub(value, markdown)


def name_search_dialog(html: str) -> str:
    return UNNAMED_SEARCH_DIALOG.sub(r'\1 aria-label="Search"', html)


def model_json_path(model_dir: Path) -> str:
    """The exported model.json relative to the model folder, from the build's metrics."""
    metrics = model_dir / "metrics.json"
    if not metrics.is_file():
        raise PluginError(f"No trained model in {model_dir}: run `make site`, which trains and exports it.")
    return json.loads(metrics.read_text())["model"]["path"]


def bundle(entry_points: tuple[str, ...], out_dir: Path) -> None:
    """Bundle the browser code with esbuild into ``out_dir``, with the wasm binaries beside it."""
    node = shutil.which("node")
    if node is None:
        raise PluginError("Node.js is missing: install Node 20 or newer, then run `make site`.")
    if not ESBUILD.exists():
        raise PluginError("esbuild is missing: run `make site` (or `npm ci` in site_src/).")
    shutil.rmtree(out_dir, ignore_errors=True)  # chunks are named by hash: old ones would pile up
    result = subprocess.run([node, str(BUNDLER), str(out_dir), *entry_points], cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        raise PluginError(f"esbuild failed:\n{result.stderr}")
    for name in WASM_BINARIES:
        shutil.copyfile(WASM_DIR / name, out_dir / name)


def on_pre_build(config: MkDocsConfig) -> None:
    bundle(ENTRY_POINTS, BUNDLE_DIR / "assets" / "bundle")


def on_files(files: Files, config: MkDocsConfig) -> Files:
    model_json_path(MODEL_DIR)  # fails early, with the fix, when there is no model
    for path in published_model_files(MODEL_DIR):
        files.append(File.generated(config, f"{MODEL_URL}/{path}", abs_src_path=str(MODEL_DIR / path)))
    for path in sorted(BUNDLE_DIR.rglob("*")):
        if path.is_file():
            files.append(File.generated(config, path.relative_to(BUNDLE_DIR).as_posix(), abs_src_path=str(path)))
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    model_json = f"{MODEL_URL}/{model_json_path(MODEL_DIR)}"
    return replace_markers(markdown, {"model_json": get_relative_url(model_json, page.url)})


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    return name_search_dialog(output)
