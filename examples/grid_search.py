"""
Tune a network's hyperparameters with GridSearchCV
==================================================

Every skdl parameter is an ordinary scikit-learn parameter, so the grid names
them directly (through the pipeline step's name).

Run it: ``python examples/grid_search.py``
"""

# %%
# Search the grid
# ---------------

import numpy as np
from _util import FAST, epochs, use_agg
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdl import MLPClassifier

use_agg()
import matplotlib.pyplot as plt  # noqa: E402

X, y = load_breast_cancer(return_X_y=True)
pipe = make_pipeline(
    StandardScaler(), MLPClassifier(max_iter=epochs(60, 5), random_state=0)
)
grid = {
    "mlpclassifier__hidden_layer_sizes": [(8,), (16, 8)],
    "mlpclassifier__batch_size": [16, 64],
}
if not FAST:
    grid["mlpclassifier__solver"] = ["adam", "rmsprop"]
search = GridSearchCV(pipe, grid, cv=StratifiedKFold(3, shuffle=True, random_state=0))
search.fit(X, y)
print(f"best accuracy {search.best_score_:.3f} with {search.best_params_}")
for mean, params in zip(
    search.cv_results_["mean_test_score"], search.cv_results_["params"], strict=True
):
    print(f"  {mean:.3f}  {params}")

# %%
# Mean accuracy of each candidate
# -------------------------------
# One row per candidate, with the spread over the three folds.

results = search.cv_results_
labels = [
    ", ".join(f"{k.split('__')[1]}={v}" for k, v in p.items())
    for p in results["params"]
]
order = np.argsort(results["mean_test_score"])
fig, ax = plt.subplots(figsize=(7, 0.45 * len(labels) + 1.2))
ax.barh(
    np.array(labels)[order],
    results["mean_test_score"][order],
    xerr=results["std_test_score"][order],
)
ax.set(xlabel="mean cross-validated accuracy", title="GridSearchCV candidates")
ax.set_xlim(min(results["mean_test_score"]) - 0.05, 1.0)
fig.tight_layout()
