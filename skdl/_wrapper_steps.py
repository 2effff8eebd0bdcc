"""Steps of ``fit`` / ``predict`` for :class:`skdl.KerasClassifier` and friends.

:class:`WrapperSteps` adapts skdl's shared fit loop to scikeras' calling
conventions: ``initialize``, ``current_epoch``, keyword arguments for
Keras at ``fit`` / ``predict`` time, N-dimensional, sparse and
multi-input ``X``, target encoders written for scikeras, and the
consistency checks between ``partial_fit`` calls. Copying and pickling
are :mod:`skdl._wrapper_persist`'s.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import is_classifier
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils.validation import check_is_fitted, validate_data

from . import _routing, _wrapper_keras
from ._labels import check_known_labels
from ._routing import routed
from ._training.loop import EngineChoice
from ._training.predict import PREDICT_CHUNK, predict_raw
from ._weights import check_sample_weight
from ._wrapper_keras import n_rows
from ._wrapper_persist import WrapperPersistence
from .base import _is_fitted, _numeric_input, as_float32

__all__ = ["WrapperSteps"]

# Meta keys copied onto the fitted estimator, as scikeras does.
_META_ATTRIBUTES = (
    "X_shape_",
    "X_dtype_",
    "y_dtype_",
    "y_ndim_",
    "target_type_",
    "n_classes_",
    "n_outputs_",
    "n_outputs_expected_",
)
# Sparse X of up to this many values (64 MB as float32) is densified and
# trained by skdl's engine; larger, it goes to Model.fit / Model.predict,
# which densify one batch at a time.
SPARSE_DENSE_MAX = 2**24
# Kept from the first fit by partial_fit and warm starts.
_FIRST_FIT = ("X_dtype_", "y_dtype_", "y_ndim_")
# What skdl keeps in ``meta_`` for itself; build functions do not see it.
_PRIVATE_META = frozenset(
    {
        "batch_size_",
        "output_activation_",
        "loss_",
        "seed_",
        "n_train_",
        "initial_t_",
        "partial_",
        "epochs_",
    }
)


def _dtype_of(data) -> np.dtype | None:
    dtype = getattr(data, "dtype", None)
    if dtype is None and isinstance(data, list | tuple):
        with contextlib.suppress(ValueError, TypeError):
            dtype = np.asarray(data).dtype
    return dtype if isinstance(dtype, np.dtype) else None


class WrapperSteps(WrapperPersistence):
    """Steps of fit and predict in scikeras' conventions (a mixin)."""

    # Arguments of keras.Model.fit / predict / compile a user may route, as
    # scikeras lists them.
    _fit_kwargs = _wrapper_keras.KERAS_FIT_ARGS
    _predict_kwargs = _wrapper_keras.KERAS_PREDICT_ARGS
    _compile_kwargs = frozenset(
        {
            "optimizer",
            "loss",
            "metrics",
            "loss_weights",
            "weighted_metrics",
            "run_eagerly",
            "jit_compile",
            "steps_per_execution",
            "auto_scale_loss",
        }
    )

    # -- scikeras' public calls -------------------------------------------------
    def initialize(self, X, y=None):
        """Build the network and set the fitted attributes, without training.

        Use it to predict with a network that needs no training (a
        pretrained ``keras.Model`` given as ``model``). ``fit`` does this
        itself: there is no need to call it first.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...)
            Samples, as for ``fit`` (they set ``n_features_in_``, ``X_shape_``...).
        y : array-like of shape (n_samples,) or (n_samples, n_outputs), default=None
            Targets, as for ``fit`` (they set ``classes_``, ``n_outputs_``...).
            A classifier needs them; without them a regressor or
            ``BaseWrapper`` is set up for one target.

        Returns
        -------
        self : object
            The estimator, ready to predict.
        """
        self._build_only(X, y)
        return self

    def _build_only(self, X, y) -> None:
        if y is None:
            if self._is_classifier():
                raise ValueError(
                    f"{type(self).__name__}.initialize needs `y`: the classes "
                    "come from it. Call initialize(X, y)."
                )
            y = np.zeros(n_rows(X))  # nothing is trained: y sets no weights
        with self._calling("fit", {}, initialize_only=True):
            self._fit(X, y, None, partial=False)

    def _initialize(self, X, y=None):
        """scikeras' subclassing hook: build without training, return ``(X, y)``.

        A subclass may override it to build more (scikeras' autoencoder
        example builds encoder and decoder wrappers); ``fit`` then calls it
        first and trains the network it built.
        """
        self._build_only(X, y)  # not initialize(): a subclass may override it
        return X, y

    def _continues_network(self) -> bool:
        return super()._continues_network() or bool(
            self.__dict__.get("_initialized_by_hook")
        )

    @property
    def current_epoch(self) -> int:
        """Epochs in ``history_``: the last ``fit`` plus later ``partial_fit`` calls."""
        history = getattr(self, "history_", None) or {}
        return len(history.get("loss", []))

    @contextlib.contextmanager
    def _calling(self, kind: str, kwargs: dict, **flags) -> Iterator[None]:
        """Keyword arguments of one ``fit`` / ``predict`` call, while it runs."""
        state = {
            f"_call_{kind}": dict(kwargs),
            **{f"_{k}": v for k, v in flags.items()},
        }
        self.__dict__.update(state)
        try:
            yield
        finally:
            for key in state:
                self.__dict__.pop(key, None)

    def _fit_call(self, X, y, sample_weight, kwargs, **fit_kwargs):
        with self._calling("fit", kwargs):
            return self._fit(X, y, sample_weight, **fit_kwargs)

    def _partial_fit_call(self, X, y, sample_weight, kwargs, **fit_kwargs):
        for name in ("epochs", "initial_epoch"):
            if name in kwargs:
                raise TypeError(
                    f"Invalid argument `{name}` to `partial_fit`: `partial_fit` "
                    "always trains for one epoch, from the current one."
                )
        with self._calling("fit", kwargs):
            return self._fit(X, y, sample_weight, partial=True, **fit_kwargs)

    def fit(self, X, y, sample_weight=None, **kwargs):
        """Build the network and train it on ``(X, y)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...)
            Training data; more than two dimensions (images, sequences) for
            a network that takes them.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights applied to the loss.
        **kwargs : dict
            Arguments for this call only, as scikeras takes them: settings
            (``epochs=``, ``batch_size=``...) and arguments of
            ``keras.Model.fit`` (``validation_data=``, ``callbacks=``...).
            Prefer the routed ``fit__*`` parameters, which ``clone`` keeps.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        if type(self)._initialize is WrapperSteps._initialize or (
            self._continues_network() and _is_fitted(self)
        ):
            return self._fit_call(X, y, sample_weight, kwargs, partial=False)
        X, y = self._initialize(X, y)  # a subclass's own (scikeras style)
        self._initialized_by_hook = True
        try:
            return self._fit_call(X, y, sample_weight, kwargs, partial=False)
        finally:
            self.__dict__.pop("_initialized_by_hook", None)

    def score(self, X, y, sample_weight=None) -> float:
        """Score of the predictions for ``X`` against ``y`` (see ``scorer``).

        Routed ``score__*`` parameters are passed to ``scorer``.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...)
            Samples.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            True targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights.

        Returns
        -------
        score : float
            Accuracy for a classifier, R² for a regressor.

        Raises
        ------
        ValueError
            For a classifier, when ``y`` holds a label that is not in
            ``classes_`` (one never seen in ``fit``).
        """
        if sample_weight is not None:
            sample_weight = check_sample_weight(sample_weight, X)
        if is_classifier(self):
            check_known_labels(self, y)
        kwargs = routed(self.get_params(deep=False), "score")
        return float(
            self.scorer(y, self.predict(X), sample_weight=sample_weight, **kwargs)
        )

    # -- data -------------------------------------------------------
    def _validate_data_kwargs(self) -> dict[str, Any]:
        return {
            "dtype": [np.float32, np.float64],
            "ensure_min_samples": 1,
            "allow_nd": True,
            # scipy sparse X: densified when small, else left to Model.fit
            # (see _check_X).
            "accept_sparse": "csr",
        }

    def _fit_steps(self, X, y, sample_weight, partial, reuse, classes):
        seen = {"X_dtype_": _dtype_of(X), "y_dtype_": _dtype_of(y)}
        seen["y_ndim_"] = np.ndim(y) if _dtype_of(y) is not None else None
        seen["y_shape"] = np.shape(y) if _dtype_of(y) is not None else None
        if sample_weight is not None and not np.any(np.asarray(sample_weight)):
            raise ValueError(
                "No training samples had any weight; only zeros were passed in "
                "sample_weight. Sample weights must contain at least one non-zero "
                "number: pass positive weights for the rows to learn from."
            )
        self._refit_features = not reuse
        self._seen = seen
        try:
            return super()._fit_steps(X, y, sample_weight, partial, reuse, classes)
        finally:
            for key in ("_refit_features", "_seen", "_keras_class_weight"):
                self.__dict__.pop(key, None)

    def _check_consistent(self, X, seen) -> None:
        """Errors for data unlike what the estimator was fitted on."""
        name = type(self).__name__
        for key, what in (("X_dtype_", "X"), ("y_dtype_", "y")):
            old, new = getattr(self, key, None), seen.get(key)
            # Object arrays are judged by their content, elsewhere.
            if new is None or old is None or new.kind == "O":
                continue
            if not np.can_cast(new, old):
                raise ValueError(
                    f"Got {what} with dtype {new}, but this {name} expected "
                    f"{old} and casting from {new} to {old} is not safe!"
                )
        old_ndim = getattr(self, "y_ndim_", None)
        if old_ndim is not None and seen.get("y_ndim_") not in (None, old_ndim):
            raise ValueError(
                f"y has {seen['y_ndim_']} dimensions, but this {name} is "
                f"expecting {old_ndim} dimensions in y."
            )
        y_shape = seen.get("y_shape")
        if old_ndim == 2 and y_shape is not None and len(y_shape) == 2:
            k, n = y_shape[1], self.__dict__.get("_y_columns")
            if n is not None and k != n:
                raise ValueError(
                    f"Detected ``y`` to have {k} columns (target features), "
                    f"but this {name} was fitted on y with {n}. Pass y of "
                    "the same shape to every fit call."
                )
        shape, new_shape = getattr(self, "X_shape_", None), np.shape(X)
        if shape is not None:
            if len(new_shape) != len(shape):
                raise ValueError(
                    f"X has {len(new_shape)} dimensions, but this {name} is "
                    f"expecting {len(shape)} dimensions in X."
                )
            if tuple(new_shape[1:]) != tuple(shape[1:]):
                raise ValueError(
                    f"X has shape {tuple(new_shape[1:])} per row, but this "
                    f"{name} is expecting X of shape {tuple(shape[1:])}."
                )

    def _check_X(self, X, *, reset: bool = False):
        self._X_shape = X.shape
        seen = self.__dict__.get("_seen")
        if seen is not None and not reset:
            self._check_consistent(X, seen)
        if reset:
            self.feature_encoder_ = self.feature_encoder
            X = self.feature_encoder_.fit_transform(X)
        else:
            X = self.feature_encoder_.transform(X)
        if isinstance(X, list | tuple | dict):
            return X  # several inputs: Keras takes them as they are
        if sp.issparse(X):
            as_float32(X.data)  # refuses values float32 cannot hold
            if np.prod(X.shape, dtype=float) <= SPARSE_DENSE_MAX:
                return X.toarray().astype(np.float32)  # skdl's own engine
            return X.astype(np.float32)  # Model.fit densifies it batch by batch
        X = np.asarray(X)
        # float64 becomes float32, refusing what float32 cannot hold.
        return as_float32(X) if X.dtype == np.float64 else X

    @property
    def feature_encoder(self):
        """A new, unfitted transformer for ``X`` (override to customise).

        It is fitted on the training ``X`` in ``fit`` (as ``feature_encoder_``)
        and applied before the network at ``fit`` and ``predict``. The
        default passes ``X`` through unchanged. It may return a list or dict
        of arrays for a network with several inputs. If it has a
        ``get_metadata()`` method, the returned dict is added to ``meta``.
        """
        return FunctionTransformer()

    def _fit_target_encoder(self, encoder, y, sw) -> None:
        # Encoders written for scikeras take ``fit(y)`` only.
        names, var_kw = _routing.signature_names(encoder.fit)
        if var_kw or "sample_weight" in names:
            encoder.fit(y, sample_weight=sw)
        else:
            encoder.fit(y)

    # -- plan -------------------------------------------------------
    def _fit_plan_settings(self, n_samples: int) -> tuple[int, int, bool]:
        batch_size = self._setting("batch_size")
        if batch_size is None:
            batch_size = 32
        elif batch_size == -1:
            batch_size = n_samples
        epochs = int(self._setting("epochs"))
        return epochs, min(int(batch_size), n_samples), bool(self._setting("shuffle"))

    def _validation_batch_size(self, batch_size: int) -> int | None:
        # Unset: calls of up to PREDICT_CHUNK rows (the metrics are those of
        # any batching, to float rounding); -1: all rows in one call.
        size = self._setting("validation_batch_size")
        if size is None:
            return PREDICT_CHUNK
        return self._X_shape[0] if size == -1 else int(size)

    def _validation_split(self, X, y, sw, seed):
        fraction = self._setting("validation_split")
        if not fraction:
            return None
        n = n_rows(X)
        n_train = int(np.floor(n * (1.0 - fraction)))
        if n_train < 1 or n_train >= n:
            raise ValueError(
                f"validation_split={fraction} of {n} rows leaves no training or "
                "no validation rows. Use more data or change validation_split."
            )
        # As in keras.Model.fit: the last rows, before any shuffling.
        return np.arange(n_train), np.arange(n_train, n)

    def _continues_history(self, partial: bool, reuse: bool) -> bool:
        # As in scikeras: ``fit`` starts a new history (warm_start keeps the
        # weights, not the history); ``partial_fit`` adds to it.
        return partial and reuse

    def _user_callbacks(self) -> list:
        call = self.__dict__.get("_call_fit", {})
        if "callbacks" in call:  # fit(..., callbacks=...) replaces them
            return _routing.callback_list(call["callbacks"], {}, "callbacks")
        extra = self.get_params(deep=False)
        found = _routing.callback_list(
            self.callbacks, routed(extra, "callbacks"), "callbacks"
        )
        fit_cbs = vars(self).get("fit__callbacks")
        params = routed(routed(extra, "fit"), "callbacks")
        return found + _routing.callback_list(fit_cbs, params, "fit__callbacks")

    def _predict_callbacks(self) -> list:
        extra = self.get_params(deep=False)
        found = _routing.callback_list(
            self.callbacks, routed(extra, "callbacks"), "callbacks"
        )
        cbs = vars(self).get("predict__callbacks")
        params = routed(routed(extra, "predict"), "callbacks")
        return found + _routing.callback_list(cbs, params, "predict__callbacks")

    def _extra_callbacks(self, context, has_validation, score_fn) -> list:
        from .callbacks.progress import EpochLogger

        return [EpochLogger()] if self._setting("verbose") else []

    def _training_engine(self) -> str:
        eager = vars(self).get("compile__run_eagerly", self.run_eagerly)
        return "keras" if eager else "auto"

    # -- meta -------------------------------------------------------
    def _meta(self, X, encoder, batch_size) -> dict[str, Any]:
        seen = dict(self.__dict__.get("_seen", {}))
        reset = self.__dict__.get("_refit_features", True)
        if not reset:  # data of the first fit
            seen.update({k: getattr(self, k, None) for k in _FIRST_FIT})
        meta: dict[str, Any] = {
            "n_features_in_": self.n_features_in_,
            "X_shape_": self._X_shape if reset else self.X_shape_,
            "X_dtype_": seen.get("X_dtype_"),
            "y_dtype_": seen.get("y_dtype_"),
            "y_ndim_": seen.get("y_ndim_"),
            "batch_size_": batch_size,
            "n_outputs_expected_": 1,
            "feature_encoder_": getattr(self, "feature_encoder_", None),
            "target_encoder_": encoder,
        }
        if hasattr(self, "feature_names_in_"):
            meta["feature_names_in_"] = self.feature_names_in_
        for key in ("classes_", "target_type_", "output_activation_", "loss_"):
            if hasattr(encoder, key):
                meta[key] = getattr(encoder, key)
        meta.update(self._target_meta(encoder))
        meta.update(getattr(encoder, "get_metadata", dict)())
        encoder_ = getattr(self, "feature_encoder_", None)  # None: image files
        meta.update(getattr(encoder_, "get_metadata", dict)())
        return meta

    def _target_meta(self, encoder) -> dict[str, Any]:
        return {"n_outputs_": getattr(encoder, "n_outputs_", 1)}

    @staticmethod
    def _public_meta(meta) -> dict[str, Any]:
        """What a build function sees of ``meta`` (scikeras' keys)."""
        return {k: v for k, v in meta.items() if k not in _PRIVATE_META}

    def _after_fit(self, history, callbacks, context) -> None:
        for key in _META_ATTRIBUTES:
            if key in self.meta_:
                setattr(self, key, self.meta_[key])
        y_shape = self.__dict__.get("_seen", {}).get("y_shape")
        self._y_columns = y_shape[1] if y_shape and len(y_shape) == 2 else None

    def _configure_target_encoder(self, encoder, model) -> None:
        if hasattr(encoder, "configure"):
            encoder.configure(model.loss, _routing.output_units(model))
        expected = getattr(encoder, "n_outputs_expected_", 1)
        try:
            n_outputs = len(model.outputs)
        except (AttributeError, ValueError):  # subclassed, not built yet
            return
        if expected and expected != n_outputs:
            raise ValueError(
                f"y is encoded as an input of size {expected} for the network's "
                f"outputs, but the network has {n_outputs} outputs. Return a "
                "network with one output per encoded target, or a target "
                "encoder whose n_outputs_expected_ matches the network."
            )

    # -- training -------------------------------------------------------
    def _train_network(self, model, X, y_enc, sw, split, plan):
        if self.__dict__.get("_initialize_only"):
            return {}, EngineChoice("none", "initialize() trains nothing")
        extra = self._keras_fit_extra()
        reason = _wrapper_keras.keras_fit_reason(model, X, y_enc, plan.callbacks, extra)
        if self.__dict__.get("_call_fit"):
            reason = "fit() was called with keyword arguments for Model.fit"
        if reason is None:
            history, choice = super()._train_network(model, X, y_enc, sw, split, plan)
        else:
            fraction = float(self._setting("validation_split") or 0.0)
            class_weight = self.__dict__.get("_keras_class_weight")
            if class_weight is not None:
                extra = {"class_weight": class_weight, **extra}
            history = _wrapper_keras.keras_fit(
                model, X, y_enc, sw, split, plan, fraction, extra
            )
            choice = EngineChoice("keras", reason)
        names = {_wrapper_keras.full_metric_name(k): v for k, v in history.items()}
        return names, choice

    def _keras_fit_extra(self) -> dict[str, Any]:
        """Arguments for ``Model.fit`` that skdl's own settings do not cover."""
        handled = _routing.FIT_KEYS | {"sample_weight"}
        routed_fit = routed(self.get_params(deep=False), "fit")
        extra = {k: v for k, v in routed_fit.items() if "__" not in k}
        extra.update(self.__dict__.get("_call_fit", {}))
        return {k: v for k, v in extra.items() if k not in handled}

    # -- predict -------------------------------------------------------
    def _predict_network(self, X):
        check_is_fitted(self, "model_")
        with _numeric_input():
            X = validate_data(self, X, reset=False, **self._validate_data_kwargs())
        self._check_consistent(X, dict.fromkeys(("X_dtype_", "y_dtype_", "y_ndim_")))
        X = self._check_X(X)
        args = {
            k: v
            for k, v in routed(self.get_params(deep=False), "predict").items()
            if k in self._predict_kwargs
        }
        args.update(self.__dict__.get("_call_predict", {}))
        callbacks = args.pop("callbacks", None)
        callbacks = self._predict_callbacks() if callbacks is None else callbacks
        size = args.pop("batch_size", None)
        called = bool(self.__dict__.get("_call_predict"))
        if called or _wrapper_keras.wants_keras_predict(
            self.model_, X, callbacks, args
        ):
            if size is not None:
                args["batch_size"] = size
            return _wrapper_keras.keras_predict(
                self.model_, X, {**args, "callbacks": callbacks}
            )
        return predict_raw(self.model_, X, size)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True  # scipy sparse X, through Model.fit
        return tags
