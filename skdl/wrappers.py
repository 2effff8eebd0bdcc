"""Your own Keras model behind the scikit-learn API, scikeras style.

:class:`KerasClassifier` and :class:`KerasRegressor` take a ``model``: a
function that builds a Keras model (it may ask for ``meta``,
``compile_kwargs``, ``params`` and routed ``model__*`` parameters), or a
ready ``keras.Model``. Their constructor and routed parameters follow
scikeras, so scikeras code runs after changing the import; what scikeras
gets wrong on current scikit-learn is fixed (see ``docs/migration_scikeras.md``).
"""

from __future__ import annotations

from numbers import Integral
from typing import Any

import numpy as np
from sklearn.metrics import accuracy_score, r2_score
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils._param_validation import Interval, StrOptions

from . import _routing
from ._image_input import ImageFileInput
from ._task_bases import KerasClassifierBase, KerasRegressorBase
from ._training.data import class_weight_sample_weights
from ._wrapper_base import KerasWrapper
from ._wrapper_docs import fill_wrapper
from ._wrapper_keras import keras_class_weight
from .base import BaseKerasEstimator, _is_fitted
from .preprocessing.keras_targets import (
    KerasClassifierTargetEncoder,
    KerasRegressorTargetEncoder,
)

__all__ = ["BaseWrapper", "KerasClassifier", "KerasRegressor"]


class KerasClassifier(ImageFileInput, KerasWrapper, KerasClassifierBase):
    __doc__ = fill_wrapper(
        """A classifier around your own Keras model (scikeras compatible).

    ``model`` builds the network; skdl encodes the labels to match its loss,
    trains it, and maps its outputs back to labels and probabilities.
    Binary, multiclass and multilabel targets; string labels.

    ``X`` may be a 1-D array of image file paths (for example from
    :func:`skdl.datasets.load_image_folder`): images are decoded with
    Pillow, resized to ``image_size``, scaled to [0, 1] and streamed to the
    network batch by batch; the build function sees the decoded shape
    ``(n_samples, height, width, channels)`` in ``meta["X_shape_"]``.

    Parameters
    ----------
    {model}
    {build_fn}
    {warm_start}
    {random_state}
    {optimizer}
    {loss}
    {metrics}
    {batch_size}
    {validation_batch_size}
    {verbose}
    {callbacks}
    {validation_split}
    {shuffle}
    {run_eagerly}
    {epochs}
    {class_weight}
    {image_size}
    {color_mode}
    {image_cache}
    {kwargs}

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    n_classes_ : int
        Number of classes.
    {attributes}

    See Also
    --------
    KerasRegressor : The same for regression.
    MLPClassifier : A ready-made network with sklearn's MLP parameters.

    Examples
    --------
    >>> import keras
    >>> from sklearn.datasets import load_iris
    >>> from skdl import KerasClassifier
    >>> def build(meta, hidden=16):
    ...     return keras.Sequential([
    ...         keras.Input((meta["n_features_in_"],)),
    ...         keras.layers.Dense(hidden, activation="relu"),
    ...         keras.layers.Dense(meta["n_classes_"], activation="softmax"),
    ...     ])
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = KerasClassifier(
    ...     build, loss="sparse_categorical_crossentropy", optimizer="adam",
    ...     optimizer__learning_rate=0.05, model__hidden=8, epochs=30,
    ...     random_state=0,
    ... ).fit(X, y)
    >>> clf.predict_proba(X[:2]).shape
    (2, 3)
    >>> bool(clf.score(X, y) > 0.9)
    True
    """
    )

    _parameter_constraints: dict = {
        **KerasWrapper._parameter_constraints,
        "class_weight": [dict, StrOptions({"balanced"}), None],
        "image_size": ["array-like", Interval(Integral, 1, None, closed="left"), None],
        "color_mode": [StrOptions({"rgb", "grayscale"})],
        "image_cache": ["boolean"],
    }

    def __init__(
        self,
        model=None,
        *,
        build_fn=None,
        warm_start=False,
        random_state=None,
        optimizer="rmsprop",
        loss=None,
        metrics=None,
        batch_size=None,
        validation_batch_size=None,
        verbose=0,
        callbacks=None,
        validation_split=0.0,
        shuffle=True,
        run_eagerly=False,
        epochs=1,
        class_weight=None,
        image_size=None,
        color_mode="rgb",
        image_cache=False,
        **kwargs,
    ):
        super().__init__(
            model=model,
            build_fn=build_fn,
            warm_start=warm_start,
            random_state=random_state,
            optimizer=optimizer,
            loss=loss,
            metrics=metrics,
            batch_size=batch_size,
            validation_batch_size=validation_batch_size,
            verbose=verbose,
            callbacks=callbacks,
            validation_split=validation_split,
            shuffle=shuffle,
            run_eagerly=run_eagerly,
            epochs=epochs,
            **kwargs,
        )
        self.class_weight = class_weight
        self.image_size = image_size
        self.color_mode = color_mode
        self.image_cache = image_cache

    @property
    def target_encoder(self):
        """A new, unfitted transformer for ``y`` (override to customise).

        The default, ``KerasClassifierTargetEncoder``, encodes labels to
        match the network's loss and output width. A replacement must offer
        ``fit``, ``transform``, ``inverse_transform`` (probabilities to
        labels), ``to_proba`` (network outputs to probabilities) and
        ``classes_``; ``configure(loss, n_units)`` and ``get_metadata()`` are
        used when present. A ``y`` of one class is accepted (the class is
        then always predicted), as by scikit-learn's ``MLPClassifier``.
        """
        return KerasClassifierTargetEncoder(allow_single_class=True)

    def _new_target_encoder(self):
        return self.target_encoder

    def _fit_keys(self) -> frozenset:
        return _routing.FIT_KEYS

    def _target_meta(self, encoder) -> dict[str, Any]:
        meta: dict[str, Any] = {"n_outputs_": 1}
        if hasattr(encoder, "classes_"):
            meta["n_classes_"] = len(encoder.classes_)
        return meta

    @staticmethod
    def scorer(y_true, y_pred, **kwargs) -> float:
        """Accuracy, what ``score`` reports (override to change it).

        Parameters
        ----------
        y_true : array-like of shape (n_samples,) or (n_samples, n_outputs)
            True labels.
        y_pred : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Predicted labels.
        **kwargs : dict
            ``sample_weight`` and routed ``score__*`` parameters.

        Returns
        -------
        score : float
            The accuracy.
        """
        return accuracy_score(y_true, y_pred, **kwargs)

    def partial_fit(self, X, y, classes=None, sample_weight=None, **kwargs):
        """Train for one epoch, continuing from the current weights.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Target labels.
        classes : array-like of shape (n_classes,), default=None
            All classes that ``y`` can take across calls. Required on the
            first call when a batch may not show every class.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights.
        **kwargs : dict
            Arguments of ``keras.Model.fit`` for this call (not ``epochs``).

        Returns
        -------
        self : object
            The estimator, trained one epoch further.
        """
        self._partial_fit_call(X, y, sample_weight, kwargs, classes=classes)
        return self

    def _fit(self, X, y, sample_weight, *, partial, classes=None):
        if partial and classes is not None and _is_fitted(self):
            return super().partial_fit(X, y, classes, sample_weight)
        return super()._fit(X, y, sample_weight, partial=partial, classes=classes)

    def predict_proba(self, X, **kwargs) -> np.ndarray:
        """Class probabilities for ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...)
            Samples.
        **kwargs : dict
            Arguments of ``keras.Model.predict`` for this call.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probability of each class, in the order of ``classes_``.
        """
        with self._calling("predict", kwargs):
            raw = self._predict_network(X)
        encoder = self.target_encoder_
        if hasattr(encoder, "to_proba"):
            return encoder.to_proba(raw)
        return encoder.inverse_transform(raw, return_proba=True)

    def predict(self, X, **kwargs) -> np.ndarray:
        """Predict class labels for ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...)
            Samples.
        **kwargs : dict
            Arguments of ``keras.Model.predict`` for this call.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Predicted labels, of the type of the labels seen in ``fit``.
        """
        encoder = self.target_encoder_ if _is_fitted(self) else None
        if encoder is None or hasattr(encoder, "to_proba"):
            return (
                super().predict(X)
                if not kwargs
                else encoder.inverse_transform(self.predict_proba(X, **kwargs))
            )
        with self._calling("predict", kwargs):
            raw = self._predict_network(X)
        return encoder.inverse_transform(raw)

    def _default_loss(self, meta, net) -> str:
        units = _routing.output_units(net)
        if meta.get("target_type_") == "multilabel-indicator":
            return "binary_crossentropy"
        if meta.get("n_classes_") in (1, 2) and units in (None, 1):
            return "binary_crossentropy"
        return "sparse_categorical_crossentropy"

    def _combine_weights(self, sw, y, encoder):
        class_weight = self._setting("class_weight")
        weights = class_weight_sample_weights(class_weight, y, encoder, sw)
        if class_weight is not None and sw is None:
            # Model.fit, when it trains, gets class_weight itself (as in
            # scikeras), by class index: the same weight for every row.
            self._keras_class_weight = keras_class_weight(weights, y, encoder)
        return weights


class KerasRegressor(KerasWrapper, KerasRegressorBase):
    __doc__ = fill_wrapper(
        """A regressor around your own Keras model (scikeras compatible).

    ``model`` builds the network; skdl trains it on ``y`` as given (in its
    own units, as scikeras does) and returns its outputs in the shape of
    ``y``. Several targets at once are supported.

    Parameters
    ----------
    {model}
    {build_fn}
    {warm_start}
    {random_state}
    {optimizer}
    {loss}
    {metrics}
    {batch_size}
    {validation_batch_size}
    {verbose}
    {callbacks}
    {validation_split}
    {shuffle}
    {run_eagerly}
    {epochs}
    {kwargs}

    Attributes
    ----------
    n_outputs_ : int
        Number of targets.
    {attributes}

    See Also
    --------
    KerasClassifier : The same for classification.
    MLPRegressor : A ready-made network with sklearn's MLP parameters.

    Examples
    --------
    >>> import keras
    >>> import numpy as np
    >>> from skdl import KerasRegressor
    >>> def build(meta, units=16):
    ...     return keras.Sequential([
    ...         keras.Input((meta["n_features_in_"],)),
    ...         keras.layers.Dense(units, activation="relu"),
    ...         keras.layers.Dense(meta["n_outputs_"]),
    ...     ])
    >>> rng = np.random.RandomState(0)
    >>> X = rng.uniform(-1, 1, size=(200, 2))
    >>> y = 3 * X[:, 0] - 2 * X[:, 1]
    >>> reg = KerasRegressor(
    ...     build, optimizer="adam", optimizer__learning_rate=0.02,
    ...     epochs=60, random_state=0,
    ... ).fit(X, y)
    >>> reg.predict(X[:3]).shape
    (3,)
    >>> bool(reg.score(X, y) > 0.9)
    True
    """
    )

    @property
    def target_encoder(self):
        """A new, unfitted transformer for ``y`` (override to customise).

        The default, ``KerasRegressorTargetEncoder``, passes ``y`` through
        unchanged; ``KerasRegressorTargetEncoder(standardize=True)`` trains
        on standardized targets. A replacement must offer ``fit``,
        ``transform``, ``inverse_transform`` (network outputs to
        predictions) and ``n_outputs_``.
        """
        return KerasRegressorTargetEncoder()

    def _new_target_encoder(self):
        return self.target_encoder

    def _target_meta(self, encoder) -> dict[str, Any]:
        n_outputs = getattr(encoder, "n_outputs_", 1)
        multi = n_outputs > 1 or getattr(encoder, "ndim_", 1) > 1
        return {
            "n_outputs_": n_outputs,
            "target_type_": "continuous-multioutput" if multi else "continuous",
        }

    @staticmethod
    def scorer(y_true, y_pred, **kwargs) -> float:
        """R², what ``score`` reports (override to change it).

        Parameters
        ----------
        y_true : array-like of shape (n_samples,) or (n_samples, n_outputs)
            True targets.
        y_pred : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Predictions.
        **kwargs : dict
            ``sample_weight`` and routed ``score__*`` parameters.

        Returns
        -------
        score : float
            The coefficient of determination.
        """
        return r2_score(y_true, y_pred, **kwargs)

    def predict(self, X, **kwargs) -> np.ndarray:
        """Predict targets for ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...)
            Samples.
        **kwargs : dict
            Arguments of ``keras.Model.predict`` for this call.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Predictions, in the units of the ``y`` seen in ``fit``.
        """
        with self._calling("predict", kwargs):
            return super().predict(X)

    def _default_loss(self, meta, net) -> str:
        return "mean_squared_error"


class BaseWrapper(KerasWrapper, BaseKerasEstimator):
    """A wrapper that returns the network's own outputs (scikeras' ``BaseWrapper``).

    Neither a classifier nor a regressor: ``predict`` returns what the
    network outputs, through ``target_encoder`` (by default unchanged), and
    ``score`` calls ``scorer``, which a subclass provides. Use it as a base
    for your own kind of estimator; :class:`KerasClassifier` and
    :class:`KerasRegressor` share its parameters and steps.

    Parameters
    ----------
    model : callable or keras.Model, default=None
        The build function (or network), as for :class:`KerasClassifier`.
    **kwargs : dict
        Every other parameter of :class:`KerasRegressor`.

    Examples
    --------
    >>> from skdl.wrappers import BaseWrapper
    >>> BaseWrapper(model=None, epochs=2).get_params()["epochs"]
    2
    """

    @property
    def target_encoder(self):
        """A new, unfitted transformer for ``y`` (by default: unchanged)."""
        return FunctionTransformer()

    def _new_target_encoder(self):
        return self.target_encoder

    def _default_loss(self, meta, net):
        return None

    @staticmethod
    def scorer(y_true, y_pred, **kwargs) -> float:
        """The score ``score`` reports; a subclass provides it.

        Parameters
        ----------
        y_true : array-like
            True targets.
        y_pred : array-like
            Predictions.
        **kwargs : dict
            ``sample_weight`` and routed ``score__*`` parameters.

        Returns
        -------
        score : float
            The score.
        """
        raise NotImplementedError("BaseWrapper has no scorer; override `scorer`.")

    def predict(self, X, **kwargs):
        """The network's outputs for ``X``, through ``target_encoder_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...)
            Samples.
        **kwargs : dict
            Arguments of ``keras.Model.predict`` for this call.

        Returns
        -------
        y : ndarray
            Predictions.
        """
        with self._calling("predict", kwargs):
            raw = self._predict_network(X)
        return self.target_encoder_.inverse_transform(raw)
