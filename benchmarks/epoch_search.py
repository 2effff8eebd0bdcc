"""EpochSearchCV against GridSearchCV over ``max_iter``: same scores, less time.

``python -m benchmarks.epoch_search [--repeats N] [--quick] [--out FILE]``

Breast cancer (standardized), ``MLPClassifier(batch_size=32,
random_state=0)``, grid ``hidden_layer_sizes in [(8,), (32,)]``, ``alpha in
[1e-4, 1e-1]``, epochs ``[10, 20, 40, 80]``, 3 stratified folds. Both
searches run once untimed (warm-up), then alternately ``repeats`` times; the
medians are compared. The script also checks that both report the same mean
test scores (to 1e-6) and the same ``best_params_``, and exits with status 1
when they do not.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
import warnings
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

GRID = {"hidden_layer_sizes": [(8,), (32,)], "alpha": [1e-4, 1e-1]}
EPOCHS = [10, 20, 40, 80]
QUICK_EPOCHS = [1, 2]


def _searches(epochs: list[int]):
    from sklearn.model_selection import GridSearchCV, StratifiedKFold

    from skdl import MLPClassifier
    from skdl.model_selection import EpochSearchCV

    net = MLPClassifier(batch_size=32, random_state=0)
    cv = StratifiedKFold(3)
    return {
        "EpochSearchCV": lambda: EpochSearchCV(net, GRID, epochs=epochs, cv=cv),
        "GridSearchCV": lambda: GridSearchCV(net, {**GRID, "max_iter": epochs}, cv=cv),
    }


def _data():
    from sklearn.datasets import load_breast_cancer
    from sklearn.preprocessing import StandardScaler

    X, y = load_breast_cancer(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def run(repeats: int, epochs: list[int]) -> dict:
    """Time both searches round-robin; return times, ratio and equality."""
    from sklearn.exceptions import ConvergenceWarning

    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    X, y = _data()
    searches = _searches(epochs)
    fitted = {name: make().fit(X, y) for name, make in searches.items()}  # warm-up
    times: dict[str, list[float]] = {name: [] for name in searches}
    for _ in range(repeats):
        for name, make in searches.items():
            start = time.perf_counter()
            fitted[name] = make().fit(X, y)
            times[name].append(time.perf_counter() - start)
    ours, theirs = fitted["EpochSearchCV"], fitted["GridSearchCV"]
    a = ours.cv_results_["mean_test_score"]
    b = theirs.cv_results_["mean_test_score"]
    medians = {name: statistics.median(t) for name, t in times.items()}
    return {
        "epochs": epochs,
        "repeats": repeats,
        "times_s": times,
        "median_s": medians,
        "speedup": medians["GridSearchCV"] / medians["EpochSearchCV"],
        "max_abs_score_difference": float(abs(a - b).max()),
        "same_params": ours.cv_results_["params"] == theirs.cv_results_["params"],
        "same_best_params": ours.best_params_ == theirs.best_params_,
        "best_params": {k: repr(v) for k, v in ours.best_params_.items()},
        "cpu_count": os.cpu_count(),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.epoch_search")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="1 and 2 epochs")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    result = run(args.repeats, QUICK_EPOCHS if args.quick else EPOCHS)
    for name, median in result["median_s"].items():
        print(f"{name:>14}: median {median:.2f} s over {args.repeats} runs")
    print(f"speed-up: {result['speedup']:.2f}x")
    print(
        f"max |mean test score difference|: {result['max_abs_score_difference']:.3g}"
        f"; same best_params_: {result['same_best_params']}"
    )
    if args.out is not None:
        args.out.write_text(json.dumps(result, indent=2))
    same = result["same_params"] and result["same_best_params"]
    return 0 if same and result["max_abs_score_difference"] <= 1e-6 else 1


if __name__ == "__main__":
    raise SystemExit(main())
