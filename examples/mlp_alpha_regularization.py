"""
How the L2 penalty ``alpha`` shapes an MLP's decision boundary
==============================================================

    python examples/mlp_alpha_regularization.py

Three two-feature problems (moons, circles, two noisy blobs), an MLP of two
hidden layers trained by L-BFGS for each ``alpha`` from 1e-5 to 1000: small
penalties draw wiggly boundaries around the training points, large ones
shrink the weights until the boundary is nearly straight (or the network
gives up and predicts one class). The same figure as scikit-learn's
"Varying regularization in Multi-layer Perceptron", with skdl's estimator.
"""

# %%
from __future__ import annotations

import warnings

import matplotlib.pyplot as plt
import numpy as np
from _util import FAST, output_path, use_agg
from sklearn.datasets import make_circles, make_classification, make_moons
from sklearn.exceptions import ConvergenceWarning
from sklearn.inspection import DecisionBoundaryDisplay
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skdl import MLPClassifier

use_agg()
ALPHAS = [1e-5, 1e3] if FAST else list(np.logspace(-5, 3, 5))
HIDDEN = (10, 10) if FAST else (100, 100)
MAX_ITER = 50 if FAST else 2000


def problems() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    blobs_X, blobs_y = make_classification(
        n_features=2,
        n_redundant=0,
        n_informative=2,
        n_clusters_per_class=1,
        random_state=0,
    )
    blobs_X = blobs_X + 2 * np.random.RandomState(2).uniform(size=blobs_X.shape)
    return {
        "moons": make_moons(noise=0.3, random_state=0),
        "circles": make_circles(noise=0.2, factor=0.5, random_state=1),
        "blobs": (blobs_X, blobs_y),
    }


def panel(ax, model, X_train, y_train, X_test, y_test, title) -> None:
    DecisionBoundaryDisplay.from_estimator(
        model, X_train, response_method="predict_proba", cmap="RdBu", alpha=0.8, ax=ax
    )
    ax.scatter(*X_train.T, c=y_train, cmap="bwr", edgecolors="k", s=20)
    ax.scatter(*X_test.T, c=y_test, cmap="bwr", edgecolors="k", s=20, alpha=0.5)
    ax.set(title=title, xticks=(), yticks=())


data = problems()
fig, axes = plt.subplots(
    len(data), len(ALPHAS), figsize=(3.2 * len(ALPHAS), 3 * len(data)), squeeze=False
)
for row, (name, (X, y)) in zip(axes, data.items(), strict=True):
    X = StandardScaler().fit_transform(X)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.4, random_state=42
    )
    for ax, alpha in zip(row, ALPHAS, strict=True):
        model = MLPClassifier(
            HIDDEN, solver="lbfgs", alpha=alpha, max_iter=MAX_ITER, random_state=1
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(X_train, y_train)
        score = model.score(X_test, y_test)
        panel(ax, model, X_train, y_train, X_test, y_test, f"alpha={alpha:g}")
        ax.text(0.95, 0.05, f"{score:.2f}", transform=ax.transAxes, ha="right")
        print(f"{name:8s} alpha={alpha:<8g} test accuracy {score:.2f}")
fig.tight_layout()
path = output_path("mlp_alpha_regularization.png")
fig.savefig(path)
print(f"saved {path}")
