"""Network outputs for many rows through compiled calls, chunk by chunk.

Prediction never goes through ``Model.predict`` (whose per-call data
pipeline costs ~50 ms): rows go to ``predict_on_batch`` in chunks.
"""

from __future__ import annotations

import numpy as np

from .image_files import ROWS_PER_CALL, ImageFiles, decoded

__all__ = ["PREDICT_CHUNK", "PREDICT_MIN_ROWS", "predict_raw"]

# Rows per call of the network at predict time.
PREDICT_CHUNK = 16384
# Calls of fewer rows are padded to this many: matrix-product kernels
# chosen by batch size round differently, and padding gives every small
# batch the same kernel, so a row's prediction does not depend on the
# other rows predicted with it.
PREDICT_MIN_ROWS = 32


def predict_raw(model, X: np.ndarray, chunk: int | None = None) -> np.ndarray:
    """Network outputs for ``X``, ``chunk`` rows per call (``-1``: all).

    ``None`` means :data:`PREDICT_CHUNK`. Every call of fewer than
    :data:`PREDICT_MIN_ROWS` rows is padded to that many.
    """
    n = X.shape[0]
    size = PREDICT_CHUNK if chunk is None else (n if chunk == -1 else int(chunk))
    size = max(size, 1)
    if isinstance(X, ImageFiles):  # decode a few hundred images at a time
        size = min(size, ROWS_PER_CALL)
    if n <= size:
        return _call(model, X)
    parts = [_call(model, X[i : i + size]) for i in range(0, n, size)]
    return np.concatenate(parts, axis=0)


def _call(model, X) -> np.ndarray:
    X = decoded(X)
    n = X.shape[0]
    if 0 < n < PREDICT_MIN_ROWS:
        padded = np.zeros((PREDICT_MIN_ROWS, *X.shape[1:]), dtype=X.dtype)
        padded[:n] = X
        return np.asarray(model.predict_on_batch(padded))[:n]
    return np.asarray(model.predict_on_batch(X))
