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

from sklearn.utils._param_validation import Interval, StrOptions

from . import _routing
from ._image_input import ImageFileInput
from ._training.data import class_weight_sample_weights
from ._wrapper_base import KerasWrapper
from ._wrapper_docs import fill_wrapper
from .base import KerasClassifierBase, KerasRegressorBase
from .preprocessing.keras_targets import (
    KerasClassifierTargetEncoder,
    KerasRegressorTargetEncoder,
)

__all__ = ["KerasClassifier", "KerasRegressor"]


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
        used when present.
        """
        return KerasClassifierTargetEncoder()

    def _new_target_encoder(self):
        return self.target_encoder

    def _fit_keys(self) -> frozenset:
        return _routing.FIT_KEYS

    def _target_meta(self, encoder) -> dict[str, Any]:
        meta: dict[str, Any] = {"n_outputs_": 1}
        if hasattr(encoder, "classes_"):
            meta["n_classes_"] = len(encoder.classes_)
        return meta

    def _default_loss(self, meta, net) -> str:
        units = _routing.output_units(net)
        if meta.get("target_type_") == "multilabel-indicator":
            return "binary_crossentropy"
        if meta.get("n_classes_") == 2 and units in (None, 1):
            return "binary_crossentropy"
        return "sparse_categorical_crossentropy"

    def _combine_weights(self, sw, y, encoder):
        class_weight = self._setting("class_weight")
        return class_weight_sample_weights(class_weight, y, encoder, sw)


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

    def _default_loss(self, meta, net) -> str:
        return "mean_squared_error"
