"""Bad image files given as X: clear errors, fitted state unchanged.

One ConvClassifier is fitted on small PNG files for the module. Hypothesis
picks which file of a batch is missing or unreadable (text, truncated PNG,
empty file) and which method meets it; after every rejected call the
classifier must predict exactly as before (see ``_guard.rejected``), so a
``fit`` that fails on a bad file, even mid-training, keeps the fitted model.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from skdl import ConvClassifier
from tests.property._guard import FEW, rejected

# Each example may train (two epochs over a dozen files): fewer examples.
TRAINING = settings(FEW, max_examples=5)

N_FILES = 12
METHODS = st.sampled_from(["fit", "partial_fit", "predict", "predict_proba"])
DAMAGE = st.sampled_from(["missing", "text", "truncated", "empty"])
_serial = itertools.count()


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("images")
    rng = np.random.RandomState(0)
    for i in range(N_FILES):
        pixels = rng.randint(0, 256, size=(6, 6, 3), dtype=np.uint8)
        Image.fromarray(pixels).save(root / f"{i:02d}.png")
    return root


@pytest.fixture(scope="module")
def model(folder):
    paths = [str(p) for p in sorted(folder.glob("*.png"))]
    y = np.array(["cat", "dog"] * (N_FILES // 2))
    clf = ConvClassifier(
        filters=(2,), dense_layer_sizes=(), max_iter=2, batch_size=4, random_state=0
    )
    return clf.fit(paths, y), paths, y


def _damaged(folder, paths, position: int, damage: str) -> list[str]:
    """``paths`` with the file at ``position`` replaced by a bad one."""
    bad = folder / f"bad{next(_serial)}.png"
    if damage == "text":
        bad.write_text("not an image")
    elif damage == "truncated":
        bad.write_bytes(Path(paths[position]).read_bytes()[:40])
    elif damage == "empty":
        bad.write_bytes(b"")
    out = list(paths)
    out[position] = str(bad)
    return out


def _call(clf, where, X, y):
    if where.startswith("predict"):
        return getattr(clf, where)(X)
    return getattr(clf, where)(X, y)


@given(position=st.integers(0, N_FILES - 1), damage=DAMAGE, where=METHODS)
@TRAINING
def test_a_bad_file_is_named(folder, model, position, damage, where):
    clf, paths, y = model
    X = _damaged(folder, paths, position, damage)
    name = X[position].rsplit("/", 1)[-1]
    match = rf"Could not read the image file '.*{name}'"
    with rejected(clf, paths, match=match):
        _call(clf, where, X, y)


@given(position=st.integers(0, N_FILES - 1), damage=DAMAGE)
@TRAINING
def test_a_bad_file_fails_a_fit_of_its_own_size(folder, model, position, damage):
    # With image_size given, no file is read before training starts: the bad
    # one is met while training, in Keras' decoding threads.
    clf, paths, y = model
    X = _damaged(folder, paths, position, damage)
    clf.set_params(image_size=(6, 6))
    try:
        with rejected(clf, paths, match="Could not read the image file"):
            clf.fit(X, y)
    finally:
        clf.set_params(image_size=None)


@given(n_y=st.integers(1, N_FILES + 3).filter(lambda n: n != N_FILES))
@FEW
def test_mismatched_lengths_are_rejected(model, n_y):
    clf, paths, y = model
    with rejected(clf, paths, match="inconsistent numbers of samples"):
        clf.fit(paths, np.resize(y, n_y))


@given(other=st.sampled_from([3, None, 2.5, b"x.png"]),
       position=st.integers(0, 3), where=METHODS)  # fmt: skip
@FEW
def test_paths_mixed_with_other_values_are_rejected(model, other, position, where):
    clf, paths, y = model
    X = np.array(paths[:4], dtype=object)
    X[position] = other
    with rejected(clf, paths, error=(ValueError, TypeError)):
        _call(clf, where, X, y[:4])


@pytest.mark.parametrize("where", ["fit", "predict"])
def test_no_paths_is_rejected(model, where):
    clf, paths, y = model
    with rejected(clf, paths, match=r"0 sample|Expected 2D array"):
        _call(clf, where, [], y[:0])
