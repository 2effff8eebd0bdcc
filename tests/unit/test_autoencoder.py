"""AutoencoderTransformer: code, reconstruction, score, names, controls, persistence."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.utils._param_validation import InvalidParameterError

import skdl
from skdl import AutoencoderTransformer

TINY = dict(
    n_components=3,
    hidden_layer_sizes=(16,),
    max_iter=5,
    learning_rate_init=0.01,
    random_state=0,
)


def tiny(**overrides) -> AutoencoderTransformer:
    return AutoencoderTransformer(**{**TINY, **overrides})


@pytest.fixture(scope="module")
def digits():
    return load_digits().data[:400] / 16.0


@pytest.fixture(scope="module")
def fitted(digits):
    return tiny().fit(digits)


def test_transform_is_the_encoder_and_inverse_the_decoder(fitted, digits):
    code = fitted.transform(digits)
    assert code.shape == (400, 3) and code.dtype == np.float64
    recon = fitted.inverse_transform(code)
    assert recon.shape == (400, 64)
    # The decoder of the code is the full network's output.
    full = np.asarray(fitted.model_.predict_on_batch(digits.astype(np.float32)))
    np.testing.assert_allclose(recon, full, atol=1e-5)
    assert fitted.score(digits) == pytest.approx(-np.mean((digits - recon) ** 2))


def test_training_lowers_the_reconstruction_error(digits):
    short = tiny(max_iter=1).fit(digits)
    longer = tiny(max_iter=30).fit(digits)
    assert longer.score(digits) > short.score(digits)
    assert longer.loss_curve_[-1] < longer.loss_curve_[0]


def test_float32_input_gives_float32_codes(fitted, digits):
    assert fitted.transform(digits.astype(np.float32)).dtype == np.float32


def test_feature_names_and_pandas_output(digits):
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(digits, columns=[f"px{i}" for i in range(64)])
    ae = tiny().set_output(transform="pandas").fit(frame)
    out = ae.transform(frame)
    expected = [f"autoencodertransformer{i}" for i in range(3)]
    assert list(out.columns) == expected
    assert ae.get_feature_names_out().tolist() == expected
    assert list(ae.feature_names_in_) == list(frame.columns)


def test_linear_autoencoder_spans_the_pca_subspace(digits):
    from sklearn.decomposition import PCA

    ae = tiny(hidden_layer_sizes=(), max_iter=300, tol=0.0).fit(digits)
    pca = PCA(3).fit(digits)
    # Its reconstruction error comes close to PCA's, the best a linear map can do.
    pca_mse = np.mean((digits - pca.inverse_transform(pca.transform(digits))) ** 2)
    assert -ae.score(digits) <= 1.05 * pca_mse
    assert [type(la).__name__ for la in ae.model_.get_layer("encoder").layers] == [
        "InputLayer",
        "Dense",
    ]


def test_denoising_adds_training_noise_only(fitted, digits):
    ae = tiny(denoising=0.2).fit(digits)
    layers = [type(la).__name__ for la in ae.model_.get_layer("encoder").layers]
    assert "GaussianNoise" in layers
    # No noise at transform: the code is deterministic.
    np.testing.assert_array_equal(ae.transform(digits[:5]), ae.transform(digits[:5]))


def test_logistic_output_stays_in_unit_interval(digits):
    ae = tiny(out_activation="logistic").fit(digits)
    recon = ae.inverse_transform(ae.transform(digits))
    assert recon.min() >= 0.0 and recon.max() <= 1.0


def test_training_controls_of_the_mlps(digits):
    ae = tiny(early_stopping=True, max_iter=40, n_iter_no_change=2).fit(digits)
    assert ae.validation_scores_ and all(s <= 0 for s in ae.validation_scores_)
    assert ae.best_validation_score_ == max(ae.validation_scores_)
    warm = tiny(warm_start=True).fit(digits)
    first = warm.n_iter_
    warm.fit(digits)
    # As in sklearn: n_iter_ counts the last call, loss_curve_ every epoch.
    assert warm.n_iter_ == first and len(warm.loss_curve_) == 2 * first
    part = tiny().partial_fit(digits).partial_fit(digits)
    assert part.n_iter_ == 1 and len(part.loss_curve_) == 2


def test_sample_weight_favours_the_weighted_rows():
    X, y = load_digits(return_X_y=True)
    X = X[:400] / 16.0
    favoured = y[:400] < 5
    weighted = tiny(max_iter=20).fit(X, sample_weight=favoured.astype(float))
    uniform = tiny(max_iter=20).fit(X)

    def gap(ae):  # error on the other rows minus error on the favoured rows
        return ae.score(X[favoured]) - ae.score(X[~favoured])

    assert gap(weighted) > gap(uniform) > -0.01


def test_pickle_clone_and_safe_file_round_trip(fitted, digits, tmp_path):
    code = fitted.transform(digits)
    again = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(again.transform(digits), code)
    path = tmp_path / "ae.skdl"
    skdl.save(fitted, path)
    loaded = skdl.load(path)
    np.testing.assert_array_equal(loaded.transform(digits), code)
    np.testing.assert_array_equal(
        loaded.inverse_transform(code), fitted.inverse_transform(code)
    )
    assert loaded.get_feature_names_out().tolist() == [
        f"autoencodertransformer{i}" for i in range(3)
    ]
    fresh = clone(fitted)
    assert fresh.get_params() == fitted.get_params()
    assert not hasattr(fresh, "model_")


@pytest.mark.parametrize(
    "params, name",
    [
        ({"n_components": 0}, "n_components"),
        ({"denoising": -0.1}, "denoising"),
        ({"out_activation": "softmax"}, "out_activation"),
        ({"hidden_layer_sizes": (0,)}, "hidden_layer_sizes"),
    ],
)
def test_bad_parameters_name_themselves(digits, params, name):
    with pytest.raises((ValueError, InvalidParameterError), match=name):
        tiny(**params).fit(digits)


def test_inverse_transform_checks_the_code_width(fitted):
    with pytest.raises(ValueError, match="3 columns"):
        fitted.inverse_transform(np.zeros((2, 4)))
