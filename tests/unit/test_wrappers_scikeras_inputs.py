"""KerasClassifier / KerasRegressor: single classes, losses, dtypes, sparse X."""

from __future__ import annotations

from unittest import mock

import keras
import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils import get_tags

from skdl import KerasClassifier, KerasRegressor, _wrapper_steps
from skdl.wrappers import BaseWrapper
from tests.params import build_classifier, build_regressor


def _rows(n=40, d=3, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.uniform(size=(n, d)).astype(np.float32)
    return X, (X[:, 0] > 0.5).astype(int)


def sigmoid_net(meta):
    return keras.Sequential(
        [keras.Input((meta["n_features_in_"],)), keras.layers.Dense(1, "sigmoid")]
    )


def list_output(meta):
    inp = keras.Input((meta["n_features_in_"],))
    hidden = keras.layers.Dense(4)(inp)
    return keras.Model(inp, [keras.layers.Dense(1)(hidden)])


# -- a single class ---------------------------------------------------------------
@pytest.mark.parametrize("loss", [None, "binary_crossentropy"])
def test_a_single_class_fits_and_is_always_predicted(loss):
    X, _ = _rows()
    clf = KerasClassifier(sigmoid_net, loss=loss, epochs=2, random_state=0)
    clf.fit(X, ["yes"] * len(X))
    assert clf.classes_.tolist() == ["yes"] and clf.n_classes_ == 1
    assert clf.predict(X).tolist() == ["yes"] * len(X)
    np.testing.assert_array_equal(clf.predict_proba(X), np.ones((len(X), 1)))


# -- no loss ----------------------------------------------------------------------
@pytest.mark.parametrize("compiled", [False, True])
def test_a_list_of_outputs_without_a_loss_is_refused(compiled):
    def build(meta, compile_kwargs):
        net = list_output(meta)
        if compiled:
            net.compile(**compile_kwargs)
        return net

    X, y = _rows()
    with pytest.raises(ValueError, match="You must provide a loss"):
        KerasRegressor(build).fit(X, y.astype(float))
    reg = KerasRegressor(build, loss="mse", epochs=1).fit(X, y.astype(float))
    assert reg.predict(X).shape == (len(X),)


def test_base_wrapper_needs_a_loss_and_one_output_gets_a_default():
    X, y = _rows()
    with pytest.raises(ValueError, match="You must provide a loss"):
        BaseWrapper(build_regressor).fit(X, y.astype(float))
    reg = KerasRegressor(build_regressor, epochs=1).fit(X, y.astype(float))
    assert reg.model_.loss == "mean_squared_error"


# -- prediction dtypes -----------------------------------------------------------
@pytest.mark.parametrize(
    ("dtype", "n_targets", "expected"),
    [
        (np.float64, 1, np.float32),
        (np.int64, 2, np.float32),
        (np.float32, 2, np.float32),
        (np.float64, 2, np.float64),  # as scikit-learn asks of several targets
    ],
)
def test_regressor_prediction_dtype(dtype, n_targets, expected):
    X, y = _rows()
    Y = np.column_stack([y] * n_targets) if n_targets > 1 else y
    reg = KerasRegressor(build_regressor, epochs=1).fit(X, Y.astype(dtype))
    pred = reg.predict(X)
    assert pred.dtype == expected and pred.shape == Y.shape


# -- class_weight on the Model.fit path --------------------------------------------
SEEN: list[dict] = []


class RecordingModel(keras.Sequential):
    def fit(self, *args, **kwargs):
        SEEN.append({k: kwargs.get(k) for k in ("class_weight", "sample_weight")})
        return super().fit(*args, **kwargs)


def test_class_weight_reaches_model_fit_by_class_index():
    X, y = _rows()
    labels = np.array(["a", "b"])[y]

    def build(meta):
        return RecordingModel(
            [keras.Input((meta["n_features_in_"],)), keras.layers.Dense(1, "sigmoid")]
        )

    SEEN.clear()
    weights = {"a": 2.0, "b": 0.5}
    clf = KerasClassifier(build, class_weight=weights, fit__validation_freq=1)
    clf.fit(X, labels)  # fit__validation_freq: trained by Model.fit
    assert SEEN[-1] == {"class_weight": {0: 2.0, 1: 0.5}, "sample_weight": None}
    clf.set_params(class_weight="balanced").fit(X, labels)
    n_a, n_b = np.bincount(y)
    balanced = {0: len(y) / (2 * n_a), 1: len(y) / (2 * n_b)}
    assert SEEN[-1]["class_weight"] == pytest.approx(balanced)
    # With sample weights too, Keras takes one of them: the rows' product.
    clf.set_params(class_weight=weights).fit(
        X, labels, sample_weight=np.full(len(y), 3.0)
    )
    seen = SEEN[-1]
    assert seen["class_weight"] is None
    np.testing.assert_allclose(seen["sample_weight"], np.where(y == 0, 6.0, 1.5))
    assert not any(k.startswith("_keras") for k in vars(clf))


# -- sparse X ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("fmt", "dense_max"),
    [("csr", 2**24), ("csc", 2**24), ("coo", 2**24), ("csr", 10)],
    ids=["csr", "csc", "coo", "csr-to-keras"],
)
def test_sparse_X_trains_and_predicts_like_dense(fmt, dense_max):
    X, y = _rows(60, 5)
    X[X < 0.6] = 0
    Xs = sp.csr_matrix(X).asformat(fmt)
    # Small sparse X is densified for skdl's engine; large, Model.fit takes it.
    with mock.patch.object(_wrapper_steps, "SPARSE_DENSE_MAX", dense_max):
        clf = KerasClassifier(build_classifier, epochs=3, random_state=0).fit(Xs, y)
        assert (clf.fit_engine_[0] == "keras") == (dense_max == 10)
        assert clf.X_shape_ == (60, 5)
        np.testing.assert_allclose(
            clf.predict_proba(Xs), clf.predict_proba(X), atol=1e-6
        )
        assert clone(clf).fit(sp.csr_array(X), y).predict(sp.csr_array(X)).shape == (
            60,
        )
        reg = KerasRegressor(build_regressor, epochs=2, random_state=0)
        assert reg.fit(Xs, y.astype(float)).predict(Xs).shape == (60,)
    assert get_tags(clf).input_tags.sparse and get_tags(reg).input_tags.sparse


def test_sparse_X_too_large_for_float32_is_refused():
    X = sp.csr_matrix(np.array([[1e300, 0.0], [0.0, 1.0]]))
    with pytest.raises(ValueError, match="too large for float32"):
        KerasRegressor(build_regressor, epochs=1).fit(X, [0.0, 1.0])


# -- predict__batch_size=-1 with several inputs -------------------------------------
def test_predict_batch_size_all_rows_with_a_list_of_inputs():
    class ListInput(KerasRegressor):
        @property
        def feature_encoder(self):
            return FunctionTransformer(lambda x: [x])

    def build(meta):
        inp = keras.Input((meta["n_features_in_"],))
        return keras.Model([inp], keras.layers.Dense(1)(inp))

    X, y = _rows()
    reg = ListInput(build, epochs=1, predict__batch_size=-1)
    assert reg.fit(X, y.astype(float)).predict(X).shape == (len(X),)


# -- scikeras' _initialize hook (its autoencoder example) ------------------------------
class EncoderDecoder(BaseWrapper):
    def _keras_build_fn(self, meta):
        n = meta["n_features_in_"]
        inp = keras.Input((n,))
        encoder = keras.Model(inp, keras.layers.Dense(2)(inp))
        code = keras.Input((2,))
        decoder = keras.Model(code, keras.layers.Dense(n)(code))
        self.encoder_ = BaseWrapper(encoder)  # no loss: only initialized
        outer = keras.Input((n,))
        return keras.Model(outer, decoder(encoder(outer)))

    def _initialize(self, X, y=None):
        X, _ = super()._initialize(X, y)
        self.encoder_.initialize(X)
        return X, X

    def fit(self, X):
        return super().fit(X, X)


def test_a_subclass_initialize_hook_runs_before_training():
    X, _ = _rows(60, 4)
    est = EncoderDecoder(loss="mse", optimizer="adam", epochs=3, random_state=0)
    est.fit(X)
    # The encoder wrapper shares the trained layers of the whole network.
    expected = est.model_.layers[1].predict(X, verbose=0)
    np.testing.assert_allclose(est.encoder_.predict(X), expected, rtol=1e-6)
    assert est.current_epoch == 3
    with pytest.raises(ValueError, match="needs `y`"):
        KerasClassifier(build_classifier).initialize(X)
