"""Target adapters: turn ``y`` into what a network trains on, and back.

Each adapter is a small scikit-learn transformer. It also says how the
network's output layer and loss must look for that target (``n_outputs_``,
``output_activation_``, ``loss_``), so network builders never look at ``y``.
Users of :class:`skdl.KerasClassifier` can swap in their own adapter through
its ``target_encoder`` extension point.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.exceptions import DataConversionWarning
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import check_is_fitted

from .._caller import warn_user

__all__ = ["ClassifierTargetEncoder", "RegressorTargetEncoder"]


class ClassifierTargetEncoder(TransformerMixin, BaseEstimator):
    """Encode class labels for a Keras classifier.

    * binary ``y``: one sigmoid output, labels become 0.0 / 1.0 of shape
      ``(n, 1)``, loss ``binary_crossentropy``;
    * multiclass ``y``: a softmax output per class, labels become integer
      codes, loss ``sparse_categorical_crossentropy``;
    * multilabel indicator ``y``: one sigmoid output per label, loss
      ``binary_crossentropy``.

    Parameters
    ----------
    classes : array-like or None, default=None
        All classes, when ``y`` may not show them all (``partial_fit``).
    allow_single_class : bool, default=False
        Accept a ``y`` holding one class (as sklearn's ``MLPClassifier``
        does: the network then always predicts it) instead of refusing it.

    Attributes
    ----------
    classes_ : ndarray
        The class labels (for multilabel targets, ``arange(n_labels)``).
    target_type_ : str
        ``'binary'``, ``'multiclass'`` or ``'multilabel-indicator'``.
    n_outputs_ : int
        Width of the network's output layer.
    output_activation_ : str
        Activation of the output layer.
    loss_ : str
        Keras loss to train with.

    Examples
    --------
    >>> from skdl.preprocessing import ClassifierTargetEncoder
    >>> enc = ClassifierTargetEncoder().fit(["no", "yes", "no"])
    >>> enc.classes_.tolist(), enc.loss_
    (['no', 'yes'], 'binary_crossentropy')
    >>> enc.transform(["yes", "no"]).ravel().tolist()
    [1.0, 0.0]
    """

    # Default for encoders saved before the parameter existed.
    allow_single_class = False

    def __init__(self, classes=None, allow_single_class=False):
        self.classes = classes
        self.allow_single_class = allow_single_class

    def fit(self, y, X=None, sample_weight=None):
        y = _column_to_1d(np.asarray(y))
        check_classification_targets(y)
        target_type = type_of_target(y)
        if target_type == "multilabel-indicator":
            self.classes_ = np.arange(y.shape[1])
            self.target_type_ = target_type
            self.n_outputs_ = y.shape[1]
            self.output_activation_ = "sigmoid"
            self.loss_ = "binary_crossentropy"
            return self
        if target_type not in ("binary", "multiclass"):
            raise ValueError(
                f"Unknown label type: {target_type!r}. skdl classifiers accept "
                "binary, multiclass or multilabel-indicator targets."
            )
        labels = y if self.classes is None else np.asarray(self.classes)
        self._label_encoder = LabelEncoder().fit(labels)
        self.classes_ = self._label_encoder.classes_
        if self.classes is not None:
            unknown = np.setdiff1d(np.unique(y), self.classes_)
            if unknown.size:
                raise ValueError(
                    f"`y` has labels {unknown.tolist()} that are not in "
                    f"`classes` {self.classes_.tolist()}."
                )
        if len(self.classes_) < 2 and not self.allow_single_class:
            raise ValueError(
                f"`y` contains only one class ({self.classes_.tolist()}); a "
                "classifier needs at least two classes to learn from. Check "
                "the target column, or pass `classes=` to partial_fit."
            )
        # A single class trains one sigmoid output towards 0 and always
        # predicts that class.
        binary = len(self.classes_) <= 2
        self.target_type_ = "binary" if binary else "multiclass"
        self.n_outputs_ = 1 if binary else len(self.classes_)
        self.output_activation_ = "sigmoid" if binary else "softmax"
        self.loss_ = (
            "binary_crossentropy" if binary else "sparse_categorical_crossentropy"
        )
        return self

    def transform(self, y):
        check_is_fitted(self)
        y = np.asarray(y)
        if self.target_type_ == "multilabel-indicator":
            if y.ndim != 2 or y.shape[1] != self.n_outputs_:
                raise ValueError(
                    f"Expected a multilabel indicator matrix with "
                    f"{self.n_outputs_} columns, got shape {y.shape}."
                )
            return y.astype(np.float32)
        y = _column_to_1d(y, warn=False)
        unknown = np.setdiff1d(np.unique(y), self.classes_)
        if unknown.size:
            raise ValueError(
                f"Found unknown categories {unknown.tolist()} in `y`: labels "
                "that were not seen when the "
                f"estimator was first fitted (classes_={self.classes_.tolist()})."
                " Refit without warm_start, or pass all classes on the first "
                "partial_fit call."
            )
        codes = self._label_encoder.transform(y)
        if self.target_type_ == "binary":
            return codes.astype(np.float32).reshape(-1, 1)
        return codes.astype(np.int32)

    def to_proba(self, raw: np.ndarray) -> np.ndarray:
        """Turn network outputs into class probabilities (rows sum to 1)."""
        raw = np.asarray(raw, dtype=np.float64)
        if len(self.classes_) == 1:
            return np.ones((len(raw), 1))
        if self.target_type_ == "binary":
            p = np.clip(raw.reshape(-1), 0.0, 1.0)
            return np.column_stack([1.0 - p, p])
        if self.target_type_ == "multilabel-indicator":
            return np.clip(raw, 0.0, 1.0)
        raw = np.clip(raw, 0.0, None)
        total = raw.sum(axis=1, keepdims=True)
        total[total == 0] = 1.0
        return raw / total

    def inverse_transform(self, proba: np.ndarray) -> np.ndarray:
        """Turn class probabilities into labels (0.5 cut for multilabel)."""
        if self.target_type_ == "multilabel-indicator":
            return (proba > 0.5).astype(int)
        return self.classes_[np.argmax(proba, axis=1)]


def _column_to_1d(y: np.ndarray, warn: bool = True) -> np.ndarray:
    """Ravel a column vector ``(n, 1)``, warning as sklearn's classifiers do."""
    if y.ndim == 2 and y.shape[1] == 1:
        if warn:
            warn_user(
                "A column-vector y was passed when a 1d array was expected. "
                "Please change the shape of y to (n_samples,), for example "
                "using ravel().",
                DataConversionWarning,
            )
        return y.ravel()
    return y


class RegressorTargetEncoder(TransformerMixin, BaseEstimator):
    """Standardize regression targets so default settings train well.

    The network learns ``(y - mean) / scale`` and predictions are mapped back,
    so targets in the thousands train as well as targets near one.

    Parameters
    ----------
    standardize : bool, default=True
        Whether to standardize. With ``False`` targets pass through unchanged.
    loss : {'squared_error', 'poisson'}, default='squared_error'
        ``'poisson'``: targets must be ``>= 0``; they are never standardized
        and the network has an exponential output (log link).

    Attributes
    ----------
    mean_, scale_ : ndarray of shape (n_outputs,)
        The centre and spread removed from ``y`` (0 and 1 when not
        standardizing; a zero spread is kept as 1).
    n_outputs_ : int
        Number of targets.
    ndim_ : int
        Dimensions of ``y`` at fit (1 or 2), so predictions come back alike.
    output_activation_ : str
        ``'linear'`` (``'exponential'`` for the Poisson loss).
    loss_ : str
        ``'mean_squared_error'`` (``'poisson'`` for the Poisson loss).

    Examples
    --------
    >>> from skdl.preprocessing import RegressorTargetEncoder
    >>> enc = RegressorTargetEncoder().fit([10.0, 20.0, 30.0])
    >>> enc.transform([10.0, 30.0]).ravel().round(3).tolist()
    [-1.225, 1.225]
    >>> enc.inverse_transform(enc.transform([10.0, 30.0])).tolist()
    [10.0, 30.0]
    """

    # Defaults for encoders saved before the Poisson loss existed (their
    # state lacks these attributes).
    loss = "squared_error"
    output_activation_ = "linear"
    loss_ = "mean_squared_error"

    def __init__(self, standardize=True, loss="squared_error"):
        self.standardize = standardize
        self.loss = loss

    def fit(self, y, X=None, sample_weight=None):
        y = _finite_targets(y)
        self.ndim_ = y.ndim
        y2 = y.reshape(len(y), -1)
        self.n_outputs_ = y2.shape[1]
        poisson = self.loss == "poisson"
        if poisson and (y2 < 0).any():
            raise ValueError(
                "loss='poisson' needs non-negative targets (counts, rates); y "
                f"has values down to {y2.min():g}. Use loss='squared_error'."
            )
        self.output_activation_ = "exponential" if poisson else "linear"
        self.loss_ = "poisson" if poisson else "mean_squared_error"
        if self.standardize and not poisson:
            w = None if sample_weight is None else np.asarray(sample_weight, float)
            if w is not None and w.sum() <= 0:
                w = None
            self.mean_ = np.average(y2, axis=0, weights=w)
            var = np.average((y2 - self.mean_) ** 2, axis=0, weights=w)
            scale = np.sqrt(var)
            scale[scale == 0] = 1.0
            self.scale_ = scale
        else:
            self.mean_ = np.zeros(self.n_outputs_)
            self.scale_ = np.ones(self.n_outputs_)
        return self

    def transform(self, y):
        check_is_fitted(self)
        y2 = _finite_targets(y).reshape(len(y), -1)
        if y2.shape[1] != self.n_outputs_:
            raise ValueError(
                f"`y` has {y2.shape[1]} target columns, but the estimator was "
                f"fitted with {self.n_outputs_}."
            )
        return ((y2 - self.mean_) / self.scale_).astype(np.float32)

    def inverse_transform(self, raw):
        out = np.asarray(raw, dtype=np.float64).reshape(len(raw), -1)
        out = out * self.scale_ + self.mean_
        return out.ravel() if self.ndim_ == 1 else out


def _finite_targets(y) -> np.ndarray:
    """``y`` as float64, refusing NaN and infinity (some inputs pass sklearn's
    checks with them, e.g. object arrays holding ``inf``)."""
    y = np.asarray(y, dtype=np.float64)
    if not np.isfinite(y).all():
        raise ValueError(
            "Input y contains NaN or infinity; regression targets must be "
            "finite numbers. Drop or impute those rows first."
        )
    return y
