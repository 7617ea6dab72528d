"""The glossary: docs/glossary.md defines the words the pages use, as a Markdown definition list;
every other page gets those words as abbreviations, which the theme shows as a tooltip on hover,
marked where each first appears on the page. One definition per word, written once, read
everywhere."""

from __future__ import annotations

import html
import re

from mkdocs.exceptions import PluginError

GLOSSARY_FILE = "glossary.md"
DEFINITION = re.compile(r"^:\s{3}(.*)$")
LINK = re.compile(r"\[([^\]]+)\]\([^)]+\)")
ABBREVIATION = re.compile(r'<abbr title="([^"]*)">(.*?)</abbr>', re.DOTALL)
MARKUP = re.compile(r"[*_`]")
# Raw elements and comments whole, then any other tag: what is between them is text.
HTML_TOKENS = re.compile(r"(<script\b.*?</script>|<style\b.*?</style>|<!--.*?-->|<[^>]+>)", re.DOTALL | re.IGNORECASE)
TAG_NAME = re.compile(r"</?([a-zA-Z][a-zA-Z0-9-]*)")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
UNMARKED = {"code", "pre", "abbr", "kbd", "samp", "svg"}  # no abbreviations inside these


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


def with_abbreviations_in_html(page: str, glossary: dict[str, str], scope: str) -> str:
    """Rendered HTML with the glossary's words marked as the abbr extension marks them in Markdown,
    in the text of elements whose class has ``scope`` only, outside code; for pages that reach the
    site as HTML (the notebook's Markdown cells). Every tag and all other text is left as it was."""
    titles = {form: html.escape(definition) for term, definition in glossary.items() for form in forms(term)}
    words = re.compile(r"\b(" + "|".join(map(re.escape, sorted(titles, key=len, reverse=True))) + r")\b")
    open_tags: list[tuple[str, bool]] = []  # each open element's name and whether it is a scope
    tokens = HTML_TOKENS.split(page)
    for index, token in enumerate(tokens):
        if index % 2:
            name = TAG_NAME.match(token)
            tag = name[1].lower() if name else ""
            if not tag or tag in VOID or tag in ("script", "style") or token.endswith("/>"):
                continue
            if token.startswith("</"):
                # Close up to the element this ends; an end tag that ends nothing is ignored.
                if any(open_tag == tag for open_tag, _ in open_tags):
                    while open_tags.pop()[0] != tag:
                        pass
            else:
                classes = re.search(r'class="([^"]*)"', token)
                open_tags.append((tag, bool(classes) and scope in classes[1].split()))
        elif any(is_scope for _, is_scope in open_tags) and not any(open_tag in UNMARKED for open_tag, _ in open_tags):
            tokens[index] = words.sub(lambda match: f'<abbr title="{titles[match[1]]}">{match[1]}</abbr>', token)
    return "".join(tokens)


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
