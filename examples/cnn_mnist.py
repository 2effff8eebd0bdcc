"""A CNN on MNIST read from a local ``mnist.npz`` (Keras' file layout).

    python examples/cnn_mnist.py path/to/mnist.npz

skdl never downloads data: pass the file you have. Without a path (or when
the file is missing) the example says so and trains on sklearn's bundled
8x8 digits instead, so it always runs offline.
"""

from __future__ import annotations

import sys
from pathlib import Path

from _util import FAST, epochs
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from skdl import ConvClassifier
from skdl.datasets import load_mnist

path = Path(sys.argv[1]) if len(sys.argv) > 1 else None
if path is not None and path.exists():
    (X_train, y_train), (X_test, y_test) = load_mnist(path)
    if FAST:  # a slice keeps the smoke run short
        X_train, y_train, X_test, y_test = (
            X_train[:2000],
            y_train[:2000],
            X_test[:500],
            y_test[:500],
        )
    source = f"MNIST from {path}"
else:
    print("no mnist.npz given: using sklearn's 8x8 digits")
    X, y = load_digits(return_X_y=True)
    X = (X.reshape(-1, 8, 8) * 16).clip(0, 255).astype("uint8")
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, stratify=y, random_state=0
    )
    source = "sklearn digits"

# uint8 pixels are scaled to [0, 1] by the estimator; 3-D input means one channel.
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
