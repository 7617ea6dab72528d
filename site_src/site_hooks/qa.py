"""The Q&A: docs/qa.yml checked, rendered as Markdown sections, and described as schema.org
FAQPage JSON-LD."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import yaml
from mkdocs.exceptions import PluginError

QA_FILE = "qa.yml"
ANCHOR = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


def load_qa(text: str) -> dict:
    """Parse and check the Q&A file: topics with questions, every id unique and anchor-safe."""
    qa = yaml.safe_load(text)
    seen: set[str] = set()
    for topic in qa.get("topics") or []:
        for item in [topic, *(topic.get("questions") or [])]:
            missing = {"id", "title"} - item.keys() if item is topic else {"id", "question", "answer"} - item.keys()
            if missing:
                raise PluginError(f"{QA_FILE}: an entry lacks {', '.join(sorted(missing))}: {item.get('id', item)}")
            if not ANCHOR.fullmatch(item["id"]) or item["id"] in seen:
                raise PluginError(f"{QA_FILE}: the id {item['id']!r} is repeated or not lower-case-with-hyphens.")
            seen.add(item["id"])
        if not topic.get("questions"):
            raise PluginError(f"{QA_FILE}: the topic {topic['id']!r} has no questions.")
    if not seen:
        raise PluginError(f"{QA_FILE}: no topics.")
    return qa


def with_answers(qa: dict, fill: Callable[[str], str]) -> dict:
    """A copy of ``qa`` with every answer passed through ``fill`` (which fills in its markers)."""
    return {**qa, "topics": [{**topic, "questions": [{**item, "answer": fill(item["answer"])}
                                                     for item in topic["questions"]]}
                             for topic in qa["topics"]]}


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


def render_qa(qa: dict, fill: Callable[[str], str]) -> str:
    """The Q&A section and its JSON-LD, with ``fill`` applied to every answer."""
    filled = with_answers(qa, fill)
    return qa_credit(qa["source"]) + "\n" + qa_markdown(filled) + "\n" + faq_json_ld(filled)
