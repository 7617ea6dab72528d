"""The outside-link check: which links it follows, and its fetcher against a real local server.
(It fetches the real outside links only where there is network: `make linkcheck`.)"""

from __future__ import annotations

import pytest

from tools.links import broken_links, fetch_status, outside_links, source_texts
from tools.static_server import serve


def test_outside_links_are_found_once_each_with_their_sources():
    texts = {"docs/a.md": "See [the paper](https://arxiv.org/abs/1603.07285). And https://d2l.ai/x.html, then "
                          "http://127.0.0.1:8000 and https://USER.github.io/REPO/.",
             "docs/qa.yml": "- <https://arxiv.org/abs/1603.07285>"}
    assert outside_links(texts) == {"https://arxiv.org/abs/1603.07285": ["docs/a.md", "docs/qa.yml"],
                                    "https://d2l.ai/x.html": ["docs/a.md"]}


def test_the_check_covers_every_source_a_reader_follows():
    links = outside_links(source_texts())
    sources = {source for where in links.values() for source in where}
    assert {"docs/index.md", "docs/qa.yml", "docs/concepts/architectures.md"} <= sources
    for url in ("https://docs.databricks.com/machine-learning/train-model/distributed-training/horovod.html",
                "https://www.databricks.com/blog/2018/10/22/training-your-neural-network-on-demand-webinar-and-faq-now-"
                "available.html", "https://cs231n.github.io/convolutional-networks/", "https://arxiv.org/abs/1603.07285"):
        assert url in links
    assert not [url for url in links if url.startswith("http://")], "every outside link is https"


@pytest.fixture(scope="module")
def local_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("links")
    (root / "page.html").write_text("<p>here</p>")
    (root / "folder").mkdir()
    (root / "folder" / "index.html").write_text("<p>index</p>")
    with serve(root) as base:
        yield base


def test_the_fetcher_tells_a_page_from_a_missing_one(local_site):
    assert fetch_status(f"{local_site}/page.html") == 200
    assert fetch_status(f"{local_site}/folder") == 200, "a redirect is followed"
    assert fetch_status(f"{local_site}/gone.html") == 404
    assert "refused" in str(fetch_status("http://127.0.0.1:9/", timeout=5)).lower()
    assert broken_links([f"{local_site}/page.html", f"{local_site}/gone.html"]) == {f"{local_site}/gone.html": 404}
