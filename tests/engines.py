"""Helpers for the tests that compare skdl's training engines."""

from __future__ import annotations

from numpy.testing import assert_allclose

from skdl._training import loop


def fit_on(engine, est, X, y, **fit_kw):
    """``est.fit(X, y)`` with the training engine forced to ``engine``."""
    with loop.forced_engine(engine):
        return est.fit(X, y, **fit_kw)


def assert_same_weights(a, b, rtol=2e-4, atol=2e-5):
    """Two fitted estimators' networks hold the same weights (to tolerance)."""
    for wa, wb in zip(a.model_.get_weights(), b.model_.get_weights(), strict=True):
        assert_allclose(wa, wb, rtol=rtol, atol=atol)
