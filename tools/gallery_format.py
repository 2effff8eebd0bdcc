"""Give plain example scripts the gallery's format, in place.

    python tools/gallery_format.py examples/my_example.py [...]

The docstring's first line becomes the title, underlined with ``=`` (a
trailing full stop dropped), and a script without cells gets one ``# %%``
after its docstring. Already formatted files are left as they are. Split the
script into more cells, with a comment each, by hand: see
docs/contributing.md.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path


def gallery_format(source: str) -> str:
    """The script with a titled docstring and at least one cell."""
    module = ast.parse(source)
    first = module.body[0] if module.body else None
    if not (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    ):
        raise ValueError("the script has no docstring: write its title there")
    lines = source.splitlines(keepends=True)
    doc = first.value.value.strip("\n").splitlines()
    if len(doc) < 2 or set(doc[1].strip()) != {"="}:
        title = doc[0].strip().rstrip(".")
        body = "\n".join(doc[1:]).strip("\n")
        text = f"{title}\n{'=' * len(title)}\n" + (f"\n{body}\n" if body else "")
        docstring = f'"""\n{text}"""\n'
    else:
        docstring = "".join(lines[first.lineno - 1 : first.end_lineno])
    rest = "".join(lines[first.end_lineno :])
    if not any(line.startswith("# %%") for line in source.splitlines()):
        rest = "\n# %%\n" + rest.lstrip("\n")
    return docstring + rest


def main(paths: list[str]) -> None:
    for name in paths:
        path = Path(name)
        before = path.read_text()
        after = gallery_format(before)
        if after != before:
            path.write_text(after)
            print(f"formatted {path}")


if __name__ == "__main__":
    main(sys.argv[1:])
