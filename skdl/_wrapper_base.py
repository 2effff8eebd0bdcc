"""Machinery shared by :class:`skdl.KerasClassifier` and ``KerasRegressor``.

:class:`KerasWrapper` holds the scikeras-style parameters: storing and
listing routed ``**kwargs`` as ordinary parameters, checking them in
``fit``, calling the user's build function, compiling the network with
fresh Keras objects, and the feature encoder. Routing logic itself lives in
:mod:`skdl._routing`.
"""

from __future__ import annotations

import inspect
from numbers import Integral, Real
from typing import Any

import numpy as np
from sklearn.base import clone
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils._param_validation import (
    Interval,
    Options,
    validate_parameter_constraints,
)

from . import _routing
from ._caller import warn_user
from ._routing import PREFIXES, did_you_mean, routed
from ._training.predict import PREDICT_CHUNK
from .backend import compile_jit, import_keras
from .base import as_float32
from .preprocessing.keras_targets import loss_name

__all__ = ["KerasWrapper"]

_BATCH = [Interval(Integral, 1, None, closed="left"), Options(Integral, {-1}), None]
# Meta keys copied onto the fitted estimator, as scikeras does.
_META_ATTRIBUTES = (
    "X_shape_",
    "X_dtype_",
    "target_type_",
    "n_classes_",
    "n_outputs_",
    "n_outputs_expected_",
)


class KerasWrapper:
    """Parameters, routing and build steps shared by the two wrappers."""

    _parameter_constraints: dict = {
        "model": [callable, None],
        "build_fn": [callable, None],
        "warm_start": ["boolean"],
        "random_state": ["random_state"],
        "batch_size": _BATCH,
        "validation_batch_size": _BATCH,
        "verbose": ["verbose"],
        "validation_split": [Interval(Real, 0, 1, closed="left")],
        "shuffle": ["boolean"],
        "run_eagerly": ["boolean"],
        "epochs": [Interval(Integral, 1, None, closed="left")],
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
        **kwargs,
    ):
        self.model = model
        self.build_fn = build_fn
        self.warm_start = warm_start
        self.random_state = random_state
        self.optimizer = optimizer
        self.loss = loss
        self.metrics = metrics
        self.batch_size = batch_size
        self.validation_batch_size = validation_batch_size
        self.verbose = verbose
        self.callbacks = callbacks
        self.validation_split = validation_split
        self.shuffle = shuffle
        self.run_eagerly = run_eagerly
        self.epochs = epochs
        vars(self).update(kwargs)

    # -- parameters: named ones plus every routed one ---------------------------
    def _routed_params(self) -> dict[str, Any]:
        """Parameters given through ``**kwargs`` (routed or build-function)."""
        named = set(self._get_param_names())
        return {
            k: v
            for k, v in vars(self).items()
            if k not in named and not k.startswith("_") and not k.endswith("_")
        }

    @classmethod
    def _init_param_names(cls) -> set[str]:
        """Named ``__init__`` parameters of this class and its parents."""
        names: set[str] = set()
        for klass in cls.__mro__:
            init = klass.__dict__.get("__init__")
            if init is None or klass is object:
                continue
            for p in inspect.signature(init).parameters.values():
                if p.name != "self" and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL):
                    names.add(p.name)
        return names

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """Get parameters, routed ones (``model__units``...) included.

        Parameters
        ----------
        deep : bool, default=True
            Also return the parameters of nested estimators.

        Returns
        -------
        params : dict
            Parameter names mapped to their values.
        """
        params = super().get_params(deep=deep)
        params.update(self._routed_params())
        return params

    def set_params(self, **params):
        """Set parameters; a new routed parameter (``optimizer__...``) is added.

        Parameters
        ----------
        **params : dict
            Estimator parameters.

        Returns
        -------
        self : object
            The estimator.
        """
        current = self.get_params(deep=False)
        for key, value in params.items():
            prefix, sep, _ = key.partition("__")
            if key in current or (sep and prefix in PREFIXES):
                setattr(self, key, value)
            elif sep and hasattr(current.get(prefix), "set_params"):
                super().set_params(**{key: value})
            else:
                known = [*current, *(f"{p}__" for p in PREFIXES)]
                raise ValueError(
                    f"Invalid parameter {key!r} for estimator "
                    f"{type(self).__name__}.{did_you_mean(key, known)} Valid "
                    f"parameters: {sorted(current)}, or a routed parameter "
                    f"starting with {', '.join(p + '__' for p in PREFIXES)}."
                )
        return self

    def _setting(self, name: str, prefix: str = "fit"):
        """A setting, overridden by its ``<prefix>__<name>`` routed parameter."""
        key = f"{prefix}__{name}"
        return vars(self)[key] if key in vars(self) else getattr(self, name)

    # -- checks run by fit --------------------------------------------------------
    def _check_params(self) -> None:
        if self.model is None and self.build_fn is not None:
            warn_user(
                "`build_fn` is deprecated (as in scikeras); pass the build "
                "function as `model=` instead.",
                FutureWarning,
            )
        model = self._model_source()
        params = self.get_params(deep=False)
        named = self._get_param_names()
        for key in params:
            if "__" in key:
                _routing.check_prefix(key, named)
        self._check_routed_keys(params)
        self._check_routed_values(params)
        build_args = self._build_args(params)
        if isinstance(model, import_keras().Model):
            if build_args:
                raise ValueError(
                    f"{next(iter(build_args.values()))!r} is routed to the "
                    "build function, but `model` is a keras.Model instance. "
                    "Pass a function that builds the model to use model__* "
                    "parameters."
                )
        else:
            _routing.check_build_kwargs(model, build_args, named)
        self._fresh_optimizer()

    def _check_routed_keys(self, extra) -> None:
        for prefix, allowed in (
            ("fit", self._fit_keys()),
            ("predict", _routing.PREDICT_KEYS),
            ("compile", _routing.COMPILE_KEYS),
        ):
            for key in routed(extra, prefix):
                head, sep, _ = key.partition("__")
                if head in allowed and (not sep or head == "callbacks"):
                    continue
                raise ValueError(
                    f"{prefix}__{key} is not supported."
                    f"{did_you_mean(key, allowed)} Supported: "
                    f"{', '.join(f'{prefix}__{k}' for k in sorted(allowed))}."
                )

    def _check_routed_values(self, extra) -> None:
        """Validate ``fit__epochs``, ``predict__batch_size``... like the originals."""
        for prefix in ("fit", "predict"):
            for key, value in routed(extra, prefix).items():
                if key in self._parameter_constraints:
                    validate_parameter_constraints(
                        {f"{prefix}__{key}": self._parameter_constraints[key]},
                        {f"{prefix}__{key}": value},
                        caller_name=type(self).__name__,
                    )

    def _fit_keys(self) -> frozenset:
        return _routing.FIT_KEYS - {"class_weight"}

    def _model_source(self):
        """The ``model`` (or deprecated ``build_fn``) parameter, checked."""
        if self.model is not None and self.build_fn is not None:
            raise ValueError(
                "Both `model` and `build_fn` are set; pass only `model` "
                "(`build_fn` is its deprecated name)."
            )
        source = self.model if self.model is not None else self.build_fn
        if source is None and hasattr(self, "_keras_build_fn"):
            return self._keras_build_fn  # scikeras' subclassing hook
        if source is None:
            raise ValueError(
                f"{type(self).__name__} needs `model`: a function that builds "
                "a keras.Model (it may take `meta`, `compile_kwargs` and "
                "model__* parameters) or a keras.Model instance, e.g. "
                f"{type(self).__name__}(model=build_model)."
            )
        return source

    def _build_args(self, params) -> dict[str, str]:
        """Build-function argument -> the estimator parameter that carries it."""
        known = self._init_param_names()
        args = {k: k for k in params if "__" not in k and k not in known}
        args.update({k: f"model__{k}" for k in routed(params, "model")})
        return args

    # -- building and compiling the network --------------------------------------
    def _build_model(self, meta, context):
        keras = import_keras()
        source = self._model_source()
        if isinstance(source, keras.Model):
            net = _routing.clone_network(source)
        else:
            params = self.get_params(deep=False)
            kwargs = {a: params[p] for a, p in self._build_args(params).items()}
            net = _routing.call_build_fn(
                source,
                kwargs,
                meta,
                compile_kwargs=lambda: self._compile_kwargs(None),
                params=lambda: self.get_params(),
            )
            if not isinstance(net, keras.Model):
                name = getattr(source, "__name__", repr(source))
                raise TypeError(
                    f"The build function {name}() returned {type(net).__name__};"
                    " it must return a keras.Model."
                )
        default = self._default_loss(meta, net)
        if not net.compiled:
            net.compile(**self._compile_kwargs(default))
        else:
            self._check_compiled(net, default)
        return net

    def _compile_kwargs(self, default_loss) -> dict[str, Any]:
        """Arguments for ``keras.Model.compile``, with fresh Keras objects."""
        extra = self.get_params(deep=False)
        kwargs = {
            "optimizer": self._fresh_optimizer(),
            "loss": self._loss_object(extra, default_loss),
            "metrics": self._metric_objects(extra),
            "run_eagerly": self.run_eagerly,
            "jit_compile": compile_jit(),
        }
        kwargs.update(routed(extra, "compile"))
        return kwargs

    def _fresh_optimizer(self):
        keras = import_keras()
        opt, params = self.optimizer, routed(self.get_params(deep=False), "optimizer")
        if isinstance(opt, str):
            try:
                opt = type(keras.optimizers.get(opt))
            except ValueError as exc:
                raise ValueError(
                    f"optimizer={opt!r} is not a Keras optimizer."
                    f"{did_you_mean(opt, _routing.OPTIMIZERS)} Pass a name such as "
                    "'adam', an optimizer class or an optimizer instance."
                ) from exc
        is_class = inspect.isclass(opt) and issubclass(opt, keras.optimizers.Optimizer)
        if is_class or isinstance(opt, keras.optimizers.Optimizer):
            try:
                if is_class:
                    return opt(**params)
                return type(opt).from_config({**opt.get_config(), **params})
            except (TypeError, ValueError) as exc:
                cls = opt if is_class else type(opt)
                args, _ = _routing.signature_names(cls.__init__)
                hints = "".join(did_you_mean(k, args) for k in params if k not in args)
                raise ValueError(
                    f"Cannot build {cls.__name__} from the optimizer__* "
                    f"parameters {params}: {exc}.{hints}"
                ) from exc
        raise TypeError(
            "The 'optimizer' parameter must be a Keras optimizer name, class or "
            f"instance; got {opt!r}."
        )

    def _loss_object(self, extra, default_loss):
        params = routed(extra, "loss")
        if self.loss is None:
            if params:
                raise ValueError(
                    f"loss__{next(iter(params))} is set but loss=None; pass "
                    "the loss to configure, e.g. loss='binary_crossentropy'."
                )
            return default_loss
        keras = import_keras()
        return _routing.instantiate(
            self.loss, params, "loss", lambda n: _routing.keras_class(keras.losses, n)
        )

    def _metric_objects(self, extra):
        keras = import_keras()
        params = routed(extra, "metrics")
        if self.metrics is None:
            return None
        items = self.metrics
        if not isinstance(items, list | tuple | dict):
            items = [items]
        built = _routing.instantiate(
            items, params, "metrics", lambda n: _routing.keras_class(keras.metrics, n)
        )
        # Metric objects hold state: every fit gets its own copies.
        if isinstance(built, dict):
            return {k: _routing.fresh_metric(m) for k, m in built.items()}
        return [_routing.fresh_metric(m) for m in built]

    def _check_compiled(self, net, default_loss) -> None:
        """Checks on a network the build function compiled itself."""
        if not net.loss:
            config = net.get_compile_config()
            config["loss"] = (
                self._loss_object(self.get_params(deep=False), default_loss)
                if self.loss is not None
                else default_loss
            )
            net.compile_from_config(config)
            return
        given, used = loss_name(self.loss), loss_name(net.loss)
        if self.loss is not None and isinstance(net.loss, str) and given != used:
            raise ValueError(
                f"loss={self.loss!r} is set, but the build function compiled "
                f"the model with loss={net.loss!r}. Drop `loss=` to keep the "
                "model's own, or compile with `compile_kwargs` (or leave the "
                "model uncompiled) so that `loss=` is used."
            )

    def _default_loss(self, meta, net) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    # -- steps of fit -------------------------------------------------------------
    def _check_X(self, X, *, reset: bool = False):
        if reset:
            self.feature_encoder_ = self.feature_encoder
            X = self.feature_encoder_.fit_transform(X)
        else:
            X = self.feature_encoder_.transform(X)
        X = np.asarray(X)
        # float64 becomes float32, refusing what float32 cannot hold.
        return as_float32(X) if X.dtype == np.float64 else X

    @property
    def feature_encoder(self):
        """A new, unfitted transformer for ``X`` (override to customise).

        It is fitted on the training ``X`` in ``fit`` (as ``feature_encoder_``)
        and applied before the network at ``fit`` and ``predict``. The
        default passes ``X`` through unchanged. If it has a
        ``get_metadata()`` method, the returned dict is added to ``meta``.
        """
        return FunctionTransformer()

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
        return None if size == -1 else int(size)

    def _validation_split(self, X, y, sw, seed):
        fraction = self._setting("validation_split")
        if not fraction:
            return None
        n = X.shape[0]
        n_train = int(np.floor(n * (1.0 - fraction)))
        if n_train < 1 or n_train >= n:
            raise ValueError(
                f"validation_split={fraction} of {n} rows leaves no training or "
                "no validation rows. Use more data or change validation_split."
            )
        # As in keras.Model.fit: the last rows, before any shuffling.
        return np.arange(n_train), np.arange(n_train, n)

    def _user_callbacks(self) -> list:
        extra = self.get_params(deep=False)
        found = _routing.callback_list(
            self.callbacks, routed(extra, "callbacks"), "callbacks"
        )
        fit_cbs = vars(self).get("fit__callbacks")
        params = routed(routed(extra, "fit"), "callbacks")
        return found + _routing.callback_list(fit_cbs, params, "fit__callbacks")

    def _extra_callbacks(self, context, has_validation, score_fn) -> list:
        from .callbacks.progress import EpochLogger

        return [EpochLogger()] if self._setting("verbose") else []

    def _training_engine(self) -> str:
        eager = vars(self).get("compile__run_eagerly", self.run_eagerly)
        return "keras" if eager else "auto"

    def _meta(self, X, encoder, batch_size) -> dict[str, Any]:
        meta: dict[str, Any] = {
            "n_features_in_": self.n_features_in_,
            "X_shape_": X.shape,
            "X_dtype_": X.dtype,
            "batch_size_": batch_size,
            "n_outputs_expected_": 1,
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

    def _after_fit(self, history, callbacks, context) -> None:
        for key in _META_ATTRIBUTES:
            if key in self.meta_:
                setattr(self, key, self.meta_[key])

    def _configure_target_encoder(self, encoder, model) -> None:
        if hasattr(encoder, "configure"):
            encoder.configure(model.loss, _routing.output_units(model))

    # -- persistence ------------------------------------------------------------------
    def __sklearn_clone__(self):
        # A keras.Model parameter is shared, not deep-copied: fits only read
        # it (every fit trains a copy), and Keras cannot deep-copy a compiled
        # model whose optimizer has not been built yet.
        params = self.get_params(deep=False)
        models = {
            k: v for k, v in params.items() if isinstance(v, _routing.keras_model())
        }
        if not models:
            return super().__sklearn_clone__()
        new = {k: clone(v, safe=False) for k, v in params.items() if k not in models}
        copy = type(self)(**new, **models)
        if "_skl_callbacks" in vars(self):
            # As scikit-learn's clone: callbacks are shared by the clones.
            copy._skl_callbacks = self._skl_callbacks
        return copy

    def __getstate__(self):
        state = super().__getstate__()
        for key in ("model", "build_fn"):
            state[key] = _routing.ModelParam.wrap(state.get(key))
        return state

    def __setstate__(self, state):
        state = dict(state)
        for key in ("model", "build_fn"):
            if isinstance(state.get(key), _routing.ModelParam):
                state[key] = state[key].rebuild()
        super().__setstate__(state)

    def _predict_chunk(self) -> int | None:
        return vars(self).get("predict__batch_size")
