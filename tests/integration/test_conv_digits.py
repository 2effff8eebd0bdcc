"""ConvClassifier with its defaults on real handwritten digits (sklearn's 8x8)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV, StratifiedKFold, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from skdl import ConvClassifier

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def split():
    """Digits scaled to [0, 1], stratified 75/25 split."""
    X, y = load_digits(return_X_y=True)
    return train_test_split(X / 16.0, y, test_size=0.25, stratify=y, random_state=0)


def test_default_network_on_4d_images(split):
    X_train, X_test, y_train, y_test = split
    clf = ConvClassifier(max_iter=30, random_state=0)
    clf.fit(X_train.reshape(-1, 8, 8, 1), y_train)
    assert clf.score(X_test.reshape(-1, 8, 8, 1), y_test) >= 0.97


def test_default_network_on_flat_rows_in_a_pipeline(split):
    X_train, X_test, y_train, y_test = split
    raw_train, raw_test = X_train * 16.0, X_test * 16.0  # sklearn's 0..16 pixels
    pipe = make_pipeline(
        FunctionTransformer(lambda X: X / 16.0),
        ConvClassifier(image_shape=(8, 8), max_iter=30, random_state=0),
    )
    pipe.fit(raw_train, y_train)
    assert pipe.score(raw_test, y_test) >= 0.97


def test_light_augmentation(split):
    X_train, X_test, y_train, y_test = split
    clf = ConvClassifier(augmentation="light", max_iter=30, random_state=0)
    clf.fit(X_train.reshape(-1, 8, 8, 1), y_train)
    assert clf.score(X_test.reshape(-1, 8, 8, 1), y_test) >= 0.95


def test_grid_search_over_filters(split):
    X_train, X_test, y_train, y_test = split
    images = X_train.reshape(-1, 8, 8, 1)
    search = GridSearchCV(
        ConvClassifier(dense_layer_sizes=(32,), max_iter=8, random_state=0),
        {"filters": [(4,), (16, 32)]},
        cv=StratifiedKFold(3, shuffle=True, random_state=0),
    ).fit(images, y_train)
    scores = search.cv_results_["mean_test_score"]
    assert scores.shape == (2,) and np.all(scores > 0.8)
    assert search.best_params_["filters"] == [(4,), (16, 32)][int(np.argmax(scores))]
    assert search.best_estimator_.input_shape_ == (8, 8, 1)
    assert search.score(X_test.reshape(-1, 8, 8, 1), y_test) >= 0.9
