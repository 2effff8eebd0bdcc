"""
Your first neural network: a 12-8-1 MLP on a binary table
=========================================================

The classic first lesson trains a small network on the Pima Indians diabetes
table. Pass its CSV (no header, 8 features and a 0/1 label) as the first
argument; without one, a synthetic table of the same shape is used.

Run it: ``python examples/first_network.py [pima-indians-diabetes.csv]``
"""

# %%
# The table
# ---------

import sys

import numpy as np
from _util import epochs, use_agg
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split

from skdl import MLPClassifier, plot_history

use_agg()


def load(argv: list[str]) -> tuple[np.ndarray, np.ndarray]:
    if len(argv) > 1:
        table = np.loadtxt(argv[1], delimiter=",")
        return table[:, :8], table[:, 8].astype(int)
    return make_classification(
        n_samples=768, n_features=8, n_informative=5, weights=[0.65], random_state=7
    )


X, y = load(sys.argv)
print(f"{len(X)} rows, {X.shape[1]} features, {y.mean():.0%} positive")
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.33, stratify=y, random_state=7
)

# %%
# Train and evaluate
# ------------------
# 12 and 8 relu units, a sigmoid output, Adam, batches of 10, as in the
# lesson.

model = MLPClassifier(
    hidden_layer_sizes=(12, 8), batch_size=10, max_iter=epochs(150, 10), random_state=7
)
model.fit(X_train, y_train)
print(f"trained {model.n_iter_} epochs, final loss {model.loss_:.4f}")
print(f"test accuracy: {model.score(X_test, y_test):.3f}")
print("first 5 predictions:", model.predict(X_test[:5]), "truth:", y_test[:5])

# %%
# Loss and accuracy per epoch
# ---------------------------

fig = plot_history(model, metrics=["loss", "accuracy"], title="12-8-1 MLP")
