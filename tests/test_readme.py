"""The README stays a README: short, without a dated diary, and every command it gives exists."""

from __future__ import annotations

import re

from model_build.output import REPOSITORY

README = (REPOSITORY / "README.md").read_text(encoding="utf-8")
MAKEFILE = (REPOSITORY / "Makefile").read_text(encoding="utf-8")
LONGEST = 150  # lines: what it is, the two commands, what you get, publishing, the layout, links onward


def test_the_readme_is_short_and_keeps_no_diary():
    assert len(README.splitlines()) <= LONGEST
    dated = re.findall(r"\b20\d\d-\d\d-\d\d\b|\b(?:Measured|Tried) (?:again|on)\b", README)
    assert not dated, f"dated history belongs in the decision record: {dated}"


def test_every_make_target_the_readme_names_exists():
    named = set(re.findall(r"\bmake ([a-z-]+)", README)) - {"it"}
    targets = set(re.findall(r"^([a-z-]+):", MAKEFILE, flags=re.MULTILINE))
    assert named and named <= targets, f"the README names targets the Makefile lacks: {named - targets}"
