"""Turning texts and variable-length sequences into padded arrays.

Everything here is plain Python and NumPy, so that the fitted vocabulary
pickles and saves with the estimator and works on every Keras backend.

* Texts are lower-cased and split into words (runs of letters, digits and
  underscores) and single punctuation marks; ids ``0`` and ``1`` are the
  padding and the unknown token, the vocabulary's tokens follow, most
  frequent first.
* Numeric sequences are padded after their last step with zeros, and get
  one more channel that is ``1`` on real steps and ``0`` on padding, so
  that the network can mask padding even where real values are all zero.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

import numpy as np

__all__ = [
    "PAD",
    "UNKNOWN",
    "fit_vocabulary",
    "index_texts",
    "input_kind",
    "pad_sequences",
    "to_sequences",
    "tokenize_texts",
]

PAD, UNKNOWN = 0, 1
_TOKEN = re.compile(r"\w+|[^\w\s]")

_EXPECTED = (
    "{name} reads X as texts (a 1-D array, list or pandas Series of "
    "strings), as numeric sequences of varying length (a list of 1-D or 2-D "
    "arrays), or as a numeric array of shape (n_samples, n_steps) or "
    "(n_samples, n_steps, n_features)"
)


def input_kind(X) -> str:
    """``'text'``, ``'table'`` (2-D numeric array) or ``'sequences'``."""
    if hasattr(X, "iloc") and getattr(X, "ndim", 2) == 1:  # pandas Series
        X = X.to_numpy()
    if isinstance(X, np.ndarray):
        if X.dtype.kind in "US":  # tokenize_texts refuses more than 1-D
            return "text"
        if X.dtype.kind == "O" and X.ndim == 1:
            return "text" if _has_str(X) else "sequences"
        return "sequences" if X.ndim == 3 else "table"
    if hasattr(X, "shape"):  # DataFrames, sparse matrices: sklearn checks them
        return "table"
    if isinstance(X, list | tuple):
        if not X:  # refused by to_sequences, which says "0 samples"
            return "sequences"
        if _has_str(X):
            return "text"
        # Rows of one length are a table, as for any sklearn estimator.
        try:
            rows = np.asarray(X, dtype=np.float64)
        except (TypeError, ValueError):
            return "sequences"
        return "sequences" if rows.ndim == 3 else "table"
    return "table"


def _has_str(values: Iterable) -> bool:
    return any(isinstance(v, str) for v in values)


# -- texts -------------------------------------------------------------------------
def tokenize_texts(X, name: str) -> list[list[str]]:
    """Tokens of each text; a clear error for non-text or empty entries."""
    if hasattr(X, "to_numpy"):
        X = X.to_numpy()
    if isinstance(X, np.ndarray) and X.ndim != 1:
        raise ValueError(
            f"{_EXPECTED.format(name=name)}; got a {X.ndim}-D array of shape "
            f"{X.shape} holding strings."
        )
    out = []
    for i, text in enumerate(X):
        if not isinstance(text, str):
            raise TypeError(
                f"X[{i}] is {type(text).__name__} {text!r}, not a string: "
                f"{_EXPECTED.format(name=name)}. Convert every entry to text, "
                "or drop the rows that hold none."
            )
        tokens = _TOKEN.findall(text.lower())
        if not tokens:
            raise ValueError(
                f"X[{i}] is an empty text ({text!r}): it holds no word or "
                "punctuation mark to read. Drop empty texts or replace them "
                "with a placeholder word."
            )
        out.append(tokens)
    if not out:
        raise ValueError(f"X holds no texts (0 samples); {name} needs at least 1.")
    return out


def fit_vocabulary(token_lists: list[list[str]], max_tokens: int) -> list[str]:
    """The ``max_tokens - 2`` most frequent tokens (ties in sorted order)."""
    counts = Counter(t for tokens in token_lists for t in tokens)
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return [token for token, _ in ranked[: max(0, max_tokens - 2)]]


def index_texts(
    token_lists: list[list[str]], index: dict[str, int], length: int
) -> np.ndarray:
    """Token ids, int32 of shape ``(n, length)``: cut or padded after the end."""
    ids = np.full((len(token_lists), length), PAD, dtype=np.int32)
    for row, tokens in enumerate(token_lists):
        values = [index.get(t, UNKNOWN) for t in tokens[:length]]
        ids[row, : len(values)] = values
    return ids


# -- numeric sequences ---------------------------------------------------------------
def to_sequences(X, name: str) -> list[np.ndarray]:
    """Each sample of ``X`` as a float64 array of shape ``(steps, features)``."""
    if isinstance(X, np.ndarray) and X.ndim == 3 and X.dtype.kind in "biuf":
        X = X.astype(np.float64, copy=False)
        not_finite = ~np.isfinite(X).all(axis=(1, 2))
        if not_finite.any():
            raise _not_finite(int(np.flatnonzero(not_finite)[0]))
        return list(X)
    out = []
    for i, seq in enumerate(X):
        try:
            arr = np.asarray(seq, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise TypeError(
                f"X[{i}] is not a sequence of numbers ({type(seq).__name__}: "
                f"{exc}). {_EXPECTED.format(name=name)}."
            ) from exc
        if arr.ndim == 1:
            arr = arr[:, None]
        if arr.ndim != 2 or arr.shape[0] == 0:
            raise ValueError(
                f"X[{i}] has shape {arr.shape}; each sequence must have at least "
                "one step, as a 1-D array (one value per step) or a 2-D array "
                "(n_steps, n_features)."
            )
        if not np.isfinite(arr).all():
            raise _not_finite(i)
        out.append(arr)
    if not out:
        raise ValueError(f"X holds no sequences (0 samples); {name} needs at least 1.")
    widths = sorted({a.shape[1] for a in out})
    if len(widths) > 1:
        raise ValueError(
            f"The sequences of X have different numbers of features per step "
            f"({widths}); every step must hold the same features."
        )
    return out


def _not_finite(i: int) -> ValueError:
    return ValueError(
        f"X[{i}] contains NaN or infinity; fill or drop missing steps first."
    )


def pad_sequences(seqs: list[np.ndarray], length: int) -> np.ndarray:
    """float32 ``(n, length, features + 1)``: values, then the real-step flag."""
    n_features = seqs[0].shape[1]
    out = np.zeros((len(seqs), length, n_features + 1), dtype=np.float32)
    for row, seq in enumerate(seqs):
        steps = min(len(seq), length)
        out[row, :steps, :n_features] = seq[:steps]
        out[row, :steps, n_features] = 1.0
    return out
