"""
The first-layer weights of an MLP trained on MNIST, drawn as images
===================================================================

    python examples/mlp_mnist_filters.py path/to/mnist.npz

Each of the 784 x 50 first-layer weights' columns is one hidden unit's view
of a 28 x 28 image; after a few epochs of SGD they look like strokes and
blobs. The same figure as scikit-learn's "Visualization of MLP weights on
MNIST", with skdl's estimator and a local ``mnist.npz`` (Keras' layout)
instead of a download. Without the file it uses sklearn's 8x8 digits.
"""

# %%
from __future__ import annotations

import sys
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from _util import FAST, epochs, output_path, use_agg
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning

from skdl import MLPClassifier
from skdl.datasets import load_mnist

use_agg()
path = Path(sys.argv[1]) if len(sys.argv) > 1 else None
if path is not None and path.exists():
    (X_train, y_train), (X_test, y_test) = load_mnist(path)
    side = 28
else:
    print("no mnist.npz given: using sklearn's 8x8 digits")
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = X[:1500] * 16, X[1500:] * 16, y[:1500], y[1500:]
    side = 8
if FAST:  # a slice keeps the smoke run short
    X_train, y_train, X_test, y_test = (
        X_train[:2000],
        y_train[:2000],
        X_test[:500],
        y_test[:500],
    )
X_train = np.asarray(X_train, dtype=np.float64).reshape(len(X_train), -1) / 255.0
X_test = np.asarray(X_test, dtype=np.float64).reshape(len(X_test), -1) / 255.0

model = MLPClassifier(
    (50,),
    solver="sgd",
    learning_rate_init=0.1,
    alpha=1e-4,
    max_iter=epochs(10, 2),
    random_state=1,
    verbose=True,
)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)  # 10 epochs on purpose
    model.fit(X_train, y_train)
print(f"training accuracy {model.score(X_train, y_train):.3f}")
print(f"test accuracy {model.score(X_test, y_test):.3f}")

weights = model.coefs_[0]  # (n_pixels, 50)
low, high = 0.5 * weights.min(), 0.5 * weights.max()  # one scale for all
fig, axes = plt.subplots(4, 4, figsize=(6, 6))
for unit, ax in enumerate(axes.ravel()):
    ax.matshow(weights[:, unit].reshape(side, side), cmap="gray", vmin=low, vmax=high)
    ax.set(xticks=(), yticks=())
fig.suptitle("first-layer weights of 16 hidden units")
out = output_path("mlp_mnist_filters.png")
fig.savefig(out)
print(f"saved {out}")
