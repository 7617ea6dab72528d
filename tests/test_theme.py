"""The theme overrides: each differs from Material's own template only as its comment says."""

from __future__ import annotations

import re
from pathlib import Path

import material

from model_build.output import REPOSITORY

MATERIAL = Path(material.__file__).parent / "templates"
OVERRIDES = REPOSITORY / "site_src" / "overrides"
LEADING_COMMENT = re.compile(r"\A\{#-.*?-#\}\n", re.DOTALL)


def test_the_search_dialog_is_named_and_otherwise_material_s_own():
    ours = LEADING_COMMENT.sub("", (OVERRIDES / "partials" / "search.html").read_text())
    theirs = LEADING_COMMENT.sub("", (MATERIAL / "partials" / "search.html").read_text())
    named = theirs.replace('role="dialog">', "role=\"dialog\" aria-label=\"{{ lang.t('search') }}\">", 1)
    assert named != theirs, "Material's search partial no longer has the dialog this override names"
    assert ours == named, "Material's search partial changed: copy it again into the override, with the name"
