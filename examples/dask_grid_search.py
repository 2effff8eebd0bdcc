"""
Grid search over a network on a Dask cluster, through joblib
============================================================

The same :class:`~sklearn.model_selection.GridSearchCV` code runs on a local
cluster here, and on a real multi-machine cluster by pointing ``Client`` at
its scheduler address; the fits are ordinary joblib tasks, and skdl
estimators pickle to travel.

Run it: ``python examples/dask_grid_search.py``
"""

# %%
# Fit the grid on a local cluster
# -------------------------------

import joblib
from _util import epochs, use_agg
from dask.distributed import Client, LocalCluster
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdl import MLPClassifier

use_agg()
import matplotlib.pyplot as plt  # noqa: E402

if __name__ == "__main__":
    X, y = load_breast_cancer(return_X_y=True)
    pipe = make_pipeline(
        StandardScaler(), MLPClassifier(max_iter=epochs(60, 5), random_state=0)
    )
    grid = GridSearchCV(
        pipe, {"mlpclassifier__hidden_layer_sizes": [(8,), (16,)]}, cv=3, n_jobs=-1
    )
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True)
    with cluster, Client(cluster) as client, joblib.parallel_backend("dask"):
        print(f"dask cluster: {len(client.scheduler_info()['workers'])} workers")
        grid.fit(X, y)
    print(f"best accuracy {grid.best_score_:.3f} with {grid.best_params_}")

# %%
# Fold scores of each candidate
# -----------------------------
# The scores came back from the cluster's workers into ``cv_results_``.

if __name__ == "__main__":
    results = grid.cv_results_
    fig, ax = plt.subplots(figsize=(6, 3.5))
    for i, params in enumerate(results["params"]):
        folds = [results[f"split{k}_test_score"][i] for k in range(3)]
        size = params["mlpclassifier__hidden_layer_sizes"]
        ax.plot([1, 2, 3], folds, marker="o", label=f"hidden_layer_sizes={size}")
    ax.set(xlabel="fold", ylabel="test accuracy", xticks=[1, 2, 3])
    ax.set_title("GridSearchCV on a Dask cluster")
    ax.legend()
    fig.tight_layout()
