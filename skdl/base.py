"""The one owner of skdl's scikit-learn contract.

:class:`BaseKerasEstimator` holds what every skdl estimator shares: parameter
and data validation in ``fit``, building and training the Keras network,
the fast predict path, warm starts and ``partial_fit``, keeping the previous
fitted state when a call fails, and pickling the network as ``.keras`` bytes.

Families (MLP, convolutional, user-built) override a few small steps:

* ``_check_X(X, reset=...)``: turn validated features into the network's
  input (``reset=True`` in a fit that starts afresh: fit feature encoders);
* ``_new_target_encoder()``: how ``y`` is encoded;
* ``_build_model(meta, context)``: return a compiled Keras model;
* ``_extra_callbacks(context, ...)``: training controls (convergence, schedules);
* ``_fit_plan_settings(n_samples)``: epochs and batch size;
* ``_configure_target_encoder(encoder, model)``: adapt the encoding of ``y``
  to the built network (called before ``y`` is encoded);
* ``_training_engine()``: the engine asked for (``'auto'``; the decision is
  :func:`skdl._training.loop.decide_engine`'s);
* ``_train(model, data, plan)``: run the training (default: the loop);
* ``_float_dtype()``: float type the network is built and trained in.

``meta`` is the public dict a build function receives (scikeras' keys);
facts about the fit itself (seed, epochs, ``partial_fit`` or not) travel in
a :class:`~skdl._training.data.FitContext`. Training itself is
:mod:`skdl._training`'s (see ``docs/how_skdl_trains.md``).
"""

from __future__ import annotations

import contextlib
import inspect
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import NotFittedError
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from ._portable import from_portable, to_portable
from ._routing import ModelParam
from ._sklearn_callbacks import FIT_CALLBACK_STATE, CallbackSupportMixin, FitTasks
from ._sklearn_callbacks import with_callbacks as _with_callbacks
from ._training.data import FitContext, TrainingPlan, training_data
from ._training.epoch_hooks import epoch_observers
from ._training.loop import train
from ._training.predict import predict_raw
from ._weights import check_sample_weight
from .backend import float_dtype_scope, import_keras, seeded

__all__ = ["BaseKerasEstimator"]


def fill_missing_params(estimator: BaseEstimator) -> None:
    """Give parameters added since an estimator was saved their defaults.

    A model pickled (or saved with :func:`skdl.save`) by an older version
    lacks the attributes of newer parameters; without them ``get_params``,
    ``clone`` and ``repr`` fail. Their defaults keep the old behaviour.
    """
    parameters = inspect.signature(type(estimator).__init__).parameters
    empty = inspect.Parameter.empty
    for name in estimator._get_param_names():
        default = getattr(parameters.get(name), "default", empty)
        if name not in estimator.__dict__ and default is not empty:
            setattr(estimator, name, default)


# Seeds a fit draws from ``random_state`` lie in [0, MAX_SEED).
MAX_SEED = 2**31 - 1


class BaseKerasEstimator(CallbackSupportMixin, BaseEstimator):
    """Shared machinery of skdl estimators. Not used directly.

    With scikit-learn 1.9 or later, estimators take scikit-learn's callbacks
    (``set_callbacks``): ``fit`` is a task whose subtasks are the epochs.
    """

    _parameter_constraints: dict = {}

    # -- steps a family overrides ------------------------------------------
    def _check_X(self, X: np.ndarray, *, reset: bool = False) -> np.ndarray:
        """Turn validated features into the network's input (float32).

        ``reset=True`` in a fit that starts afresh (what the features are
        is learned again), ``False`` in warm starts and at predict time.
        """
        return as_float32(X)

    def _validate_data_kwargs(self) -> dict[str, Any]:
        return {"dtype": [np.float32, np.float64], "ensure_min_samples": 1}

    def _new_target_encoder(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def _build_model(self, meta: dict[str, Any], context: FitContext):
        raise NotImplementedError  # pragma: no cover

    def _fit_plan_settings(self, n_samples: int) -> tuple[int, int, bool]:
        """Return ``(epochs, batch_size, shuffle)`` for one ``fit``."""
        raise NotImplementedError  # pragma: no cover

    def _validation_batch_size(self, batch_size: int) -> int | None:
        """Rows per call when evaluating held-out rows (``None``: all at once)."""
        return None

    def _extra_callbacks(self, context: FitContext, validation, score_fn) -> list:
        """Internal callbacks for this family (convergence, schedules...)."""
        return []

    def _user_callbacks(self) -> list:
        return []

    def _validation_split(self, X, y, sw, seed):
        """Return ``(train_idx, val_idx)`` or ``None`` when nothing is held out."""
        return None

    def _device_scope(self):
        """Where (and in what precision) to build and train the network."""
        from .backend import device_scope

        return device_scope(
            getattr(self, "device", "auto"), getattr(self, "precision", None)
        )

    def _wants_validation_score(self) -> bool:
        """Whether to log ``val_score`` (the ``score`` metric) every epoch."""
        return False

    def _after_fit(self, history: dict[str, list], callbacks: list, context) -> None:
        """Store family-specific fitted attributes."""

    def _configure_target_encoder(self, encoder, model) -> None:
        """Adapt a freshly fitted target encoder to the built network."""

    def _training_engine(self) -> str:
        """The engine asked for: ``'auto'`` lets the training loop decide."""
        return "auto"

    def _train(self, model, data, plan):
        """Train ``model`` as ``plan`` says: ``(history, engine choice)``."""
        return train(model, data, plan)

    def _float_dtype(self) -> str | None:
        """Float type of the network (``None``: Keras' default)."""
        return None

    # -- fit ------------------------------------------------------------------
    def fit(self, X, y, sample_weight=None):
        """Train the network on ``(X, y)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights applied to the loss.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit(X, y, sample_weight, partial=False)

    # Every fit path (``fit`` of each family, ``partial_fit``) comes here:
    # the callbacks' teardown runs once it ends, whatever happens.
    @_with_callbacks
    def _fit(self, X, y, sample_weight, *, partial: bool, classes=None):
        self._validate_params()
        self._check_params()
        fitted = _is_fitted(self)
        reuse = fitted and (partial or self._continues_network())
        snapshot = dict(self.__dict__)
        # warm_start and partial_fit train the fitted network in place: keep
        # a copy of its variables so an interrupted call rolls them back too.
        variables = _capture_variables(self.model_) if reuse else []
        try:
            return self._fit_steps(X, y, sample_weight, partial, reuse, classes)
        except BaseException:
            # The callbacks' fit state stays: their teardown still has to run.
            running = {
                k: self.__dict__[k] for k in FIT_CALLBACK_STATE if k in vars(self)
            }
            self.__dict__.clear()
            self.__dict__.update(snapshot)
            self.__dict__.update(running)
            for variable, value in variables:
                variable.assign(value)
            raise

    def _check_params(self) -> None:
        """Checks that span several parameters (after ``_validate_params``)."""

    def _continues_network(self) -> bool:
        """Whether a ``fit`` of a fitted estimator trains its network further."""
        return bool(getattr(self, "warm_start", False))

    def _fit_steps(self, X, y, sample_weight, partial, reuse, classes):
        """Prepare, build (or reuse) the network, train, store."""
        # What scikit-learn's callbacks score on: the data given to fit (an
        # autoencoder's target is its input; the user gave no y).
        given = (X, None if y is X else y, sample_weight)
        X, y, sw, encoder = self._prepare(X, y, sample_weight, reuse, classes)
        if reuse and not partial:
            self._check_warm_start_target(y)
        seed = self._draw_seed()
        n_rows = len(y)  # X may be several arrays, for a network of several inputs
        epochs, batch_size, shuffle = self._fit_plan_settings(n_rows)
        # One task tree per fit: a second training phase in the same fit
        # (fine-tuning a backbone) runs inside the first phase's task.
        first = not partial and not hasattr(self, "_callback_fit_ctx")
        tasks = FitTasks.start(self, epochs, *given) if first else None
        split = None if partial else self._validation_split(X, y, sw, seed)
        context = FitContext(
            seed=seed,
            partial=partial,
            epochs=1 if partial else epochs,
            n_train=n_rows if split is None else len(split[0]),
            initial_t=self.t_ if reuse else 0,
        )
        meta = self._meta(X, encoder, batch_size)
        with (
            self._device_scope(),
            float_dtype_scope(self._float_dtype()),
            seeded(seed),
        ):
            model = self.model_ if reuse else self._new_network(meta, context, encoder)
            # y is encoded once the network exists: how it is encoded may
            # depend on the network (its loss, its output width).
            with _numeric_input():
                y_enc = encoder.transform(y)
            score_fn = self._make_score_fn(model, encoder, X, y, sw, split)
            callbacks = self._fresh_user_callbacks()
            internal = self._extra_callbacks(context, split is not None, score_fn)
            observers = self._epoch_observers(
                tasks, model, internal + callbacks, encoder, meta
            )
            plan = TrainingPlan(
                epochs=context.epochs,
                batch_size=batch_size,
                shuffle=shuffle,
                rng=np.random.RandomState(seed),
                callbacks=internal + callbacks + observers,
                initial_epoch=_epochs_in(self.history_) if reuse else 0,
                score_fn=score_fn,
                engine=self._training_engine(),
                validation_batch_size=self._validation_batch_size(batch_size),
            )
            history, choice = self._train_network(model, X, y_enc, sw, split, plan)
        _check_finite_weights(model)
        keep = self._continues_history(partial, reuse)
        self._store(model, encoder, meta, history, reuse, context.n_train, keep)
        self.fit_engine_ = tuple(choice)
        for cb in callbacks:
            cb.set_model(None)  # keep no second reference to the network
        self.callbacks_ = callbacks
        self._after_fit(history, internal, context)
        if tasks is not None:
            tasks.end()
        return self

    def _epoch_observers(self, tasks, model, callbacks, encoder, meta) -> list:
        """Epoch-end work asked for from outside: snapshots, sklearn callbacks.

        Keras callbacks with epoch hooks only (the compiled engine stays),
        placed after ``callbacks`` so they see each epoch once those acted.
        """
        observers = epoch_observers(self, callbacks)
        if tasks is not None and tasks.has_callbacks:
            fitted = {"target_encoder_": encoder, "meta_": meta}
            if self._is_classifier():
                fitted["classes_"] = encoder.classes_
            observers.append(tasks.epoch_callback(model, callbacks, fitted))
        return observers

    def _prepare(self, X, y, sample_weight, reuse, classes):
        """Validate ``X``, ``y`` and weights; fit (or reuse) the target encoder."""
        X, y = self._validate_Xy(X, y, reset=not reuse)
        sw = None
        if sample_weight is not None:
            sw = check_sample_weight(sample_weight, X, dtype=np.float32)
        X = self._check_X(X, reset=not reuse)
        if reuse:
            encoder = self.target_encoder_
        else:
            encoder = self._new_target_encoder()
            if classes is not None:
                encoder.set_params(classes=classes)
            with _numeric_input():
                self._fit_target_encoder(encoder, y, sw)
        return X, y, self._combine_weights(sw, y, encoder), encoder

    def _fit_target_encoder(self, encoder, y, sw) -> None:
        encoder.fit(y, sample_weight=sw)

    def _continues_history(self, partial: bool, reuse: bool) -> bool:
        """Whether ``history_`` grows (else this call's history replaces it)."""
        return reuse

    def _train_network(self, model, X, y_enc, sw, split, plan):
        """Train on encoded arrays; return this call's history and engine choice."""
        return self._train(model, training_data(X, y_enc, sw, split), plan)

    def _validate_Xy(self, X, y, *, reset: bool):
        """``validate_data`` on the training data (``reset``: a fresh fit)."""
        with _numeric_input():
            return validate_data(
                self,
                X,
                y,
                reset=reset,
                multi_output=True,
                y_numeric=not self._is_classifier(),
                **self._validate_data_kwargs(),
            )

    def _new_network(self, meta, context: FitContext, encoder):
        """Build the compiled network and adapt the target encoder to it."""
        model = self._build_model(meta, context)
        self._configure_target_encoder(encoder, model)
        return model

    def _store(self, model, encoder, meta, history, reuse, n_samples, keep) -> None:
        """Record the fitted network, encoder, ``meta`` and history."""
        previous = self.history_ if keep else {}
        self.model_ = model
        self.target_encoder_ = encoder
        self.meta_ = meta
        self.history_ = _merge_history(previous, history)
        epochs_run = _epochs_in(history)
        # As in scikit-learn: the iterations of this call (a warm start
        # counts from zero again; ``history_`` keeps every epoch).
        self.n_iter_ = epochs_run
        self.t_ = (self.t_ if reuse else 0) + epochs_run * n_samples
        if self._is_classifier():
            # A target encoder written for scikeras may report its classes
            # through ``get_metadata()`` (in ``meta``) only.
            self.classes_ = getattr(encoder, "classes_", meta.get("classes_"))

    def _combine_weights(self, sw, y, encoder):
        return sw

    def _check_warm_start_target(self, y) -> None:
        """Refuse a warm-start ``y`` the fitted network cannot continue on."""

    def _draw_seed(self) -> int:
        return int(check_random_state(self.random_state).randint(MAX_SEED))

    def _meta(self, X, encoder, batch_size) -> dict[str, Any]:
        meta = {
            "n_features_in_": self.n_features_in_,
            "X_shape_": X.shape,
            "X_dtype_": X.dtype,
            "n_outputs_": encoder.n_outputs_,
            "output_activation_": encoder.output_activation_,
            "loss_": encoder.loss_,
            "batch_size_": batch_size,
        }
        if self._is_classifier():
            meta["classes_"] = encoder.classes_
            meta["n_classes_"] = len(encoder.classes_)
            meta["target_type_"] = encoder.target_type_
        return meta

    def _make_score_fn(self, model, encoder, X, y, sw, split):
        """A function scoring ``model`` on the held-out rows, if any."""
        if split is None or not self._wants_validation_score():
            return None
        _, val = split
        Xv, yv = X[val], y[val]
        swv = None if sw is None else sw[val]

        def score() -> float:
            raw = predict_raw(model, Xv)
            if not np.isfinite(raw).all():
                return float("nan")  # diverged: never the best score
            return self._score_raw(raw, encoder, yv, swv)

        return score

    def _fresh_user_callbacks(self) -> list:
        """Copies of the user's callbacks, so fits never share their state.

        The copies are shallow: what a callback refers to (a list or dict it
        records into) is the user's own, as with Keras' ``fit``.
        """
        import copy

        return [copy.copy(cb) for cb in self._user_callbacks()]

    @staticmethod
    def _is_classifier_type(obj) -> bool:
        return isinstance(obj, ClassifierMixin)

    def _is_classifier(self) -> bool:
        return self._is_classifier_type(self)

    # -- predict ---------------------------------------------------------------
    def _predict_network(self, X) -> np.ndarray:
        """Validate ``X`` and return the network's raw outputs."""
        check_is_fitted(self, "model_")
        with _numeric_input():
            X = validate_data(self, X, reset=False, **self._validate_data_kwargs())
        return predict_raw(self.model_, self._check_X(X), self._predict_chunk())

    def _predict_chunk(self) -> int | None:
        """Rows per network call at predict time (``None``: the default)."""
        return None

    # -- persistence -------------------------------------------------------------
    def __getstate__(self):
        state = dict(self.__dict__)
        model = state.pop("model_", None)
        if model is not None:
            state["_model_keras_bytes"] = model_to_bytes(model)
        state.pop("_predict_cache", None)
        # A Keras network given as a parameter (a ``backbone``) travels as
        # its architecture, weights and compile settings; other Keras objects
        # and dtypes become plain records, so that safe formats (skops) hold
        # nothing but skdl's own classes and plain data.
        for name in self._get_param_names():
            if config_network(state.get(name)):
                state[name] = ModelParam.wrap(state[name])
        return to_portable(state)

    def __setstate__(self, state):
        state = from_portable(dict(state))
        state = {
            k: v.rebuild() if isinstance(v, ModelParam) else v for k, v in state.items()
        }
        payload = state.pop("_model_keras_bytes", None)
        self.__dict__.update(state)
        fill_missing_params(self)
        if payload is not None:
            with float_dtype_scope(self._float_dtype()):
                self.model_ = model_from_bytes(payload)

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "model_")

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = False
        return tags


# -- helpers ------------------------------------------------------------------
def _is_fitted(est) -> bool:
    try:
        check_is_fitted(est, "model_")
    except NotFittedError:
        return False
    return True


_FLOAT32_MAX = float(np.finfo(np.float32).max)


def as_float32(X) -> np.ndarray:
    """``X`` as float32, refusing values float32 cannot hold.

    Networks compute in float32; a larger magnitude would silently become
    ``inf`` and the predictions ``nan``.
    """
    X = np.asarray(X)
    if X.dtype != np.float32 and X.size:
        largest = max(float(X.max()), -float(X.min()))
        if largest > _FLOAT32_MAX:
            raise ValueError(
                f"X contains values too large for float32 (largest magnitude "
                f"{largest:.3g}; float32, the precision networks compute in, "
                f"holds up to {_FLOAT32_MAX:.3g}). Scale the features first, "
                "e.g. with StandardScaler in a Pipeline."
            )
    return X.astype(np.float32, copy=False)


@contextlib.contextmanager
def _numeric_input():
    """Say what to do when ``X`` (or a regressor's ``y``) holds text."""
    try:
        yield
    except ValueError as exc:
        if "could not convert" not in str(exc):
            raise
        raise ValueError(
            f"Non-numeric data: {exc}. Networks need numbers: encode text or "
            "categorical columns of X first (e.g. OneHotEncoder or "
            "OrdinalEncoder in a Pipeline); a regressor's y must be numeric."
        ) from exc


def _capture_variables(model) -> list:
    """``(variable, copy of its value)`` for everything training changes."""
    variables = list(model.variables)
    optimizer = getattr(model, "optimizer", None)
    if optimizer is not None:
        variables += list(optimizer.variables)
    return [(v, np.array(v.numpy(), copy=True)) for v in variables]


def _epochs_in(history: dict[str, list]) -> int:
    return len(next(iter(history.values()), []))


def _check_finite_weights(model) -> None:
    """Refuse a network whose training produced NaN or infinite weights."""
    ops = import_keras().ops
    for variable in model.trainable_variables:
        # Checked by the backend (Variable.numpy() warns under NumPy 2 on JAX).
        if not bool(ops.convert_to_numpy(ops.all(ops.isfinite(variable.value)))):
            raise ValueError(
                "Solver produced non-finite parameter weights. The input data "
                "may contain large values and need to be preprocessed (e.g. "
                "with StandardScaler in a Pipeline), or the learning rate is "
                "too large."
            )


def _merge_history(old: dict, new: dict) -> dict[str, list]:
    merged = {k: list(v) for k, v in old.items()}
    for key, values in new.items():
        merged.setdefault(key, []).extend(values)
    return merged


def config_network(value: Any) -> bool:
    """Whether ``value`` is a Keras network its config rebuilds (functional
    or sequential, Keras' own classes); a subclassed model is left to Keras'
    own pickling, and a safe file refuses it by name."""
    if "keras" not in sys.modules:
        return False
    keras = sys.modules["keras"]
    return isinstance(value, keras.Model) and type(value).__module__.startswith(
        "keras."
    )


def model_to_bytes(model) -> bytes:
    """Serialize a Keras model to the bytes of a ``.keras`` archive."""
    keras = import_keras()
    with tempfile.TemporaryDirectory(prefix="skdl-") as tmp:
        path = Path(tmp) / "model.keras"
        keras.saving.save_model(model, path)
        return path.read_bytes()


def model_from_bytes(payload: bytes, *, safe_mode: bool = True):
    """Rebuild a Keras model from :func:`model_to_bytes` output."""
    keras = import_keras()
    if not isinstance(payload, bytes | bytearray):
        raise TypeError(f"Expected bytes of a .keras archive, got {type(payload)}.")
    with tempfile.TemporaryDirectory(prefix="skdl-") as tmp:
        path = Path(tmp) / "model.keras"
        path.write_bytes(payload)
        return keras.saving.load_model(path, safe_mode=safe_mode)
