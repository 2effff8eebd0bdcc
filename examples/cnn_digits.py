"""A convolutional network on handwritten digits, with and without augmentation.

Usage::

    python examples/cnn_digits.py

Uses scikit-learn's bundled 8x8 digits (offline). Trains the default
ConvClassifier on 75% of the images (stratified), then the same network with
``augmentation='light'``, prints test accuracy and fit times, and saves
``cnn_digits_curves.png`` (training loss per epoch) and
``cnn_digits_confusion.png`` in the working directory.
``SKDL_EXAMPLES_FAST=1`` runs a quick version (3 epochs) for smoke tests.
"""

from __future__ import annotations

import os
import time
import warnings

from matplotlib.figure import Figure  # no pyplot: files only, never a window
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import ConfusionMatrixDisplay
from sklearn.model_selection import train_test_split

from skdl import ConvClassifier

FAST = os.environ.get("SKDL_EXAMPLES_FAST") == "1"
EPOCHS = 3 if FAST else 30
# A fixed budget of epochs: sklearn's convergence test (loss still improving
# by more than tol) would warn that training could go on.
warnings.filterwarnings("ignore", category=ConvergenceWarning)


def main() -> None:
    X, y = load_digits(return_X_y=True)
    images = X.reshape(-1, 8, 8, 1) / 16.0  # pixels 0..16 -> [0, 1]
    X_train, X_test, y_train, y_test = train_test_split(
        images, y, test_size=0.25, stratify=y, random_state=0
    )
    print(f"{len(X_train)} training and {len(X_test)} test images of 8x8 pixels")

    models = {
        "default": ConvClassifier(max_iter=EPOCHS, random_state=0),
        "augmentation='light'": ConvClassifier(
            augmentation="light", max_iter=EPOCHS, random_state=0
        ),
    }
    for name, clf in models.items():
        start = time.perf_counter()
        clf.fit(X_train, y_train)
        seconds = time.perf_counter() - start
        accuracy = clf.score(X_test, y_test)
        print(
            f"{name:>22}: test accuracy {accuracy:.4f}, "
            f"{clf.n_iter_} epochs in {seconds:.1f} s"
        )

    fig = Figure(figsize=(6, 4))
    ax = fig.subplots()
    for name, clf in models.items():
        ax.plot(range(1, clf.n_iter_ + 1), clf.loss_curve_, label=name)
    ax.set(xlabel="epoch", ylabel="training loss", yscale="log")
    ax.set_title("ConvClassifier on sklearn's digits")
    ax.legend()
    fig.tight_layout()
    fig.savefig("cnn_digits_curves.png", dpi=100)
    print("Saved cnn_digits_curves.png")

    fig = Figure(figsize=(5, 5))
    ConfusionMatrixDisplay.from_estimator(
        models["default"], X_test, y_test, ax=fig.subplots(), colorbar=False
    )
    fig.axes[0].set_title("Default ConvClassifier, test images")
    fig.tight_layout()
    fig.savefig("cnn_digits_confusion.png", dpi=100)
    print("Saved cnn_digits_confusion.png")


if __name__ == "__main__":
    main()
