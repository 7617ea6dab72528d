"""python -m tools.links: every link from the site's sources to other sites, fetched to see that it
still answers. (The tests resolve the links within the site; this needs the network.)

Reads the Markdown pages, the Q&A, the notebook's text cells and the README; needs only the
standard library, so a scheduled workflow runs it without setting up the project.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

REPOSITORY = Path(__file__).resolve().parent.parent
URL = re.compile(r"""https?://[^\s<>"'`)\]]+""")
# Addresses that are examples to be replaced, or this machine's, not links to follow.
PLACEHOLDER_HOSTS = ("127.0.0.1", "localhost", "example.github.io", "user.github.io", "host1", "host2")
USER_AGENT = "cnn-qa link check (+https://github.com/)"
TIMEOUT = 20  # seconds per request


def source_texts(repository: Path = REPOSITORY) -> dict[str, str]:
    """The text of each source whose links a reader follows, by its path in the repository."""
    texts = {path.relative_to(repository).as_posix(): path.read_text(encoding="utf-8")
             for path in [*sorted((repository / "docs").rglob("*.md")), repository / "docs" / "qa.yml",
                          repository / "README.md"]}
    for notebook in sorted((repository / "docs").rglob("*.ipynb")):
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        texts[notebook.relative_to(repository).as_posix()] = "\n".join(
            "".join(cell["source"]) for cell in cells if cell["cell_type"] == "markdown")
    return texts


def outside_links(texts: dict[str, str]) -> dict[str, list[str]]:
    """Each outside address, with the sources that link to it."""
    links: dict[str, list[str]] = {}
    for where, text in texts.items():
        for match in URL.finditer(text):
            url = match[0].rstrip(".,;:*")
            if urlsplit(url).hostname not in PLACEHOLDER_HOSTS and where not in links.setdefault(url, []):
                links[url].append(where)
    return dict(sorted(links.items()))


def fetch_status(url: str, timeout: float = TIMEOUT) -> int | str:
    """The HTTP status the address answers with (after redirects), or why there was no answer."""
    answer = _request(url, "HEAD", timeout)
    if answer in (403, 405, 501):  # some servers refuse HEAD but answer GET
        answer = _request(url, "GET", timeout)
    return answer


def _request(url: str, method: str, timeout: float) -> int | str:
    request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        return str(getattr(error, "reason", error))


def broken_links(links: Iterable[str], fetch: Callable[[str], int | str] = fetch_status) -> dict[str, int | str]:
    """The addresses that do not answer with a success, and what they answered."""
    urls = list(links)
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = dict(zip(urls, pool.map(fetch, urls), strict=True))
    # 429: the server is limiting the rate, not saying the page is gone.
    return {url: answer for url, answer in answers.items() if not (isinstance(answer, int) and
                                                                    (200 <= answer < 400 or answer == 429))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.links", description=__doc__.split("\n\n")[0])
    parser.add_argument("--list", action="store_true", help="list the outside links without fetching them")
    args = parser.parse_args(argv)
    links = outside_links(source_texts())
    if args.list:
        for url, sources in links.items():
            print(f"{url}  ({', '.join(sources)})")
        return 0
    broken = broken_links(links)
    if len(broken) == len(links) and all(isinstance(answer, str) for answer in broken.values()):
        print(f"error: none of the {len(links)} outside links could be reached ({next(iter(broken.values()))}): "
              "is this machine offline? Run it where the network is (the links workflow does, weekly).",
              file=sys.stderr)
        return 2
    for url, answer in broken.items():
        print(f"broken: {url} answered {answer} (linked from {', '.join(links[url])})", file=sys.stderr)
    print(f"{len(links) - len(broken)} of {len(links)} outside links answer.")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
