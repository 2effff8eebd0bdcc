"""One whole fresh-process run of the Pima-style fit (one tool).

``python -c "from benchmarks.fresh import main; main('skdl')"`` imports the
tool's modules (timed: ``import_s``), loads the table (not timed), fits
once (timed: ``fit_s``) and prints one JSON line. The caller times the
whole process from the outside.
"""

from __future__ import annotations

import json
import time


def _import_tool(tool: str) -> None:
    if tool.startswith("skdl"):
        # skdl imports Keras lazily, at the first fit: import it here, to
        # time the imports apart from the fit.
        from skdl.backend import import_keras

        import_keras()
    elif tool == "keras":
        import keras  # noqa: F401
    else:
        import sklearn.neural_network  # noqa: F401


def main(tool: str, epochs: int = 150) -> None:
    start = time.perf_counter()
    _import_tool(tool)
    imported = time.perf_counter()

    from . import data as datasets
    from .tools import FIT_TOOLS, NetSpec, quiet

    d = datasets.pima()
    spec = NetSpec((12, 8), 10, epochs)
    est = FIT_TOOLS["skdl" if tool.startswith("skdl") else tool](spec)
    with quiet():
        fit_start = time.perf_counter()
        est.fit(d["X"], d["y"])
        fit_s = time.perf_counter() - fit_start
        accuracy = float(est.score(d["X_test"], d["y_test"]))
    print(
        json.dumps({"import_s": imported - start, "fit_s": fit_s, "accuracy": accuracy})
    )
