"""The browser bundle: site_src/js and site_src/css bundled by esbuild (site_src/bundle.mjs), with
the WebAssembly binaries TF.js loads from beside it.

The bundle is rebuilt only when its inputs change: the sources, the bundler script and the
locked npm packages. esbuild's metafile tells which chunks each module became, so that a page
can preload them by the module's name.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from mkdocs.exceptions import PluginError

from model_build.output import REPOSITORY

SITE_SRC = REPOSITORY / "site_src"
DEFAULT_DIR = REPOSITORY / "build" / "bundle"
ENTRY_POINTS = ("site_src/js/main.js", "site_src/css/site.css")
BUNDLER = SITE_SRC / "bundle.mjs"
ESBUILD = SITE_SRC / "node_modules" / "esbuild"
# Besides the sources, what the bundle's content depends on.
INPUT_FILES = (BUNDLER, SITE_SRC / "package-lock.json")
INPUT_FOLDERS = (SITE_SRC / "js", SITE_SRC / "css")
# TF.js's WebAssembly backend loads one of these from beside the bundle: with SIMD where the
# browser has it, plain otherwise. The multi-threaded one needs cross-origin isolation.
WASM_DIR = SITE_SRC / "node_modules" / "@tensorflow" / "tfjs-backend-wasm" / "dist"
WASM_SIMD = "tfjs-backend-wasm-simd.wasm"
WASM_BINARIES = ("tfjs-backend-wasm.wasm", WASM_SIMD)


@dataclass(frozen=True)
class Bundle:
    files: Path  # the folder to publish
    # A module's name (demo.js) -> the files that load when it is imported: its own chunk first,
    # then the chunks it imports, relative to ``files``.
    chunks: dict[str, tuple[str, ...]]

    def published(self) -> list[str]:
        return sorted(path.relative_to(self.files).as_posix() for path in self.files.rglob("*") if path.is_file())


def inputs_key(entry_points: tuple[str, ...]) -> str:
    digest = hashlib.sha256("\0".join(entry_points).encode())
    paths = [*INPUT_FILES, *(path for folder in INPUT_FOLDERS for path in sorted(folder.rglob("*")) if path.is_file())]
    for path in paths:
        digest.update(path.relative_to(REPOSITORY).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def build_bundle(entry_points: tuple[str, ...] = ENTRY_POINTS, out: Path = DEFAULT_DIR) -> Bundle:
    """Bundle ``entry_points`` (paths from the repository's root) into ``out``/files, unless
    ``out`` already holds a bundle of the same inputs."""
    key = inputs_key(entry_points)
    stamp = out / "inputs.sha256"
    if not (stamp.is_file() and stamp.read_text() == key):
        run_esbuild(entry_points, out)
        stamp.write_text(key)  # last: an interrupted bundle is made again next time
    metafile = json.loads((out / "meta.json").read_text())
    return Bundle(out / "files", module_chunks(metafile, (out / "files").resolve()))


def run_esbuild(entry_points: tuple[str, ...], out: Path) -> None:
    node = shutil.which("node")
    if node is None:
        raise PluginError("Node.js is missing: install Node 20 or newer, then run `make site`.")
    if not ESBUILD.exists():
        raise PluginError("esbuild is missing: run `make site` (or `npm ci` in site_src/).")
    shutil.rmtree(out, ignore_errors=True)  # chunks are named by hash: old ones would pile up
    out.mkdir(parents=True)
    result = subprocess.run([node, str(BUNDLER), str(out / "files"), str(out / "meta.json"), *entry_points],
                            cwd=REPOSITORY, capture_output=True, text=True)
    if result.returncode != 0:
        raise PluginError(f"esbuild failed:\n{result.stderr}")
    for name in WASM_BINARIES:
        shutil.copyfile(WASM_DIR / name, out / "files" / name)


def module_chunks(metafile: dict, files: Path) -> dict[str, tuple[str, ...]]:
    """From esbuild's metafile: each entry point's or dynamically imported module's chunk, and the
    chunks it imports in turn, by the module's file name."""
    outputs = metafile["outputs"]

    def relative(output: str) -> str:
        return (REPOSITORY / output).resolve().relative_to(files).as_posix()

    chunks = {}
    for output, description in outputs.items():
        if "entryPoint" not in description:
            continue
        loaded, waiting = [], [output]
        while waiting:
            current = waiting.pop(0)
            if current not in loaded:
                loaded.append(current)
                waiting += [each["path"] for each in outputs[current]["imports"] if each["kind"] == "import-statement"]
        chunks[Path(description["entryPoint"]).name] = tuple(map(relative, loaded))
    return chunks
