"""
A CIFAR-10-style CNN on colour images
=====================================

:func:`skdl.datasets.load_cifar10` reads CIFAR-10's own files (the
``cifar-10-batches-py`` folder or its ``.tar.gz``). Without a path, the
example writes a small stand-in in that format (sklearn's digits, enlarged to
32x32 and coloured) and reads it, so the loader and the network run offline.
Photos suit ``augmentation='photo'``: small shifts, zoom and horizontal flips.

Run it: ``python examples/cnn_cifar10.py path/to/cifar-10-batches-py``
"""

# %%
# Read the batches
# ----------------

import pickle
import sys
import tempfile
from pathlib import Path

import numpy as np
from _util import FAST, epochs, use_agg
from sklearn.datasets import load_digits

from skdl import ConvClassifier
from skdl.datasets import load_cifar10

use_agg()
import matplotlib.pyplot as plt  # noqa: E402


def write_stand_in(folder: Path) -> Path:
    """Write digits as CIFAR-10 batches (3072 uint8 values a row, CHW order)."""
    X, y = load_digits(return_X_y=True)
    rng = np.random.RandomState(0)
    img = np.kron(X.reshape(-1, 8, 8) * 15, np.ones((4, 4)))  # 32x32
    tint = rng.uniform(0.5, 1.0, size=(len(X), 3, 1, 1))
    rows = (img[:, None] * tint).clip(0, 255).astype(np.uint8).reshape(len(X), -1)
    cut = int(0.8 * len(rows))
    for i in range(5):  # five training batches, as CIFAR-10 ships them
        idx = np.arange(cut)[i::5]
        batch = {b"data": rows[idx], b"labels": y[idx].tolist()}
        (folder / f"data_batch_{i + 1}").write_bytes(pickle.dumps(batch))
    test = {b"data": rows[cut:], b"labels": y[cut:].tolist()}
    (folder / "test_batch").write_bytes(pickle.dumps(test))
    return folder


with tempfile.TemporaryDirectory() as tmp:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else write_stand_in(Path(tmp))
    (X_train, y_train), (X_test, y_test) = load_cifar10(path)
if FAST:
    X_train, y_train = X_train[:1000], y_train[:1000]
print(f"images {X_train.shape[1:]} from {path if len(sys.argv) > 1 else 'a stand-in'}")

fig, axes = plt.subplots(1, 8, figsize=(10, 1.8))
for ax, image, label in zip(axes, X_train, y_train, strict=False):
    ax.imshow(image)  # (32, 32, 3) uint8, channels last
    ax.set_title(f"label {label}", fontsize=9)
    ax.axis("off")

# %%
# Train and score
# ---------------

model = ConvClassifier(
    filters=(32, 64),
    dense_layer_sizes=(128,),
    dropout=0.25,
    augmentation=None if FAST else "photo",
    max_iter=epochs(20, 2),
    random_state=0,
)
model.fit(X_train, y_train)
print(f"test accuracy after {model.n_iter_} epochs: {model.score(X_test, y_test):.4f}")
