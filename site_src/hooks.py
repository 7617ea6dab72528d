"""MkDocs hooks: wiring only. Each event hands its work to a module of site_src/site_hooks/ (the
bundle, the notebook, the page markers with the model's figures and the Q&A, the glossary, the
page head).

What one event leaves for the next travels in MkDocs's config as a SiteBuild, made afresh for
every build (`mkdocs serve` included).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from model_build.output import REPOSITORY, BuildRecord, RecordError, model_dir, published_files, read_record
from site_hooks import csp, head, notebook
from site_hooks.bundle import WASM_SIMD, Bundle, build_bundle
from site_hooks.glossary import (
    GLOSSARY_FILE,
    first_occurrences_only,
    load_glossary,
    with_abbreviations,
    with_abbreviations_in_html,
)
from site_hooks.markers import fill_page
from site_hooks.model_facts import MODEL_URL
from site_hooks.qa import QA_FILE, load_qa

log = logging.getLogger("mkdocs.hooks.cnn_qa")
STATE = "cnn_qa_build"  # the config key that holds the SiteBuild
BUNDLE_URL = "assets/bundle"  # where the bundle lands in the site
NOTEBOOK = "notebook.ipynb"
NOTEBOOK_RUN = REPOSITORY / "build" / "notebook" / NOTEBOOK  # the executed copy the site shows
NOTEBOOK_MARKDOWN = "jp-RenderedMarkdown"  # the class nbconvert gives a rendered Markdown cell


@dataclass(frozen=True)
class SiteBuild:
    model_dir: Path
    record: BuildRecord
    qa: dict
    glossary: dict[str, str]
    bundle: Bundle
    notebook_pages: set[str] = field(default_factory=set)  # where in the site the notebook renderer wrote

    def preloadable(self) -> dict[str, head.Preloads]:
        """What a page may preload, by the name it gives in its front matter."""
        return {
            **{module: {f"{BUNDLE_URL}/{chunk}": "module" for chunk in chunks}
               for module, chunks in self.bundle.chunks.items() if module.endswith(".js")},
                        "wasm": {f"{BUNDLE_URL}/{WASM_SIMD}": "application/wasm"},
            "model": {f"{MODEL_URL}/{self.record.model.path}": "application/json"},
            "fc-model": {f"{MODEL_URL}/{self.record.dense.model.path}": "application/json"},
            "samples": {f"{MODEL_URL}/{self.record.sample_pixels}": "application/json"},
        }


def on_startup(command: str, dirty: bool) -> None:
    global _serving  # the one fact about the whole run, not one build, that the hooks need
    _serving = command == "serve"


_serving = False


def on_pre_build(config: MkDocsConfig) -> None:
    folder = model_dir()
    try:
        record = read_record(folder)
    except RecordError as error:
        raise PluginError(str(error)) from None
    source = Path(config.docs_dir, NOTEBOOK)
    if notebook.run_notebook(source, NOTEBOOK_RUN, notebook.notebook_key(source.read_bytes(), record.export_key),
                             cwd=REPOSITORY):
        log.info("Ran %s: the model or the notebook changed.", NOTEBOOK)
    config[STATE] = SiteBuild(model_dir=folder, record=record,
                              qa=load_qa(Path(config.docs_dir, QA_FILE).read_text(encoding="utf-8")),
                              glossary=load_glossary(Path(config.docs_dir, GLOSSARY_FILE).read_text(encoding="utf-8")),
                              bundle=build_bundle())


def on_files(files: Files, config: MkDocsConfig) -> Files:
    build: SiteBuild = config[STATE]
    # mkdocs-jupyter renders the notebook from this path when the page is built.
    files.get_file_from_path(NOTEBOOK).abs_src_path = str(NOTEBOOK_RUN)
    for path in published_files(build.model_dir):
        files.append(File.generated(config, f"{MODEL_URL}/{path}", abs_src_path=str(build.model_dir / path)))
    for path in build.bundle.published():
        files.append(File.generated(config, f"{BUNDLE_URL}/{path}", abs_src_path=str(build.bundle.files / path)))
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    build: SiteBuild = config[STATE]
    filled = fill_page(markdown, page.url, build.record, build.qa)
    return filled if page.file.src_uri == GLOSSARY_FILE else with_abbreviations(filled, build.glossary)


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if page.file.src_uri.endswith(".ipynb"):
        # The notebook's Markdown cells reach the site as HTML, past on_page_markdown.
        html = with_abbreviations_in_html(html, config[STATE].glossary, NOTEBOOK_MARKDOWN)
    return first_occurrences_only(html)


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    # The classifier's code, the wasm binary and the model start loading with the page that
    # asks for them, instead of after the theme's scripts have run.
    if wanted := page.meta.get("preload"):
        build: SiteBuild = config[STATE]
        output = head.add_to_head(output, head.preload_links(head.preloads_for(wanted, build.preloadable(), page.url)))
    if page.file.src_uri.endswith(".ipynb"):
        config[STATE].notebook_pages.add(page.file.dest_uri)
        output = notebook.without_mathjax(output)
    return head.structured_data_to_head(output)


def on_post_build(config: MkDocsConfig) -> None:
    if _serving:
        # Live reload works by an inline script that changes with every request: no policy allows it.
        log.info("mkdocs serve: the pages carry no content security policy (live reload needs an inline "
                 "script); make site builds them with it.")
        return
    policy = csp.secure_site(Path(config.site_dir), config[STATE].notebook_pages)
    log.debug("Content security policy on every page: %s", policy)
