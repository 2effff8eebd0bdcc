"""Classification and regression on top of skdl's estimator base.

:class:`KerasClassifierBase` and :class:`KerasRegressorBase` add what a
task needs to :class:`~skdl.base.BaseKerasEstimator`: the target encoder,
``predict`` / ``predict_proba`` / ``score`` and ``partial_fit``. Every
public estimator derives from one of them.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import ClassifierMixin, RegressorMixin

from ._labels import check_known_labels
from ._weights import check_sample_weight
from .base import BaseKerasEstimator, _is_fitted

__all__ = ["KerasClassifierBase", "KerasRegressorBase"]


class KerasClassifierBase(ClassifierMixin, BaseKerasEstimator):
    """Classification on top of :class:`BaseKerasEstimator`."""

    def _new_target_encoder(self):
        from .preprocessing.targets import ClassifierTargetEncoder

        return ClassifierTargetEncoder()

    def _check_warm_start_target(self, y) -> None:
        y = np.asarray(y)
        if self.target_encoder_.target_type_ == "multilabel-indicator":
            return
        classes = np.unique(y)
        if np.array_equal(classes, np.unique(self.classes_)):
            return
        unseen = np.setdiff1d(classes, self.classes_).tolist()
        detail = (
            f" Labels {unseen} were not seen when the estimator was first fitted."
            if unseen
            else ""
        )
        raise ValueError(
            "warm_start can only be used where `y` has the same classes as in "
            f"the previous call to fit. Previously got {self.classes_}, `y` has "
            f"{classes}.{detail} Set warm_start=False to train afresh."
        )

    def _score_raw(self, raw, encoder, y, sw) -> float:
        from sklearn.metrics import accuracy_score

        pred = encoder.inverse_transform(encoder.to_proba(raw))
        return float(accuracy_score(y, pred, sample_weight=sw))

    def score(self, X, y, sample_weight=None) -> float:
        """Mean accuracy on ``X`` and ``y``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Test samples.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            True labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights: finite, non-negative, not all zero.

        Returns
        -------
        score : float
            Weighted fraction of rows predicted right.

        Raises
        ------
        ValueError
            When ``y`` holds a label that is not in ``classes_`` (one never
            seen in ``fit``): the message names those labels and the classes.
        """
        if sample_weight is not None:
            sample_weight = check_sample_weight(sample_weight, X)
        check_known_labels(self, y)
        return super().score(X, y, sample_weight=sample_weight)

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities for ``X``; each row sums to one.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probability of each class, in the order of ``classes_``. For
            multilabel targets, the probability of each label.
        """
        raw = self._predict_network(X)
        return self.target_encoder_.to_proba(raw)

    def predict_log_proba(self, X) -> np.ndarray:
        """Logarithm of the class probabilities for ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            ``log(predict_proba(X))`` (``-inf`` where a probability is 0).
        """
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def predict(self, X) -> np.ndarray:
        """Predict class labels for ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_labels)
            Predicted labels, of the same type as the labels seen in ``fit``.
        """
        proba = self.predict_proba(X)
        return self.target_encoder_.inverse_transform(proba)

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Train for one epoch, continuing from the current weights.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Target labels.
        classes : array-like of shape (n_classes,), default=None
            All classes that ``y`` can take across calls. Required on the
            first call when a batch may not show every class.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights.

        Returns
        -------
        self : object
            The estimator, trained one epoch further.
        """
        if classes is None and not _is_fitted(self) and len(np.unique(y)) < 2:
            raise ValueError(
                f"`y` contains only one class ({np.unique(y).tolist()}) and "
                "`classes` was not given: pass all classes on the first "
                "partial_fit call, e.g. partial_fit(X, y, classes=[0, 1])."
            )
        if classes is not None and _is_fitted(self):
            known = self.classes_.tolist()
            if sorted(np.unique(classes).tolist()) != sorted(known):
                raise ValueError(
                    f"`classes={list(classes)}` is not the same as on the "
                    f"first partial_fit call ({known})."
                )
            classes = None
        return self._fit(X, y, sample_weight, partial=True, classes=classes)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


class KerasRegressorBase(RegressorMixin, BaseKerasEstimator):
    """Regression on top of :class:`BaseKerasEstimator`."""

    def _new_target_encoder(self):
        from .preprocessing.targets import RegressorTargetEncoder

        return RegressorTargetEncoder()

    def _score_raw(self, raw, encoder, y, sw) -> float:
        from sklearn.metrics import r2_score

        return float(r2_score(y, encoder.inverse_transform(raw), sample_weight=sw))

    def score(self, X, y, sample_weight=None) -> float:
        """Coefficient of determination (R^2) on ``X`` and ``y``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Test samples.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            True targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights: finite, non-negative, not all zero.

        Returns
        -------
        score : float
            R^2 of the predictions.
        """
        if sample_weight is not None:
            sample_weight = check_sample_weight(sample_weight, X)
        return super().score(X, y, sample_weight=sample_weight)

    def predict(self, X) -> np.ndarray:
        """Predict targets for ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Predictions, in the units of the ``y`` seen in ``fit``.
        """
        raw = self._predict_network(X)
        return self.target_encoder_.inverse_transform(raw)

    def partial_fit(self, X, y, sample_weight=None):
        """Train for one epoch, continuing from the current weights.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights.

        Returns
        -------
        self : object
            The estimator, trained one epoch further.
        """
        return self._fit(X, y, sample_weight, partial=True)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
