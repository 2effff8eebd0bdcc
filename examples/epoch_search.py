"""
Tune the number of epochs with EpochSearchCV, and plot score against epochs
===========================================================================

Each setting of the grid is trained once per fold, to the largest number of
epochs, and scored after each listed number: the same results as
``GridSearchCV`` over ``max_iter``, for a fraction of the training. The plot
shows the mean cross-validated accuracy of each setting against the number
of epochs (with one standard deviation across folds).

    python examples/epoch_search.py
"""

# %%
from __future__ import annotations

import warnings

from _util import FAST, output_path, use_agg
from sklearn.datasets import load_breast_cancer
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdl import MLPClassifier
from skdl.model_selection import EpochSearchCV

use_agg()
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)

# Short fits stop at max_iter before converging, on purpose here.
warnings.filterwarnings("ignore", category=ConvergenceWarning)

X, y = load_breast_cancer(return_X_y=True)
pipe = make_pipeline(StandardScaler(), MLPClassifier(batch_size=32, random_state=0))
grid = {
    "mlpclassifier__hidden_layer_sizes": [(8,), (32,)],
    "mlpclassifier__alpha": [1e-4, 1e-1],
}
epochs = [1, 2, 4] if FAST else [5, 10, 20, 40, 80, 160]
search = EpochSearchCV(
    pipe, grid, epochs=epochs, cv=StratifiedKFold(3, shuffle=True, random_state=0)
).fit(X, y)
print(f"best accuracy {search.best_score_:.3f} after {search.best_epoch_} epochs")
print(f"best parameters: {search.best_params_}")

results = search.cv_results_
key = "mlpclassifier__max_iter"
curves: dict[str, list[tuple[int, float, float]]] = {}
for params, mean, std in zip(
    results["params"],
    results["mean_test_score"],
    results["std_test_score"],
    strict=True,
):
    label = ", ".join(
        f"{name.split('__')[-1]}={value}"
        for name, value in params.items()
        if name != key
    )
    curves.setdefault(label, []).append((params[key], mean, std))

fig, ax = plt.subplots(figsize=(7, 4.5))
for label, points in curves.items():
    points.sort()
    n, mean, std = (list(column) for column in zip(*points, strict=True))
    ax.errorbar(n, mean, yerr=std, marker="o", capsize=3, label=label)
ax.set_xscale("log", base=2)
ax.set_xticks(epochs, [str(n) for n in epochs])
ax.set_xlabel("epochs (max_iter)")
ax.set_ylabel("mean CV accuracy")
ax.set_title("Breast cancer MLP: accuracy against epochs, per setting")
ax.legend(fontsize="small")
fig.tight_layout()
path = output_path("epoch_search.png")
fig.savefig(path, dpi=90)
print(f"saved {path}")
