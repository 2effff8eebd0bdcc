"""
Training-loss curves of SGD (with and without momentum) and Adam
================================================================

    python examples/mlp_training_strategies.py

Each curve is an MLP's ``loss_curve_`` for one learning strategy on one
small dataset: a constant or inverse-scaling learning rate, plain,
classical or Nesterov momentum, and Adam. The same comparison as
scikit-learn's "Compare Stochastic learning strategies for MLPClassifier",
with skdl's estimator.
"""

# %%
from __future__ import annotations

import warnings

import matplotlib.pyplot as plt
from _util import FAST, output_path, use_agg
from sklearn.datasets import load_digits, load_iris, make_circles, make_moons
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import MinMaxScaler

from skdl import MLPClassifier

use_agg()
SGD = {"solver": "sgd", "learning_rate_init": 0.2}
STRATEGIES = {
    "constant": (dict(SGD, momentum=0), "tab:red", "-"),
    "constant, momentum": (
        dict(SGD, momentum=0.9, nesterovs_momentum=False),
        "tab:green",
        "-",
    ),
    "constant, Nesterov": (dict(SGD, momentum=0.9), "tab:blue", "-"),
    "inv-scaling": (dict(SGD, learning_rate="invscaling", momentum=0), "tab:red", "--"),
    "inv-scaling, momentum": (
        dict(SGD, learning_rate="invscaling", momentum=0.9, nesterovs_momentum=False),
        "tab:green",
        "--",
    ),
    "inv-scaling, Nesterov": (
        dict(SGD, learning_rate="invscaling", momentum=0.9),
        "tab:blue",
        "--",
    ),
    "adam": ({"solver": "adam", "learning_rate_init": 0.01}, "black", "-"),
}
if FAST:
    STRATEGIES = {k: STRATEGIES[k] for k in ("constant", "adam")}

DATASETS = {
    "iris": load_iris(return_X_y=True),
    "digits": load_digits(return_X_y=True),
    "circles": make_circles(noise=0.2, factor=0.5, random_state=1),
    "moons": make_moons(noise=0.3, random_state=0),
}


def epochs_for(name: str) -> int:
    if FAST:
        return 3
    return 15 if name == "digits" else 400  # digits is larger, and quick


fig, axes = plt.subplots(2, 2, figsize=(12, 8))
for ax, (name, (X, y)) in zip(axes.ravel(), DATASETS.items(), strict=True):
    X = MinMaxScaler().fit_transform(X)
    for label, (params, color, style) in STRATEGIES.items():
        model = MLPClassifier(max_iter=epochs_for(name), random_state=0, **params)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(X, y)
        ax.plot(model.loss_curve_, color=color, linestyle=style, label=label)
        print(
            f"{name:8s} {label:22s} epochs {model.n_iter_:4d}  "
            f"loss {model.loss_:.4f}  training accuracy {model.score(X, y):.3f}"
        )
    ax.set(title=name, xlabel="epoch", ylabel="training loss")
axes[0, 0].legend(fontsize="small")
fig.tight_layout()
path = output_path("mlp_training_strategies.png")
fig.savefig(path)
print(f"saved {path}")
