"""
Transfer learning: a network trained on MNIST reused on scikit-learn's digits
=============================================================================

A :class:`~skdl.ConvClassifier` trains on 10,000 MNIST images (28x28); its
network without the output layer is saved as ``mnist_backbone.keras`` and
reused, frozen, as the ``backbone`` of a new ConvClassifier trained on only
100 of scikit-learn's 8x8 digits (enlarged to 20x20 and centred in 28x28
frames, MNIST's layout). Its accuracy on the other 1,697 digits is compared
with the same network trained from scratch, and with a short fine-tuning
phase. Without ``mnist.npz`` (``../shared/data/mnist.npz`` by default) the
example says so and stops.

Run it: ``python examples/transfer_mnist_digits.py [path/to/mnist.npz]``
"""

# %%
# Train the backbone on MNIST
# ---------------------------

import sys
import warnings
from pathlib import Path

import numpy as np
from _util import FAST, epochs, output_path, use_agg
from scipy.ndimage import zoom
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from skdl import ConvClassifier
from skdl.datasets import load_mnist

use_agg()
import matplotlib.pyplot as plt  # noqa: E402

# A fixed budget of epochs: sklearn's convergence test would warn that
# training could go on.
warnings.filterwarnings("ignore", category=ConvergenceWarning)
# The script's path: sys.argv[0] (the gallery defines no __file__).
DEFAULT_MNIST = Path(sys.argv[0]).resolve().parents[1] / ".." / "shared/data/mnist.npz"


def digits_as_mnist() -> tuple[np.ndarray, np.ndarray]:
    """The 8x8 digits enlarged to 20x20 and padded to 28x28, in [0, 1]."""
    X, y = load_digits(return_X_y=True)
    images = zoom((X / 16.0).reshape(-1, 8, 8), (1, 2.5, 2.5), order=1)
    images = np.pad(np.clip(images, 0.0, 1.0), ((0, 0), (4, 4), (4, 4)))
    return images[..., None].astype(np.float32), y


def train_backbone(mnist_path: Path) -> Path:
    import keras

    (X, y), _ = load_mnist(mnist_path)
    n = 2000 if FAST else 10000
    source = ConvClassifier(max_iter=epochs(5, 1), random_state=0).fit(X[:n], y[:n])
    net = source.model_
    path = output_path("mnist_backbone.keras")
    keras.Model(net.inputs, net.layers[-2].output).save(path)
    print(f"Trained on {n} MNIST images; backbone saved to {path.name}")
    return path


mnist_path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_MNIST
if mnist_path.exists():
    backbone = train_backbone(mnist_path)
else:
    backbone = None
    print(f"{mnist_path} not found: pass the path of MNIST's mnist.npz.")

# %%
# sklearn's digits in MNIST's layout
# ----------------------------------

X, y = digits_as_mnist()
X_train, X_test, y_train, y_test = train_test_split(
    X, y, train_size=100, stratify=y, random_state=0
)
print(f"Digits: {len(X_train)} training and {len(X_test)} test images")
fig, axes = plt.subplots(1, 8, figsize=(8, 1.4))
for ax, image, label in zip(axes, X_train, y_train, strict=False):
    ax.imshow(image[..., 0], cmap="gray_r")
    ax.set_title(f"label {label}", fontsize=9)
    ax.axis("off")

# %%
# Three classifiers trained on 100 digits
# ---------------------------------------

if backbone is not None:
    n = epochs(20, 3)  # 20: ConvClassifier's default max_iter
    models = {
        "from scratch": ConvClassifier(max_iter=n, random_state=0),
        "MNIST backbone, frozen": ConvClassifier(
            backbone=str(backbone), max_iter=n, random_state=0
        ),
        "MNIST backbone, then fine-tuned": ConvClassifier(
            backbone=str(backbone),
            max_iter=n,
            fine_tune_epochs=epochs(10, 2),
            random_state=0,
        ),
    }
    scores = {}
    for name, clf in models.items():
        clf.fit(X_train, y_train)
        scores[name] = clf.score(X_test, y_test)
        print(f"{name:>32}: test accuracy {scores[name]:.3f}")
    fig, ax = plt.subplots(figsize=(6, 2.6))
    ax.barh(list(scores), list(scores.values()))
    ax.set(xlabel="test accuracy on 1,697 digits", xlim=(0, 1))
    ax.set_title("Trained on 100 digits")
    fig.tight_layout()
