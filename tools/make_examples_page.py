"""Write docs/examples.md: one section per script in examples/.

Run after adding an example: ``python tools/make_examples_page.py``. The
first line of each script's docstring is its title; the rest is the text.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parts = [
        "# Examples\n",
        "Runnable scripts in `examples/`, one per lesson. Each runs offline in "
        "under two minutes on two CPU cores with `SKDL_EXAMPLES_FAST=1` (fewer "
        "epochs) and writes its plots as PNG files to `./output` (or "
        "`$SKDL_EXAMPLES_OUT`). CI runs every one of them in that mode.\n",
    ]
    for script in sorted((ROOT / "examples").glob("[a-z]*.py")):
        doc = ast.get_docstring(ast.parse(script.read_text())) or script.stem
        title, _, body = doc.partition("\n")
        parts.append(f"## {title.rstrip('.')}\n")
        if body.strip():
            parts.append(body.strip() + "\n")
        parts.append(
            f"```{{literalinclude}} ../examples/{script.name}\n"
            ":language: python\n"
            f":caption: examples/{script.name}\n"
            "```\n"
        )
    (ROOT / "docs" / "examples.md").write_text("\n".join(parts))


if __name__ == "__main__":
    main()
