"""The glossary: docs/glossary.md defines the words the pages use, as a Markdown definition list;
every other page gets those words as abbreviations, which the theme shows as a tooltip on hover,
marked where each first appears on the page. One definition per word, written once, read
everywhere."""

from __future__ import annotations

import re

from mkdocs.exceptions import PluginError

GLOSSARY_FILE = "glossary.md"
DEFINITION = re.compile(r"^:\s{3}(.*)$")
LINK = re.compile(r"\[([^\]]+)\]\([^)]+\)")
ABBREVIATION = re.compile(r'<abbr title="([^"]*)">(.*?)</abbr>', re.DOTALL)
MARKUP = re.compile(r"[*_`]")


def load_glossary(markdown: str) -> dict[str, str]:
    """Each term of the page's definition list with its definition as one line of plain text (an
    abbreviation's title holds no Markdown). A term without a definition, or defined twice, raises."""
    glossary: dict[str, str] = {}
    term: str | None = None
    lines = markdown.splitlines()
    for number, line in enumerate(lines):
        if match := DEFINITION.match(line):
            if term is None:
                raise PluginError(f"{GLOSSARY_FILE}, line {number + 1}: a definition without a term above it.")
            text = " ".join([match[1], *_continuation(lines[number + 1:])])
            glossary[term] = MARKUP.sub("", LINK.sub(r"\1", text)).strip()
            term = None
        elif line and not line.startswith((" ", "#", "<")) and _starts_a_definition(lines, number):
            if line in glossary:
                raise PluginError(f"{GLOSSARY_FILE}: {line!r} is defined twice.")
            term = line
    if not glossary:
        raise PluginError(f"{GLOSSARY_FILE}: no definitions found (a term, then a line starting ':   ').")
    return glossary


def _starts_a_definition(lines: list[str], number: int) -> bool:
    return number + 1 < len(lines) and DEFINITION.match(lines[number + 1]) is not None


def _continuation(lines: list[str]) -> list[str]:
    """A definition's further lines: indented by four spaces, up to the first that is not."""
    taken = []
    for line in lines:
        if not line.startswith("    "):
            break
        taken.append(line.strip())
    return taken


def forms(term: str) -> list[str]:
    """The forms a term takes in running text: as written, capitalised at a sentence's start, and
    their plurals (an abbreviation matches whole words only)."""
    capitalised = term[0].upper() + term[1:]
    singular = list(dict.fromkeys([term, capitalised]))
    return singular + [f"{word}s" for word in singular if not word.endswith("s")]


def with_abbreviations(markdown: str, glossary: dict[str, str]) -> str:
    """The page's Markdown with the glossary appended as abbreviation definitions."""
    definitions = [f"*[{form}]: {definition}" for term, definition in glossary.items() for form in forms(term)]
    return f"{markdown}\n\n" + "\n".join(definitions) + "\n"


def first_occurrences_only(html: str) -> str:
    """The page's HTML with each glossary word marked where it first appears only: later ones are
    plain text again, so that a page that uses a word fifteen times is not underlined fifteen times.
    The forms of one term share its definition, and count as one."""
    seen: set[str] = set()

    def keep_first(match: re.Match) -> str:
        if match[1] in seen:
            return match[2]
        seen.add(match[1])
        return match[0]

    return ABBREVIATION.sub(keep_first, html)
