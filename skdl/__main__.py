"""``python -m skdl``: the same as the ``skdl`` command."""

from .cli import main

if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
