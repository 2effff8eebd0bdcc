"""ConvClassifier trained from image files: sklearn's digits as PNGs."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from sklearn.datasets import load_digits
from sklearn.model_selection import cross_val_score

from skdl import ConvClassifier
from skdl.datasets import load_image_folder

pytestmark = pytest.mark.slow


def test_cross_validation_on_digit_png_files(tmp_path):
    """The 1,797 digits as 32x32 RGB PNGs in ten class folders."""
    X, y = load_digits(return_X_y=True)
    for i, (pixels, label) in enumerate(zip(X, y, strict=True)):
        folder = tmp_path / str(label)
        folder.mkdir(exist_ok=True)
        img = Image.fromarray((pixels.reshape(8, 8) * 255 / 16).astype(np.uint8))
        img.convert("RGB").resize((32, 32), Image.Resampling.BILINEAR).save(
            folder / f"{i:04d}.png"
        )
    paths, labels, classes = load_image_folder(tmp_path)
    assert len(paths) == 1797
    assert classes == [str(d) for d in range(10)]
    clf = ConvClassifier(image_size=(32, 32), max_iter=10, random_state=0)
    scores = cross_val_score(clf, paths, labels, cv=3)
    assert scores.mean() >= 0.95
