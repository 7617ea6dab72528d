"""The notebook runs again only when it or the model changed; its page loses the template's
MathJax scripts."""

from __future__ import annotations

import nbformat

from site_hooks.notebook import has_run, notebook_key, without_mathjax


def test_the_key_follows_the_cells_and_the_model():
    key = notebook_key(b"cells", "export-1")
    assert key == notebook_key(b"cells", "export-1")
    assert key != notebook_key(b"other cells", "export-1") and key != notebook_key(b"cells", "export-2")


def test_a_run_counts_only_under_its_own_key(tmp_path):
    target = tmp_path / "notebook.ipynb"
    assert not has_run(target, "k")
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["cnn_qa"] = {"key": "k"}
    nbformat.write(notebook, target)
    assert has_run(target, "k") and not has_run(target, "another")


def test_the_notebook_page_loses_the_mathjax_scripts_that_load_nothing():
    page = """<style>x</style>
<!-- Load mathjax -->
<script src=""> </script>
<!-- MathJax configuration -->
<script type="text/x-mathjax-config">
    init_mathjax = function() {};
</script>
<div class="jp-Cell">1</div>"""
    cleaned = without_mathjax(page)
    assert 'src=""' not in cleaned and "x-mathjax-config" not in cleaned and "init_mathjax" not in cleaned
    assert cleaned.startswith("<style>x</style>") and cleaned.endswith('<div class="jp-Cell">1</div>')
