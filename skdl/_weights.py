"""One check of ``sample_weight`` for every skdl estimator.

scikit-learn's ``_check_sample_weight`` checks shape and finiteness; whether
it also refuses negative or all-zero weights depends on its version and
arguments (``ensure_non_negative``, ``allow_all_zero_weights``). skdl refuses
both on every supported version, with scikit-learn's wording, so that
``fit``, ``partial_fit`` and ``score`` agree.
"""

from __future__ import annotations

import numpy as np
from sklearn.utils.validation import _check_sample_weight

__all__ = ["check_sample_weight"]


def check_sample_weight(sample_weight, X, *, dtype=np.float64) -> np.ndarray:
    """Validated weights for the rows of ``X``: finite, >= 0, not all zero.

    Raises
    ------
    ValueError
        When the weights have another length than ``X``, hold NaN or
        infinity, a negative value, or only zeros.
    """
    sw = _check_sample_weight(
        sample_weight, X, dtype=dtype, **_allow_all_zero_weights()
    )
    negative = sw < 0
    if negative.any():
        raise ValueError(
            "Negative values in data passed to `sample_weight`: "
            f"{int(negative.sum())} of {sw.shape[0]} weight(s) are negative "
            f"(smallest {float(sw.min())!r}). Weights must be >= 0; give "
            "rows to ignore a weight of 0."
        )
    if not sw.any():
        raise ValueError(
            "Sample weights must contain at least one non-zero number: all "
            f"{sw.shape[0]} entries of `sample_weight` are 0, which leaves no "
            "row to learn from or to score."
        )
    return sw


def _allow_all_zero_weights() -> dict:
    """Let scikit-learn pass all-zero weights through, so skdl's message is used."""
    import inspect

    if "allow_all_zero_weights" in inspect.signature(_check_sample_weight).parameters:
        return {"allow_all_zero_weights": True}
    return {}
