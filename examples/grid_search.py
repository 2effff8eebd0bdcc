"""Tune a network's hyperparameters with GridSearchCV.

Every skdl parameter is an ordinary sklearn parameter, so the grid names
them directly (through the pipeline step's name).

    python examples/grid_search.py
"""

from __future__ import annotations

from _util import FAST, epochs
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdl import MLPClassifier

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
