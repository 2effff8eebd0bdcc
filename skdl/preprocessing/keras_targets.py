"""Target encoders of :class:`skdl.KerasClassifier` and :class:`skdl.KerasRegressor`.

With a user-built network the encoding of ``y`` must match the network's
loss: one-hot columns for ``categorical_crossentropy``, integer codes for
``sparse_categorical_crossentropy``, a 0/1 column for a single sigmoid unit
trained with ``binary_crossentropy``. :class:`KerasClassifierTargetEncoder`
learns the classes from ``y`` and is then told the loss and output width of
the built network (:meth:`~KerasClassifierTargetEncoder.configure`).
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
from sklearn.utils.validation import check_is_fitted

from .targets import ClassifierTargetEncoder, RegressorTargetEncoder

__all__ = [
    "KerasClassifierTargetEncoder",
    "KerasRegressorTargetEncoder",
    "loss_name",
]

_ONE_HOT = {
    "categorical_crossentropy",
    "cce",
    "categorical_focal_crossentropy",
    "categorical_hinge",
    "kl_divergence",
    "kld",
    "kullback_leibler_divergence",
}
_SPARSE = {"sparse_categorical_crossentropy", "scce"}
_BINARY = {
    "binary_crossentropy",
    "bce",
    "binary_focal_crossentropy",
    "hinge",
    "squared_hinge",
}


def loss_name(loss: Any) -> str | None:
    """A snake_case name for a Keras loss given as name, class, object or function."""
    if loss is None:
        return None
    if isinstance(loss, str):
        name = loss
    elif isinstance(loss, type):
        name = loss.__name__
    elif hasattr(loss, "fn") and hasattr(loss.fn, "__name__"):  # wrapped function
        name = loss.fn.__name__
    elif callable(loss) and hasattr(loss, "__name__"):
        name = loss.__name__
    else:
        name = type(loss).__name__
    name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()
    return name.replace("k_l_", "kl_")


class KerasClassifierTargetEncoder(ClassifierTargetEncoder):
    """Encode class labels the way the network's loss expects.

    After ``fit`` (which learns the classes), :meth:`configure` looks at the
    built network's loss and output width and picks the encoding:

    * ``categorical_crossentropy`` (and other losses on one-hot targets):
      one-hot rows;
    * ``sparse_categorical_crossentropy``: integer class codes;
    * ``binary_crossentropy``: a 0/1 column for one output unit, one-hot
      rows for several;
    * any other loss: a 0/1 column when the network has one output unit,
      integer codes otherwise.

    Multilabel indicator targets pass through unchanged. A one-hot ``y``
    (an indicator matrix with exactly one 1 per row, as made by
    ``keras.utils.to_categorical``) trained with a categorical loss is read
    as one class per row: probabilities are normalised and predictions are
    one-hot rows of the most probable class.

    Parameters
    ----------
    classes : array-like or None, default=None
        All classes, when ``y`` may not show them all (``partial_fit``).

    Attributes
    ----------
    encoding_ : {'column', 'codes', 'onehot', 'indicator', 'onehot-indicator'}
        The encoding chosen by :meth:`configure` (``'column'`` for binary and
        ``'codes'`` for multiclass targets until then).

    Examples
    --------
    >>> from skdl.preprocessing import KerasClassifierTargetEncoder
    >>> enc = KerasClassifierTargetEncoder().fit(["a", "b", "c", "a"])
    >>> enc.configure("categorical_crossentropy", n_units=3).transform(["b"])
    array([[0., 1., 0.]], dtype=float32)
    """

    def fit(self, y, X=None, sample_weight=None):
        super().fit(y, X=X, sample_weight=sample_weight)
        self.encoding_ = {
            "binary": "column",
            "multiclass": "codes",
            "multilabel-indicator": "indicator",
        }[self.target_type_]
        if self.encoding_ == "indicator":
            rows = np.asarray(y).sum(axis=1)
            self.one_hot_ = bool(np.all(rows == 1))
        return self

    def configure(self, loss: Any, n_units: int | None):
        """Pick the encoding for a network with this loss and output width.

        Parameters
        ----------
        loss : str, keras.losses.Loss, callable or None
            The loss the network was compiled with.
        n_units : int or None
            Width of the network's output layer, when known.

        Returns
        -------
        self : object
            The encoder.
        """
        check_is_fitted(self)
        name = loss_name(loss)
        if self.target_type_ == "multilabel-indicator":
            if name in _ONE_HOT and self.one_hot_:
                self.encoding_ = "onehot-indicator"
            return self
        # One class (allow_single_class) is read as a binary target: a 0
        # column for one unit.
        column = len(self.classes_) <= 2 and n_units in (None, 1)
        if name in _ONE_HOT:
            encoding = "onehot"
        elif name in _SPARSE:
            encoding = "codes"
        elif name in _BINARY:
            encoding = "column" if column else "onehot"
        else:
            encoding = "column" if column else "codes"
        self._check_units(encoding, name, n_units)
        self.encoding_ = encoding
        return self

    def _check_units(self, encoding: str, name, n_units) -> None:
        n_classes = len(self.classes_)
        if n_units is None:
            return
        want = 1 if encoding == "column" else n_classes
        if n_units == want:
            return
        raise ValueError(
            f"The network has {n_units} output unit(s), but y has {n_classes} "
            f"classes and loss={name!r} needs {want}. Build the output layer "
            "with meta['n_classes_'] units (softmax) for a categorical loss, "
            "or one sigmoid unit with loss='binary_crossentropy' for two "
            "classes."
        )

    def transform(self, y):
        check_is_fitted(self)
        if self.encoding_ in ("indicator", "onehot-indicator"):
            return super().transform(y)
        codes = np.asarray(super().transform(y)).reshape(-1).astype(np.int64)
        if self.encoding_ == "column":
            return codes.astype(np.float32).reshape(-1, 1)
        if self.encoding_ == "onehot":
            return np.eye(len(self.classes_), dtype=np.float32)[codes]
        return codes.astype(np.int32)

    def to_proba(self, raw: np.ndarray) -> np.ndarray:
        """Turn network outputs into class probabilities (rows sum to 1)."""
        raw = np.asarray(raw, dtype=np.float64)
        if raw.ndim == 1:
            raw = raw.reshape(-1, 1)
        if self.encoding_ == "indicator":
            return np.clip(raw, 0.0, 1.0)
        n_classes = len(self.classes_)
        if n_classes == 1:  # trained on one class: it is always predicted
            return np.ones((len(raw), 1))
        if raw.shape[1] == 1 and n_classes == 2:
            p = np.clip(raw[:, 0], 0.0, 1.0)
            return np.column_stack([1.0 - p, p])
        if raw.shape[1] != n_classes:
            raise ValueError(
                f"The network returned {raw.shape[1]} columns for {n_classes} "
                "classes; its output layer needs meta['n_classes_'] units."
            )
        raw = np.clip(raw, 0.0, None)
        total = raw.sum(axis=1, keepdims=True)
        total[total == 0] = 1.0
        return raw / total

    def inverse_transform(self, proba: np.ndarray) -> np.ndarray:
        """Turn class probabilities into labels (one-hot rows for one-hot y)."""
        if getattr(self, "encoding_", None) == "onehot-indicator":
            out = np.zeros(proba.shape, dtype=int)
            out[np.arange(len(proba)), np.argmax(proba, axis=1)] = 1
            return out
        return super().inverse_transform(proba)


class KerasRegressorTargetEncoder(RegressorTargetEncoder):
    """Regression targets for a user-built network: unchanged by default.

    Unlike :class:`skdl.MLPRegressor`, the network of a
    :class:`skdl.KerasRegressor` sees ``y`` in its own units (as with
    scikeras), so losses such as ``'mean_squared_logarithmic_error'`` or
    ``'poisson'`` and non-linear output activations keep their meaning. Pass
    ``standardize=True`` (by overriding ``target_encoder``) to train on
    standardized targets instead.

    Parameters
    ----------
    standardize : bool, default=False
        Whether to standardize the targets.

    Examples
    --------
    >>> from skdl.preprocessing import KerasRegressorTargetEncoder
    >>> enc = KerasRegressorTargetEncoder().fit([1.0, 2.0, 3.0])
    >>> enc.transform([2.0]).tolist()
    [[2.0]]
    """

    def __init__(self, standardize=False):
        super().__init__(standardize=standardize)

    def fit(self, y, X=None, sample_weight=None):
        # Several float64 targets are predicted as float64 (see below).
        self.float64_ = np.asarray(y).dtype == np.float64
        return super().fit(y, X=X, sample_weight=sample_weight)

    def inverse_transform(self, raw):
        """Network outputs in the shape of ``y``, in the network's float type.

        As in scikeras, a float32 network gives float32 predictions, whatever
        the type of ``y``. The one exception: several targets fitted on a
        float64 ``y`` come as float64, which scikit-learn requires of
        multioutput predictions (``check_regressor_multioutput``).
        """
        dtype = np.asarray(raw).dtype
        out = super().inverse_transform(raw)
        # Encoders saved before ``float64_`` existed: float64, as they did.
        if dtype.kind != "f" or (out.ndim > 1 and getattr(self, "float64_", True)):
            return out
        return out.astype(dtype, copy=False)
