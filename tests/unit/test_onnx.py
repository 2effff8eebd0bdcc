"""skdl.onnx.to_onnx: one ONNX graph that reproduces predict and predict_proba."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

import skdl
from skdl import (
    ChurnPipeline,
    ConvClassifier,
    KerasClassifier,
    KerasRegressor,
    MLPClassifier,
    MLPRegressor,
)
from skdl.backend import import_keras
from skdl.datasets import FEATURE_COLUMNS, make_churn
from tests import params as test_params
from tests.params import fast

ort = pytest.importorskip("onnxruntime", reason="the onnx extra is not installed")
pytest.importorskip("skl2onnx", reason="the onnx extra is not installed")

from skdl.onnx import input_feed, to_onnx  # noqa: E402

TOLERANCE = 1e-4


@pytest.fixture(autouse=True, scope="module")
def _tensorflow_only():
    if import_keras().backend.backend() != "tensorflow":
        pytest.skip("the Keras network is exported through tf2onnx (TensorFlow)")


def _run(model, X):
    session = ort.InferenceSession(model.SerializeToString())
    return session.run(None, input_feed(X, session))


def _check_classifier(est, model, X):
    label, proba = _run(model, X)
    expected = est.predict_proba(X)
    assert proba.shape == expected.shape and proba.dtype == np.float32
    assert np.abs(proba - expected).max() < TOLERANCE
    np.testing.assert_array_equal(label, est.predict(X))


def test_scaler_and_mlp_on_breast_cancer():
    X, y = load_breast_cancer(return_X_y=True)
    pipe = make_pipeline(StandardScaler(), fast(MLPClassifier, max_iter=10))
    pipe.fit(X, y)
    model = to_onnx(pipe, X[:5])
    assert [i.name for i in model.graph.input] == ["X"]
    assert [o.name for o in model.graph.output] == ["label", "probabilities"]
    _check_classifier(pipe, model, X)


def test_churn_pipeline_on_raw_columns(tmp_path):
    frame = make_churn(n_samples=600, random_state=0)
    est = fast(ChurnPipeline, max_iter=5, threshold=0.3).fit(frame)
    path = tmp_path / "churn.onnx"
    model = to_onnx(est, frame.head(), path=path)
    session = ort.InferenceSession(str(path))
    kinds = {i.name: i.type for i in session.get_inputs()}
    assert list(kinds) == list(FEATURE_COLUMNS)
    assert kinds["Geography"] == "tensor(string)"
    assert kinds["Balance"] == "tensor(float)"
    # Raw customers, identifiers and target included: the feed leaves those out.
    label, proba = session.run(None, input_feed(frame, session))
    assert np.abs(proba - est.predict_proba(frame)).max() < TOLERANCE
    # Labels follow the pipeline's threshold, not 0.5.
    np.testing.assert_array_equal(label, est.predict(frame))
    assert (label == 1).sum() > (proba[:, 1] >= 0.5).sum()
    # An unknown country is all zeros in the one-hot encoding, as in sklearn.
    # (predict warns of the unseen value; the graph predicts it the same way.)
    odd = frame.head(3).assign(Geography="Atlantis")
    with pytest.warns(UserWarning, match="not seen in training"):
        _check_classifier(est, model, odd)


def test_conv_classifier_on_8x8_images():
    X, y = load_digits(return_X_y=True)
    images = (X[:300] / 16.0).reshape(-1, 8, 8, 1)
    est = fast(ConvClassifier, max_iter=3).fit(images, y[:300])
    model = to_onnx(est, images[:2])
    dims = model.graph.input[0].type.tensor_type.shape.dim
    assert [d.dim_value for d in dims[1:]] == [8, 8, 1]
    _check_classifier(est, model, images)
    # Flat rows export too, reshaped to images inside the graph.
    rows = images.reshape(-1, 64)
    _check_classifier(est, to_onnx(est, rows[:2]), rows[:50])


def test_string_labels_multiclass_and_column_transformer():
    rng = np.random.RandomState(0)
    frame = pd.DataFrame(
        {
            "size": rng.normal(size=120),
            "weight": rng.normal(size=120) * 10,
            "colour": rng.choice(["red", "green", "blue"], size=120),
        }
    )
    labels = np.array(["cat", "dog", "eel"])[
        (frame["size"] > 0).to_numpy(int) + (frame["colour"] == "red").to_numpy(int)
    ]
    prepare = ColumnTransformer(
        [
            ("num", StandardScaler(), ["size", "weight"]),
            ("cat", OneHotEncoder(handle_unknown="ignore"), ["colour"]),
        ],
        sparse_threshold=0,
    )
    pipe = make_pipeline(prepare, fast(MLPClassifier, max_iter=10)).fit(frame, labels)
    model = to_onnx(pipe, frame.head())
    _check_classifier(pipe, model, frame)


def test_multilabel_probabilities_and_indicator_labels():
    X = np.random.RandomState(0).normal(size=(120, 5))
    Y = np.column_stack([X[:, 0] > 0, X[:, 1] > 0, X[:, 2] > 0.5]).astype(int)
    est = fast(MLPClassifier, max_iter=5).fit(X, Y)
    label, proba = _run(skdl.onnx.to_onnx(est, X[:2]), X)
    assert label.shape == Y.shape and label.dtype == np.int64
    assert np.abs(proba - est.predict_proba(X)).max() < TOLERANCE
    np.testing.assert_array_equal(label, est.predict(X))


def test_regressor_outputs_in_target_units():
    X, _ = load_breast_cancer(return_X_y=True)
    y = np.column_stack([X[:, 0] * 100, X[:, 1]])
    est = make_pipeline(StandardScaler(), fast(MLPRegressor, max_iter=5)).fit(X, y)
    (out,) = _run(to_onnx(est, X[:2]), X)
    expected = est.predict(X)
    assert out.shape == expected.shape
    assert np.abs(out - expected).max() < TOLERANCE * np.abs(expected).max()


def test_keras_wrappers_with_user_networks():
    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    clf = KerasClassifier(
        model=test_params._build_classifier, epochs=2, verbose=0, random_state=0
    ).fit(X, y)
    _check_classifier(clf, to_onnx(clf, X[:2]), X)
    reg = KerasRegressor(
        model=test_params._build_regressor, epochs=2, verbose=0, random_state=0
    ).fit(X, X[:, 0] * 3)
    (out,) = _run(to_onnx(reg, X[:2]), X)
    assert np.abs(out.ravel() - reg.predict(X)).max() < TOLERANCE


def test_unfitted_estimator_and_1d_sample_are_refused():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        to_onnx(MLPClassifier(), np.zeros((2, 3)))
    X, y = load_breast_cancer(return_X_y=True)
    est = fast(MLPClassifier, max_iter=1).fit(X, y)
    with pytest.raises(ValueError, match=r"X_sample must hold rows.*\(30,\)"):
        to_onnx(est, X[0])
