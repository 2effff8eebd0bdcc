"""Peak RSS growth over repeated fits, in a fresh process (one tool)."""

from __future__ import annotations

import gc
import json
import resource

from . import data as datasets
from .tools import FIT_TOOLS, NetSpec, quiet


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _current_mb() -> float:
    """Resident set size now (Linux), or NaN where /proc is missing."""
    try:
        with open("/proc/self/statm") as f:
            pages = int(f.read().split()[1])
    except OSError:
        return float("nan")
    return pages * resource.getpagesize() / 2**20


def main(tool: str, fits: int = 20, epochs: int = 10, warmup: int = 3) -> None:
    d = datasets.pima()
    spec = NetSpec((12, 8), 10, epochs)

    def one_fit() -> None:
        with quiet():
            FIT_TOOLS[tool](spec).fit(d["X"], d["y"])
        gc.collect()

    for _ in range(warmup):
        one_fit()
    before, now_before = _peak_mb(), _current_mb()
    for _ in range(fits):
        one_fit()
    after, now_after = _peak_mb(), _current_mb()
    result = {
        "value": after - before,
        "rss_growth_mb": now_after - now_before,
        "peak_before_mb": before,
        "peak_after_mb": after,
    }
    print(json.dumps(result))
