"""Benchmark data: the tutorial tables, or synthetic tables of their size."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from sklearn.datasets import load_breast_cancer, make_classification
from sklearn.preprocessing import StandardScaler

_ROOT = Path(__file__).resolve().parents[1]
# The tutorial datasets live in ``shared/data`` beside the checkout (or one
# level further up for a checkout inside a folder of checkouts), or where
# SKDL_SHARED_DATA points.
SHARED = next(
    (
        base / "shared" / "data"
        for base in (_ROOT.parent, _ROOT.parent.parent)
        if (base / "shared" / "data").is_dir()
    ),
    _ROOT.parent / "shared" / "data",
)
if os.environ.get("SKDL_SHARED_DATA"):
    SHARED = Path(os.environ["SKDL_SHARED_DATA"])


def pima(n_train: int = 426) -> dict:
    """Pima diabetes: 8 features; the first ``n_train`` rows train, the rest test."""
    path = SHARED / "pima-indians-diabetes.csv"
    if path.exists():
        table = np.loadtxt(path, delimiter=",")
        X, y, source = table[:, :8], table[:, 8].astype(int), str(path.name)
    else:
        X, y = make_classification(768, 8, n_informative=5, random_state=0)
        source = "synthetic (make_classification, 768 x 8)"
    return _split(X, y, n_train, source)


def breast_cancer() -> dict:
    """scikit-learn's breast cancer table (569 x 30), standardized."""
    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X).astype(np.float32)
    return {"X": X, "y": y, "source": "sklearn.datasets.load_breast_cancer"}


def churn(n_rows: int = 10_000) -> dict:
    """Bank churn with the tutorial's 11 features (real file when present)."""
    path = SHARED / "Churn_Modelling.csv"
    if path.exists() and n_rows <= 10_000:
        import pandas as pd

        frame = pd.read_csv(path).iloc[:n_rows]
        y = frame["Exited"].to_numpy()
        frame = frame.drop(columns=["RowNumber", "CustomerId", "Surname", "Exited"])
        frame["Gender"] = (frame["Gender"] == "Male").astype(float)
        frame = pd.get_dummies(frame, columns=["Geography"], drop_first=True)
        X, source = frame.to_numpy(dtype=float), str(path.name)
    else:
        X, y = make_classification(n_rows, 11, n_informative=6, random_state=0)
        source = f"synthetic (make_classification, {n_rows} x 11)"
    X = StandardScaler().fit_transform(X).astype(np.float32)
    return {"X": X, "y": y, "X_test": X, "y_test": y, "source": source}


def _split(X, y, n_train, source) -> dict:
    scaler = StandardScaler().fit(X[:n_train])
    X = scaler.transform(X).astype(np.float32)
    return {
        "X": X[:n_train],
        "y": y[:n_train],
        "X_test": X[n_train:],
        "y_test": y[n_train:],
        "source": source,
    }


def lbfgs_table(name: str) -> dict:
    """Breast cancer (standardized) or digits (pixels / 16), float64, 75/25 split.

    float64 because that is what sklearn's L-BFGS computes in, and skdl
    trains a float64 network for float64 input too.
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    if name == "breast_cancer":
        X, y = load_breast_cancer(return_X_y=True)
        X = StandardScaler().fit_transform(X)
    else:
        X, y = load_digits(return_X_y=True)
        X = X / 16.0
    X_tr, X_te, y_tr, y_te = train_test_split(
        X, y, test_size=0.25, random_state=0, stratify=y
    )
    source = f"sklearn.datasets.load_{name} ({X.shape[0]} x {X.shape[1]})"
    return {"X": X_tr, "y": y_tr, "X_test": X_te, "y_test": y_te, "source": source}


def sms(quick: bool = False) -> dict:
    """SMS spam texts (stratified 80/20 split), or generated messages."""
    import csv

    from sklearn.model_selection import train_test_split

    path = SHARED / "sms_spam.tsv"
    if path.exists():
        with open(path, newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))[1:]
        texts, labels = [r[1] for r in rows], [r[0] for r in rows]
        source = path.name
    else:
        rng = np.random.RandomState(0)
        words = [f"w{i}" for i in range(300)]
        labels = ["spam" if i % 7 == 0 else "ham" for i in range(5000)]
        texts = [
            " ".join(rng.choice(words[:150] if lab == "ham" else words[100:], 16))
            for lab in labels
        ]
        source = "generated texts (5000)"
    X, X_test, y, y_test = train_test_split(
        texts, labels, test_size=0.2, stratify=labels, random_state=0
    )
    if quick:
        X, y = X[:300], y[:300]
    return {"X": X, "y": y, "X_test": X_test, "y_test": y_test, "source": source}
