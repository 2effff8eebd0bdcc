"""
Train a CNN from a folder of image files (one subfolder per class)
==================================================================

Usage::

    python examples/image_folder.py [path/to/mnist.npz]

Real image collections are folders of JPEG or PNG files, one subfolder per
class (the cats-vs-dogs layout). This example builds such folders from a
local MNIST file (``mnist.npz``, Keras' layout; found at the given path or
at ``../shared/data/mnist.npz``), or from scikit-learn's bundled digits
when there is none: ``train/<digit>/*.png`` and ``test/<digit>/*.png``.
It then lists them with ``skdl.datasets.load_image_folder`` and trains
``ConvClassifier`` on the file paths: images are decoded batch by batch in
background threads, so the whole data set is never in memory.
``SKDL_EXAMPLES_FAST=1`` runs a quick version (few images, one epoch).
"""

# %%
from __future__ import annotations

import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
from _util import FAST, epochs
from PIL import Image
from sklearn.exceptions import ConvergenceWarning

from skdl import ConvClassifier
from skdl.datasets import load_image_folder, load_mnist

N_TRAIN, N_TEST = (300, 100) if FAST else (12000, 2000)
warnings.filterwarnings("ignore", category=ConvergenceWarning)


def digit_images():
    """``(train, test)`` pairs of uint8 images and labels."""
    candidates = [*sys.argv[1:2], "../shared/data/mnist.npz"]
    found = next((Path(p) for p in candidates if Path(p).is_file()), None)
    if found is not None:
        print(f"MNIST from {found.name}")
        (X, y), (Xt, yt) = load_mnist(found)
        return (X[:N_TRAIN], y[:N_TRAIN]), (Xt[:N_TEST], yt[:N_TEST])
    from sklearn.datasets import load_digits

    print("no mnist.npz found: sklearn's 8x8 digits instead")
    X, y = load_digits(return_X_y=True)
    X = (X.reshape(-1, 8, 8) * 255 / 16).astype(np.uint8)
    return (X[:1300], y[:1300]), (X[1300:], y[1300:])


def write_folder(root: Path, images, labels) -> None:
    """One PNG per image in ``root/<label>/``."""
    for i, (pixels, label) in enumerate(zip(images, labels, strict=True)):
        folder = root / str(label)
        folder.mkdir(parents=True, exist_ok=True)
        Image.fromarray(pixels).save(folder / f"{i:05d}.png")


def main() -> None:
    (X, y), (Xt, yt) = digit_images()
    with tempfile.TemporaryDirectory(prefix="skdl-images-") as tmp:
        write_folder(Path(tmp) / "train", X, y)
        write_folder(Path(tmp) / "test", Xt, yt)
        paths, labels, classes = load_image_folder(Path(tmp) / "train")
        test_paths, test_labels, _ = load_image_folder(Path(tmp) / "test")
        print(f"{len(paths)} training files in {len(classes)} class folders")

        clf = ConvClassifier(
            image_size=(28, 28),
            color_mode="grayscale",
            max_iter=epochs(5, 1),
            random_state=0,
        )
        start = time.perf_counter()
        clf.fit(paths, labels)
        seconds = time.perf_counter() - start
        print(f"trained in {seconds:.1f} s ({clf.fit_engine_[1]})")
        accuracy = clf.score(test_paths, test_labels)
        print(f"test accuracy on {len(test_paths)} files: {accuracy:.3f}")
        print("predicted classes of the first test files:", clf.predict(test_paths[:5]))


if __name__ == "__main__":
    main()
