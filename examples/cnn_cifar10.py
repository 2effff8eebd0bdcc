"""A CIFAR-10-style CNN on colour images, read with ``load_cifar10``.

    python examples/cnn_cifar10.py path/to/cifar-10-batches-py   # or the .tar.gz

Without a path, the example writes a small stand-in in CIFAR-10's own file
format (sklearn's digits, enlarged to 32x32 and coloured) and reads that,
so the loader and the network run offline. Photos suit ``augmentation=
'photo'``: small shifts, zoom and horizontal flips.
"""

from __future__ import annotations

import pickle
import sys
import tempfile
from pathlib import Path

import numpy as np
from _util import FAST, epochs
from sklearn.datasets import load_digits

from skdl import ConvClassifier
from skdl.datasets import load_cifar10


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
