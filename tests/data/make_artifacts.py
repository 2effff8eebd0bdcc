"""Write the small fitted models that later skdl versions must keep reading.

Run from the repository root, once per release that changes how estimators
are stored::

    python tests/data/make_artifacts.py

It writes ``tests/data/compat/<skdl version>/``: small MLP classifiers and
regressor and a ChurnPipeline, each in skdl's safe format (``.skops``;
folders of format version 1 hold ``.skdl`` files) and as a joblib pickle
(``.joblib``), plus ``cases.npz``
with the inputs and the predictions the models gave when they were saved.
``tests/unit/test_compat_artifacts.py`` loads every version folder found
there and checks that the predictions are still identical. Commit the new
folder; never edit or regenerate an old one.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import joblib
import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import skdl  # noqa: E402
from skdl import ChurnPipeline, MLPClassifier, MLPRegressor  # noqa: E402
from skdl.datasets import make_churn  # noqa: E402

SMALL = dict(hidden_layer_sizes=(6,), max_iter=20, learning_rate_init=0.02)


def _models(X: np.ndarray) -> dict:
    """Name -> fitted estimator; small networks so the files stay small."""
    binary = (X[:, 0] + X[:, 1] > 0).astype(int)
    fruit = np.array(["apple", "banana", "cherry"])
    multiclass = fruit[(X[:, 0] > 0).astype(int) + (X[:, 2] > 0.5)]
    targets = np.column_stack([10 * X[:, 0] - X[:, 1], X[:, 2] ** 2])
    return {
        "mlp_classifier_binary": MLPClassifier(random_state=0, **SMALL).fit(X, binary),
        "mlp_classifier_multiclass": MLPClassifier(random_state=1, **SMALL).fit(
            X, multiclass
        ),
        "mlp_regressor_multioutput": MLPRegressor(random_state=2, **SMALL).fit(
            X, targets
        ),
    }


def main() -> Path:
    out = Path(__file__).resolve().parent / "compat" / skdl.__version__
    out.mkdir(parents=True, exist_ok=True)
    X = np.random.RandomState(0).normal(size=(40, 4))
    cases = {"X": X}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning of tiny fits
        models = _models(X)
        churn = make_churn(n_samples=120, random_state=0)
        X_churn = churn.drop(columns=["Exited"])
        models["churn_pipeline"] = ChurnPipeline(
            hidden_layer_sizes=(4,), max_iter=10, random_state=3
        ).fit(X_churn, churn["Exited"])
    # The churn table is stored column by column (npz holds plain arrays).
    cases["churn__columns"] = np.array(X_churn.columns, dtype=str)
    for col in X_churn.columns:
        values = X_churn[col].to_numpy()
        numeric = pd.api.types.is_numeric_dtype(X_churn[col])
        cases[f"churn__X__{col}"] = values if numeric else values.astype(str)
    for name, est in models.items():
        X = X_churn if name == "churn_pipeline" else cases["X"]
        skdl.save(est, out / f"{name}.skops")
        joblib.dump(est, out / f"{name}.joblib", compress=3)
        cases[f"{name}__predict"] = est.predict(X)
        if hasattr(est, "predict_proba"):
            cases[f"{name}__predict_proba"] = est.predict_proba(X)
    np.savez_compressed(out / "cases.npz", **cases)
    return out


if __name__ == "__main__":
    folder = main()
    total = sum(p.stat().st_size for p in folder.iterdir())
    print(f"wrote {folder} ({total / 1024:.1f} KiB)")
