"""Hold parallel tasks until all have started, so each runs in its own worker."""

from __future__ import annotations

import os
import time
from pathlib import Path


def wait_for_peers(barrier: Path, n: int, timeout: float = 120.0) -> None:
    """Block until ``n`` processes have checked in at the folder ``barrier``.

    A task waiting here keeps its worker busy, so ``n`` tasks that all wait
    run in ``n`` different worker processes.
    """
    (Path(barrier) / str(os.getpid())).touch()
    deadline = time.monotonic() + timeout
    while (arrived := len(list(Path(barrier).iterdir()))) < n:
        if time.monotonic() > deadline:
            raise TimeoutError(f"only {arrived} of {n} processes arrived")
        time.sleep(0.02)
