"""
A CNN on MNIST read from a local ``mnist.npz``
==============================================

:func:`skdl.datasets.load_mnist` reads Keras' file layout. skdl never
downloads data: pass the file you have. Without a path (or when the file is
missing) the example says so and trains on scikit-learn's bundled 8x8
digits instead, so it always runs offline.

Run it: ``python examples/cnn_mnist.py path/to/mnist.npz``
"""

# %%
# Load the images
# ---------------

import sys
from pathlib import Path

import numpy as np
from _util import FAST, epochs, use_agg
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from skdl import ConvClassifier
from skdl.datasets import load_mnist

use_agg()
import matplotlib.pyplot as plt  # noqa: E402

path = Path(sys.argv[1]) if len(sys.argv) > 1 else None
if path is not None and path.exists():
    (X_train, y_train), (X_test, y_test) = load_mnist(path)
    if FAST:  # a slice keeps the short run short
        X_train, y_train = X_train[:2000], y_train[:2000]
        X_test, y_test = X_test[:500], y_test[:500]
    source = f"MNIST ({path.name})"
else:
    print("no mnist.npz given: using sklearn's 8x8 digits")
    X, y = load_digits(return_X_y=True)
    X = (X.reshape(-1, 8, 8) * 16).clip(0, 255).astype("uint8")
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, stratify=y, random_state=0
    )
    source = "sklearn digits"


def show(images, titles, suptitle):
    """A row of grey images with a title each."""
    fig, axes = plt.subplots(
        1, len(images), figsize=(1.4 * len(images), 1.9), squeeze=False
    )
    for ax, image, title in zip(axes[0], images, titles, strict=True):
        ax.imshow(image, cmap="gray_r")
        ax.set_title(title, fontsize=9)
        ax.axis("off")
    fig.suptitle(suptitle)
    return fig


show(X_train[:10], [f"label {v}" for v in y_train[:10]], f"{source}: training images")

# %%
# Train the network
# -----------------
# ``uint8`` pixels are scaled to [0, 1] by the estimator; 3-D input means one
# channel.

model = ConvClassifier(
    filters=(30, 15),
    kernel_size=5,
    dense_layer_sizes=(128, 50),
    dropout=[0.0, 0.2, 0.0, 0.0],
    batch_size=200,
    max_iter=epochs(10, 2),
    random_state=0,
)
model.fit(X_train, y_train)
print(f"{source}: {len(X_train)} training images, input shape {model.input_shape_}")
print(f"test accuracy after {model.n_iter_} epochs: {model.score(X_test, y_test):.4f}")

# %%
# The test images it gets wrong
# -----------------------------
# Each title reads "predicted (true)".

pred = model.predict(X_test)
wrong = np.flatnonzero(pred != y_test)[:10]
print(f"{np.count_nonzero(pred != y_test)} of {len(y_test)} test images misclassified")
if len(wrong):
    show(
        X_test[wrong],
        [f"{pred[i]} ({y_test[i]})" for i in wrong],
        "misclassified test images",
    )
