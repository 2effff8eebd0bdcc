"""tools/gallery_format.py gives plain example scripts the gallery's format."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location(
    "gallery_format", ROOT / "tools" / "gallery_format.py"
)
gallery_format = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gallery_format)

PLAIN = '''"""Train a small network.

    python examples/small.py

What it shows.
"""

from __future__ import annotations

print("done")
'''


def test_plain_script_gets_a_title_and_a_cell():
    out = gallery_format.gallery_format(PLAIN)
    assert out.startswith('"""\nTrain a small network\n=====================\n\n')
    assert "What it shows.\n" in out
    assert "\n# %%\nfrom __future__ import annotations\n" in out
    compile(out, "small.py", "exec")  # still a valid script


def test_formatted_script_is_left_alone():
    once = gallery_format.gallery_format(PLAIN)
    assert gallery_format.gallery_format(once) == once
    for script in sorted((ROOT / "examples").glob("[a-z]*.py")):
        source = script.read_text()
        assert gallery_format.gallery_format(source) == source, script.name


def test_script_without_docstring_is_refused():
    with pytest.raises(ValueError, match="no docstring"):
        gallery_format.gallery_format("print('no title')\n")
