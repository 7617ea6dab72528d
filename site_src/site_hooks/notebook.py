"""The notebook: docs/notebook.ipynb is kept without outputs; the build runs it into its own
folder when it or the model changed, and the site shows that copy."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
from pathlib import Path

from mkdocs.exceptions import PluginError

TIMEOUT = 900  # seconds per cell
# The renderer's template loads MathJax from a configured address, empty here (the site renders
# its math with KaTeX), and configures it: an empty script and one for a library never loaded.
_MATHJAX = re.compile(r'<script src="">\s*</script>\s*(?:<!--[^>]*-->\s*)?'
                      r'<script type="text/x-mathjax-config">.*?</script>', re.DOTALL)


def notebook_key(source: bytes, export_key: str) -> str:
    """What the notebook's outputs depend on: its own cells and the model it loads."""
    return hashlib.sha256(source + export_key.encode()).hexdigest()


def has_run(target: Path, key: str) -> bool:
    import nbformat

    return target.is_file() and nbformat.read(target, as_version=4).metadata.get("cnn_qa", {}).get("key") == key


def run_notebook(source: Path, target: Path, key: str, cwd: Path) -> bool:
    """Execute ``source`` into ``target`` from ``cwd``, unless ``target`` holds a run under ``key``.

    True when it ran.
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    if has_run(target, key):
        return False
    notebook = nbformat.read(source, as_version=4)
    # TensorFlow's native libraries log to the process's stderr as they load: that goes to the
    # kernel's own stderr, discarded, rather than into the cells' outputs. Python errors still
    # reach the cells and fail the build.
    client = NotebookClient(notebook, timeout=TIMEOUT, kernel_name="python3",
                            resources={"metadata": {"path": str(cwd)}},
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


def without_mathjax(page_html: str) -> str:
    """The rendered notebook page without the template's MathJax scripts, which load and configure
    nothing. (Material's instant navigation would wait for the empty one to load, for ever.)"""
    return _MATHJAX.sub("", page_html, count=1)
