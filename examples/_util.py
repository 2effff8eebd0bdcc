"""Small helpers shared by the example scripts (not part of skdl)."""

from __future__ import annotations

import os
from pathlib import Path

#: ``SKDL_EXAMPLES_FAST=1`` runs every example with fewer epochs.
FAST = os.environ.get("SKDL_EXAMPLES_FAST") == "1"


def epochs(full: int, fast: int) -> int:
    """Epochs to train: ``fast`` in fast mode, else ``full``."""
    return fast if FAST else full


def output_path(name: str) -> Path:
    """Where an example writes a file (``SKDL_EXAMPLES_OUT`` or ./output)."""
    folder = Path(os.environ.get("SKDL_EXAMPLES_OUT", "output"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder / name


def use_agg() -> None:
    """Draw plots to files, never to a window."""
    import matplotlib

    matplotlib.use("Agg")
