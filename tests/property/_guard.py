"""Shared by the bad-input property tests: a rejected call changes nothing."""

from __future__ import annotations

import contextlib
import string

import numpy as np
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Module-scoped fitted models are shared by the examples; the seeding
# fixture of conftest.py is function-scoped, which is harmless here.
FEW = settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def _state(est) -> dict:
    return {
        "n_iter_": getattr(est, "n_iter_", None),
        "history_": {k: list(v) for k, v in getattr(est, "history_", {}).items()},
        "attributes": sorted(vars(est)),
    }


@contextlib.contextmanager
def rejected(est, X_ref, error=ValueError, match=None):
    """Expect ``error`` (naming the problem); then check ``est`` is untouched.

    ``est`` must predict (or, for a transformer, transform) ``X_ref``
    exactly as before, with the same epochs run, history and set of
    attributes.
    """
    predict = next(
        getattr(est, name)
        for name in ("predict_proba", "predict", "transform")
        if hasattr(est, name)
    )
    before, state = predict(X_ref), _state(est)
    with pytest.raises(error, match=match):
        yield est
    np.testing.assert_array_equal(predict(X_ref), before)
    assert _state(est) == state


def _is_number(word: str) -> bool:
    try:
        float(word)
    except ValueError:
        return False
    return True


# Letters that are no number: "nan", "inf" or "INF" convert to floats (NumPy
# reads them so) and are then refused as NaN or infinity instead.
words = st.text(string.ascii_letters, min_size=1, max_size=5).filter(
    lambda w: not _is_number(w)
)
