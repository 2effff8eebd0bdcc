"""AutoencoderTransformer with its defaults on real handwritten digits."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline

from skdl import AutoencoderTransformer

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X / 16.0, y


def _mse(X, recon) -> float:
    return float(np.mean((X - recon) ** 2))


def test_reconstructs_as_well_as_pca(digits):
    X, _ = digits
    pca = PCA(16).fit(X)
    pca_mse = _mse(X, pca.inverse_transform(pca.transform(X)))
    ae = AutoencoderTransformer(16, random_state=0).fit(X)
    ae_mse = _mse(X, ae.inverse_transform(ae.transform(X)))
    assert ae_mse <= 1.1 * pca_mse, (ae_mse, pca_mse)
    assert ae.score(X) == pytest.approx(-ae_mse)


def test_codes_feed_a_classifier_in_a_pipeline(digits):
    X, y = digits
    pipe = make_pipeline(
        AutoencoderTransformer(16, random_state=0), LogisticRegression(max_iter=1000)
    )
    assert cross_val_score(pipe, X, y, cv=3).mean() >= 0.90


def test_pandas_output_has_named_columns(digits):
    X, _ = digits
    ae = AutoencoderTransformer(16, max_iter=5, random_state=0)
    codes = ae.set_output(transform="pandas").fit_transform(X)
    assert codes.shape == (1797, 16)
    assert list(codes.columns) == [f"autoencodertransformer{i}" for i in range(16)]
