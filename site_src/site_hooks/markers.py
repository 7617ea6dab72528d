"""Page markers: ``[[name]]`` in the Markdown, filled in from the build record and the Q&A.

An unknown marker fails the build, naming the ones there are. ``\\[[name]]`` is the marker's
own text, for pages that explain markers.
"""

from __future__ import annotations

import re

from mkdocs.exceptions import PluginError
from mkdocs.utils import get_relative_url

from model_build.output import BuildRecord
from site_hooks.model_facts import MODEL_URL, model_values
from site_hooks.qa import render_qa

MARKER = re.compile(r"(\\?)\[\[([a-z0-9_]+)\]\]")


def replace_markers(markdown: str, values: dict[str, str]) -> str:
    def value(match: re.Match) -> str:
        escaped, name = match[1], match[2]
        if escaped:
            return f"[[{name}]]"
        if name not in values:
            raise PluginError(f"Unknown marker [[{name}]]; known: {', '.join(sorted(values))}.")
        return values[name]

    return MARKER.sub(value, markdown)


def fill_page(markdown: str, page_url: str, record: BuildRecord, qa: dict) -> str:
    """A page's Markdown with its markers filled in; links to the build's files are relative to
    ``page_url``, so that the site works under any path."""
    def site_url(path: str) -> str:
        return get_relative_url(f"{MODEL_URL}/{path}", page_url)

    values = model_values(record, site_url)
    values["model_json"] = site_url(record.model.path)
    values["fc_model_json"] = site_url(record.dense.model.path)
    values["sample_pixels"] = site_url(record.sample_pixels)
    if "[[qa]]" in markdown:
        values["qa"] = render_qa(qa, lambda answer: replace_markers(answer, values))
    return replace_markers(markdown, values)
