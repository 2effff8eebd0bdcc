"""Every example is in the gallery's format (it runs in the docs build).

The examples themselves run once per test run, inside the documentation
build (tests/integration/test_docs_build.py); here only their form is
checked, in milliseconds.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SCRIPTS = sorted(EXAMPLES.glob("[a-z]*.py"))
FORMAT = (
    "`python tools/gallery_format.py examples/NAME.py` gives a plain script "
    "its title and a first cell; see docs/contributing.md, 'Examples in the "
    "gallery'"
)


def test_there_are_examples():
    assert len(SCRIPTS) >= 12, SCRIPTS
    assert (EXAMPLES / "README.rst").exists(), "the gallery's header page"


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_example_has_a_title_and_cells(script):
    source = script.read_text()
    docstring = ast.get_docstring(ast.parse(source), clean=False)
    assert docstring, f"{script.name}: no docstring at the top ({FORMAT})"
    lines = docstring.strip().splitlines()
    assert len(lines) >= 2 and re.fullmatch(r"=+", lines[1]), (
        f"{script.name}: the docstring must start with a title underlined "
        f"with '=' ({FORMAT}); got {lines[:2]}"
    )
    assert len(lines[1]) >= len(lines[0]), f"{script.name}: underline too short"
    assert re.search(r"^# %%", source, re.MULTILINE), (
        f"{script.name}: no '# %%' cell ({FORMAT})"
    )


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_example_has_a_fast_mode(script):
    source = script.read_text()
    assert re.search(r"\bepochs\(|\bFAST\b", source), (
        f"{script.name}: use _util.epochs(full, fast) or FAST so that "
        f"SKDL_EXAMPLES_FAST=1 runs a short version ({FORMAT})"
    )
