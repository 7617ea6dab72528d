"""MkDocs hooks: bundle the browser code, publish the trained model, and fill in page markers.

Markers are written ``[[name]]`` in the Markdown and filled in from the build (the model's
metrics, the Q&A in docs/qa.yml); an unknown one fails the build. The helpers are pure
text-to-text functions; the ``on_*`` functions at the end feed them.
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import os
import re
import shutil
import subprocess
from pathlib import Path

import yaml
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

log = logging.getLogger("mkdocs.hooks.cnn_qa")
ROOT = Path(__file__).resolve().parents[1]
MODEL_DIR = ROOT / "build" / "model"
BUNDLE_DIR = ROOT / "build" / "site_assets"
BUNDLE_URL = "assets/bundle"  # where the bundle lands in the site, below BUNDLE_DIR
ESBUILD = ROOT / "site_src" / "node_modules" / "esbuild"
BUNDLER = ROOT / "site_src" / "bundle.mjs"
ENTRY_POINTS = ("site_src/js/main.js", "site_src/css/site.css")
# TF.js's WebAssembly backend loads one of these from beside the bundle: with SIMD where the
# browser has it, plain otherwise. The multi-threaded one needs cross-origin isolation.
WASM_DIR = ROOT / "site_src" / "node_modules" / "@tensorflow" / "tfjs-backend-wasm" / "dist"
WASM_SIMD = "tfjs-backend-wasm-simd.wasm"
WASM_BINARIES = ("tfjs-backend-wasm.wasm", WASM_SIMD)
# Where the model lands in the site; the Keras file stays out (it is for re-exports).
MODEL_URL = "model"
PUBLISHED_MODEL_PARTS = ("tfjs-", "metrics.json", "samples/", "misclassified/", "figures/")
QA_FILE = "qa.yml"
# The notebook is kept without outputs in docs/; the build runs it into build/notebook/ when it
# or the model changed, and the site shows that copy.
NOTEBOOK = "notebook.ipynb"
NOTEBOOK_DIR = ROOT / "build" / "notebook"
NOTEBOOK_TIMEOUT = 900  # seconds per cell
MARKER = re.compile(r"\[\[([a-z_]+)\]\]")
# Material's search overlay is a dialog without a name, which screen readers announce as nothing.
UNNAMED_SEARCH_DIALOG = re.compile(r'(<div class="md-search"[^>]*?role="dialog")(?![^>]*aria-label)')


# --- Markers -------------------------------------------------------------------------------------

def replace_markers(markdown: str, values: dict[str, str]) -> str:
    def value(match: re.Match) -> str:
        if match[1] not in values:
            raise PluginError(f"Unknown marker [[{match[1]}]]; known: {', '.join(sorted(values))}.")
        return values[match[1]]

    return MARKER.sub(value, markdown)


def markdown_table(header: list[str], rows: list[list[str]], align: list[str]) -> str:
    """A Markdown table; ``align`` holds 'l' or 'r' per column."""
    rule = ["---:" if side == "r" else "---" for side in align]
    lines = [header, rule, *rows]
    return "\n".join("| " + " | ".join(cells) + " |" for cells in lines) + "\n"


def layer_table(layers: list[dict]) -> str:
    rows = [[f"`{layer['name']}`", layer["type"], " × ".join(map(str, layer["output_shape"])),
             f"{layer['parameters']:,}"] for layer in layers]
    return markdown_table(["layer", "type", "output (height × width × depth)", "parameters"], rows,
                          ["l", "l", "l", "r"])


def confusion_table(matrix: list[list[int]], class_names: list[str]) -> str:
    """Rows are the true digits, columns what the model read; the diagonal is in bold."""
    rows = [[f"**{name}**", *(f"**{count}**" if i == j else (str(count) if count else "·")
                              for j, count in enumerate(row))]
            for i, (name, row) in enumerate(zip(class_names, matrix, strict=True))]
    return markdown_table(["true ↓ read →", *class_names], rows, ["l"] + ["r"] * len(class_names))


def history_table(history: dict) -> str:
    rows = [[str(epoch + 1), f"{loss:.4f}", f"{accuracy:.2%}", f"{val_loss:.4f}", f"{val_accuracy:.2%}"]
            for epoch, (loss, accuracy, val_loss, val_accuracy) in enumerate(zip(
                history["loss"], history["accuracy"], history["val_loss"], history["val_accuracy"], strict=True))]
    return markdown_table(["epoch", "training loss", "training accuracy", "validation loss", "validation accuracy"],
                          rows, ["r"] * 5)


def per_class_table(per_class: dict[str, float], matrix: list[list[int]]) -> str:
    rows = [[name, f"{sum(matrix[i]):,}", f"{sum(matrix[i]) - matrix[i][i]}", f"{accuracy:.2%}"]
            for i, (name, accuracy) in enumerate(per_class.items())]
    return markdown_table(["digit", "test images", "errors", "accuracy"], rows, ["l", "r", "r", "r"])


def quantization_table(candidates: list[dict], chosen: str) -> str:
    rows = [[f"**{c['quantization']}** (published)" if c["quantization"] == chosen else c["quantization"],
             f"{c['test_accuracy']:.2%}", f"{c['weights_gzip_bytes'] / 1000:.1f} KB"] for c in candidates]
    return markdown_table(["weights", "test accuracy", "size, gzipped"], rows, ["l", "r", "r"])


def digit_gallery(records: list[dict], image_url) -> str:
    """Test digits as a row of small captioned figures; ``image_url`` maps a model path to a URL."""
    figures = []
    for record in records:
        read = f"read {record['prediction']} ({record['confidence']:.0%})"
        caption = f"{record['label']}: {read}" if record["label"] != record["prediction"] else read
        figures.append(f'<figure><img src="{image_url(record["image"])}" width="56" height="56" '
                       f'alt="Test digit {record["index"]}, a {record["label"]}, {read}">'
                       f"<figcaption>{caption}</figcaption></figure>")
    return '<div class="digit-gallery">\n' + "\n".join(figures) + "\n</div>\n"


def model_values(metrics: dict, image_url) -> dict[str, str]:
    """The markers that show the trained model, from its metrics file."""
    class_names = [str(digit) for digit in range(len(metrics["confusion_matrix"]))]
    return {
        "test_accuracy": f"{metrics['test_accuracy']:.2%}",
        "test_errors": f"{metrics['test_errors']:,}",
        "test_error_rate": f"{1 - metrics['test_accuracy']:.2%}",
        "test_images": f"{metrics['data']['test_images']:,}",
        "train_images": f"{metrics['data']['train_images']:,}",
        "parameters": f"{metrics['parameters']:,}",
        "weights_size": f"{metrics['model']['weights_gzip_bytes'] / 1000:.1f} KB",
        "weights_kind": metrics["model"]["quantization"],
        "epochs": str(len(metrics["training"]["history"]["loss"])),
        "training_minutes": f"{metrics['training']['seconds'] / 60:.1f}",
        "batch_size": str(metrics["training"]["config"]["batch_size"]),
        "learning_rate": f"{metrics['training']['config']['learning_rate']:g}",
        "validation_images": f"{metrics['training']['config']['validation_size']:,}",
        "accuracy_floor": f"{metrics['training']['config']['accuracy_floor']:.1%}",
        "layer_table": layer_table(metrics["layers"]),
        "history_table": history_table(metrics["training"]["history"]),
        "per_class_table": per_class_table(metrics["per_class_accuracy"], metrics["confusion_matrix"]),
        "quantization_table": quantization_table(metrics["quantization_candidates"], metrics["model"]["quantization"]),
        "confusion_matrix": confusion_table(metrics["confusion_matrix"], class_names),
        "samples": digit_gallery(metrics["samples"], image_url),
        "misclassified": digit_gallery(metrics["misclassified"], image_url),
        "first_layer_filters": filters_figure(metrics, image_url),
        "feature_maps": feature_map_figures(metrics["figures"], image_url),
    }


def filters_figure(metrics: dict, image_url) -> str:
    first = next(layer for layer in metrics["layers"] if layer["type"] == "Conv2D")
    return figure(image_url(metrics["figures"]["filters"]),
                  f"The {first['output_shape'][-1]} learned filters of {first['name']}, the first convolutional layer: "
                  "mid-grey is zero, lighter weights add the pixel under them, darker ones subtract it.")


def feature_map_figures(figures: dict, image_url) -> str:
    digit = figures["digit"]
    caption = f"Test digit {digit['index']}, a {digit['label']}, as the network gets it."
    parts = [figure(image_url(digit["image"]), caption)]
    for maps in figures["feature_maps"]:
        height, width, depth = maps["shape"]
        caption = f"{maps['layer']}: {depth} feature maps of {height} × {width}, after normalisation and ReLU."
        parts.append(figure(image_url(maps["image"]), caption))
    return "".join(parts)


def figure(url: str, caption: str) -> str:
    return (f'<figure><img src="{url}" alt="{html.escape(caption)}">'
            f"<figcaption>{html.escape(caption)}</figcaption></figure>\n")


# --- The Q&A -------------------------------------------------------------------------------------

def load_qa(text: str) -> dict:
    """Parse and check the Q&A file: topics with questions, every id unique and anchor-safe."""
    qa = yaml.safe_load(text)
    seen: set[str] = set()
    for topic in qa.get("topics") or []:
        for item in [topic, *(topic.get("questions") or [])]:
            missing = {"id", "title"} - item.keys() if item is topic else {"id", "question", "answer"} - item.keys()
            if missing:
                raise PluginError(f"{QA_FILE}: an entry lacks {', '.join(sorted(missing))}: {item.get('id', item)}")
            if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", item["id"]) or item["id"] in seen:
                raise PluginError(f"{QA_FILE}: the id {item['id']!r} is repeated or not lower-case-with-hyphens.")
            seen.add(item["id"])
        if not topic.get("questions"):
            raise PluginError(f"{QA_FILE}: the topic {topic['id']!r} has no questions.")
    if not seen:
        raise PluginError(f"{QA_FILE}: no topics.")
    return qa


def qa_markdown(qa: dict) -> str:
    """Each topic a section and each question a heading, both with their ids as anchors."""
    parts = []
    for topic in qa["topics"]:
        parts.append(f"## {topic['title']} {{ #{topic['id']} }}\n")
        parts += [f"### {item['question']} {{ #{item['id']} }}\n\n{item['answer'].strip()}\n"
                  for item in topic["questions"]]
    return "\n".join(parts)


def plain_text(markdown: str) -> str:
    """Markdown prose as plain text: links keep their words, emphasis and list marks go."""
    text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", markdown)
    text = re.sub(r"(\*\*|\*|`)(.+?)\1", r"\2", text)
    text = re.sub(r"^\s*\d+\.\s+", "", text, flags=re.MULTILINE)
    paragraphs = [" ".join(paragraph.split()) for paragraph in re.split(r"\n\s*\n", text)]
    return "\n\n".join(paragraph for paragraph in paragraphs if paragraph)


def faq_json_ld(qa: dict) -> str:
    """schema.org FAQPage structured data, as a script element safe to put in HTML."""
    data = {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "mainEntity": [{"@type": "Question", "name": item["question"],
                        "acceptedAnswer": {"@type": "Answer", "text": plain_text(item["answer"])}}
                       for topic in qa["topics"] for item in topic["questions"]],
    }
    encoded = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    return f'<script type="application/ld+json">{encoded}</script>\n'


def qa_credit(source: dict) -> str:
    date = source["date"]
    return (f"The questions come from the Q&A of the webinar, as published in [{source['title']}]({source['url']}) "
            f"({source['publisher']}, {date.day} {date:%B %Y}). The answers are this site's own.\n")


def render_qa(qa: dict, values: dict[str, str]) -> str:
    """The Q&A section and its JSON-LD, with the page's markers filled in the answers."""
    for topic in qa["topics"]:
        for item in topic["questions"]:
            item["answer"] = replace_markers(item["answer"], values)
    return qa_credit(qa["source"]) + "\n" + qa_markdown(qa) + "\n" + faq_json_ld(qa)


def preload_links(urls: dict[str, str]) -> str:
    """<link> elements that start fetching what a page will ask for later: module chunks by
    modulepreload, other files (as fetch() will request them) by preload."""
    links = []
    for url, kind in urls.items():
        if kind == "module":
            links.append(f'<link rel="modulepreload" href="{url}">')
        else:
            links.append(f'<link rel="preload" href="{url}" as="fetch" type="{kind}" crossorigin>')
    return "".join(links)


def add_to_head(page_html: str, markup: str) -> str:
    if "</head>" not in page_html:
        raise PluginError("The page has no </head> to add the preload links to.")
    return page_html.replace("</head>", markup + "</head>", 1)


def name_search_dialog(page_html: str) -> str:
    return UNNAMED_SEARCH_DIALOG.sub(r'\1 aria-label="Search"', page_html)


# --- Build steps ---------------------------------------------------------------------------------

def published_model_files(model_dir: Path) -> list[str]:
    """The paths under ``model_dir``, relative and sorted, that the site publishes."""
    paths = (path.relative_to(model_dir).as_posix() for path in model_dir.rglob("*") if path.is_file())
    return sorted(path for path in paths if path.startswith(PUBLISHED_MODEL_PARTS))


def read_metrics(model_dir: Path) -> dict:
    metrics = model_dir / "metrics.json"
    if not metrics.is_file():
        raise PluginError(f"No trained model in {model_dir}: run `make site`, which trains and exports it.")
    return json.loads(metrics.read_text())


def notebook_key(source: bytes, metrics: dict) -> str:
    """What the notebook's outputs depend on: its own cells and the model it loads."""
    return hashlib.sha256(source + metrics["export_key"].encode()).hexdigest()


def run_notebook(source: Path, target: Path, key: str) -> bool:
    """Execute ``source`` into ``target`` from the repository's root, unless ``target`` holds a
    run under ``key``. True when it ran."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    if target.is_file() and nbformat.read(target, as_version=4).metadata.get("cnn_qa", {}).get("key") == key:
        return False
    notebook = nbformat.read(source, as_version=4)
    # TensorFlow's native libraries log to the process's stderr as they load: that goes to the
    # kernel's own stderr, discarded, rather than into the cells' outputs. Python errors still
    # reach the cells and fail the build.
    client = NotebookClient(notebook, timeout=NOTEBOOK_TIMEOUT, kernel_name="python3",
                            resources={"metadata": {"path": str(ROOT)}},
                            extra_arguments=["--IPKernelApp.capture_fd_output=False"])
    try:
        client.execute(env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}, stderr=subprocess.DEVNULL)
    except CellExecutionError as error:
        raise PluginError(f"The notebook {source.name} failed while running:\n{error}") from error
    notebook.metadata["cnn_qa"] = {"key": key}
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = target.with_suffix(".partial")
    nbformat.write(notebook, staged)
    staged.replace(target)
    return True


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


# --- MkDocs events -------------------------------------------------------------------------------

_build: dict = {}  # what every page's markers draw on, read once per build


def on_pre_build(config: MkDocsConfig) -> None:
    _build["metrics"] = read_metrics(MODEL_DIR)
    _build["qa"] = Path(config.docs_dir, QA_FILE).read_text(encoding="utf-8")
    bundle(ENTRY_POINTS, BUNDLE_DIR / BUNDLE_URL)
    source = Path(config.docs_dir, NOTEBOOK)
    if run_notebook(source, NOTEBOOK_DIR / NOTEBOOK, notebook_key(source.read_bytes(), _build["metrics"])):
        log.info("Ran %s: the model or the notebook changed.", NOTEBOOK)


def on_files(files: Files, config: MkDocsConfig) -> Files:
    # mkdocs-jupyter renders the notebook from this path when the page is built.
    files.get_file_from_path(NOTEBOOK).abs_src_path = str(NOTEBOOK_DIR / NOTEBOOK)
    for path in published_model_files(MODEL_DIR):
        files.append(File.generated(config, f"{MODEL_URL}/{path}", abs_src_path=str(MODEL_DIR / path)))
    for path in sorted(BUNDLE_DIR.rglob("*")):
        if path.is_file():
            files.append(File.generated(config, path.relative_to(BUNDLE_DIR).as_posix(), abs_src_path=str(path)))
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    metrics = _build["metrics"]

    def image_url(path: str) -> str:
        return get_relative_url(f"{MODEL_URL}/{path}", page.url)

    values = model_values(metrics, image_url)
    values["model_json"] = image_url(metrics["model"]["path"])
    if "[[qa]]" in markdown:
        values["qa"] = render_qa(load_qa(_build["qa"]), values)
    return replace_markers(markdown, values)


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    if 'id="digit-classifier"' in output:
        # The classifier's code, the wasm binary and the model start loading with the page,
        # instead of after the theme's scripts have run.
        bundle_dir = BUNDLE_DIR / BUNDLE_URL
        chunks = sorted([*bundle_dir.glob("demo-*.js"), *bundle_dir.glob("chunk-*.js")])  # and what it shares
        model = _build["metrics"]["model"]["path"]
        output = add_to_head(output, preload_links({
            **{get_relative_url(f"{BUNDLE_URL}/{chunk.name}", page.url): "module" for chunk in chunks},
            get_relative_url(f"{BUNDLE_URL}/{WASM_SIMD}", page.url): "application/wasm",
            get_relative_url(f"{MODEL_URL}/{model}", page.url): "application/json",
        }))
    return name_search_dialog(output)


def on_post_template(output_content: str, template_name: str, config: MkDocsConfig) -> str:
    return name_search_dialog(output_content)  # 404.html
