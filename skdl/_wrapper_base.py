"""Machinery shared by :class:`skdl.KerasClassifier` and ``KerasRegressor``.

:class:`KerasWrapper` holds the scikeras-style parameters: storing and
listing routed ``**kwargs`` as ordinary parameters, checking them in
``fit``, calling the user's build function, compiling the network with
fresh Keras objects, and the feature encoder. Routing logic itself lives in
:mod:`skdl._routing`.
"""

from __future__ import annotations

import contextlib
import inspect
from numbers import Integral, Real
from typing import Any

import numpy as np
from sklearn.utils._param_validation import (
    Interval,
    InvalidParameterError,
    Options,
    validate_parameter_constraints,
)

from . import _routing
from ._caller import warn_user
from ._routing import PREFIXES, did_you_mean, routed
from ._wrapper_keras import KERAS_FIT_ARGS
from ._wrapper_steps import WrapperSteps
from .backend import compile_jit, import_keras
from .base import MAX_SEED
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


class KerasWrapper(WrapperSteps):
    """Parameters, routing and build steps shared by the two wrappers."""

    _parameter_constraints: dict = {
        "model": "no_validation",  # checked by _model_source
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
    def partial_fit(self, X, y, sample_weight=None, **kwargs):
        """Train for one epoch, continuing from the current weights.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights.
        **kwargs : dict
            Arguments of ``keras.Model.fit`` for this call (not ``epochs``).

        Returns
        -------
        self : object
            The estimator, trained one epoch further.
        """
        # KerasClassifier overrides this to take ``classes`` too.
        self._partial_fit_call(X, y, sample_weight, kwargs)
        return self

    def _draw_seed(self) -> int:
        # As in scikeras: a RandomState instance seeds every fit from a copy
        # of its current state and is left as it was, so refitting the same
        # wrapper trains the same network (scikeras code relying on it keeps
        # its results). skdl's own estimators advance the instance, as
        # scikit-learn's do.
        rng = self.random_state
        if isinstance(rng, np.random.RandomState):
            copy = np.random.RandomState()
            copy.set_state(rng.get_state())
            return int(copy.randint(MAX_SEED))
        return super()._draw_seed()

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

    @classmethod
    def _get_param_names(cls) -> list[str]:
        # A subclass may pass its arguments on with ``*args, **kwargs`` (as
        # scikeras allowed): its parameters are the named ones of every
        # ``__init__`` along the classes.
        return sorted(cls._init_param_names())

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
        params: dict[str, Any] = {}
        for key in self._get_param_names():
            # A subclass may name an argument it never stores (scikeras
            # tolerated it): such a name is no parameter.
            if not hasattr(self, key):
                continue
            value = getattr(self, key)
            if deep and hasattr(value, "get_params") and not isinstance(value, type):
                params.update((f"{key}__{k}", v) for k, v in value.get_params().items())
            params[key] = value
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
                name = type(self).__name__
                raise ValueError(
                    f"Invalid parameter {key} for estimator {name}."
                    f"{did_you_mean(key, known)} This issue can likely be "
                    "resolved by setting this parameter in the constructor: "
                    f"`{name}({key}=...)`. Valid parameters: {sorted(current)}, "
                    "or a routed parameter starting with "
                    f"{', '.join(p + '__' for p in PREFIXES)}."
                )
        return self

    def _setting(self, name: str, prefix: str = "fit"):
        """A setting: this call's keyword, else ``<prefix>__<name>``, else ``name``."""
        call = self.__dict__.get(f"_call_{prefix}", {})
        if name in call:
            return call[name]
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
            ("fit", self._fit_keys() | KERAS_FIT_ARGS),
            ("predict", _routing.PREDICT_KEYS),
            ("compile", _routing.COMPILE_KEYS),
        ):
            for key in routed(extra, prefix):
                head, sep, _ = key.partition("__")
                if head in allowed and (not sep or head == "callbacks"):
                    continue
                if prefix == "fit" and not sep and not did_you_mean(key, allowed):
                    continue  # for the network's own fit (as in scikeras)
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
        name = type(self).__name__
        if source is not None and hasattr(self, "_keras_build_fn"):
            raise ValueError(
                f"{name} has a `_keras_build_fn` method and `model` is set too. "
                "A subclass that builds its own network cannot implement "
                "``_keras_build_fn`` and take `model=`: drop one of them."
            )
        if source is None and hasattr(self, "_keras_build_fn"):
            return self._keras_build_fn  # scikeras' subclassing hook
        if source is None:
            raise ValueError(
                f"{name} needs `model`: a function that builds a keras.Model "
                "(it may take `meta`, `compile_kwargs` and model__* parameters)"
                f" or a keras.Model instance, e.g. {name}(model=build_model); "
                "or a subclass must implement ``_keras_build_fn``."
            )
        if not callable(source) and not isinstance(source, import_keras().Model):
            raise InvalidParameterError(
                f"The 'model' parameter of {name}: ``model`` must be a function "
                "that builds a keras.Model, or a keras.Model instance; got "
                f"{source!r}."
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
        if isinstance(source, keras.Model) and self.__dict__.get("_initialize_only"):
            # initialize() wraps the given network itself, for inference (a
            # pretrained model); fit trains a copy.
            net = source
        elif isinstance(source, keras.Model):
            net = _routing.clone_network(source)
        else:
            # As in scikeras, a subclass's build method may read the fitted
            # attributes (self.n_features_in_, self.classes_...).
            vars(self).update(self._public_meta(meta))
            params = self.get_params(deep=False)
            kwargs = {a: params[p] for a, p in self._build_args(params).items()}
            net = _routing.call_build_fn(
                source,
                kwargs,
                self._public_meta(meta),
                compile_kwargs=lambda: self._compile_arguments(None),
                params=lambda: self.get_params(),
            )
            if not isinstance(net, keras.Model):
                name = getattr(source, "__name__", repr(source))
                raise TypeError(
                    f"The build function {name}() returned {type(net).__name__};"
                    " it must return a keras.Model."
                )
        # A list or dict of outputs wants a loss per output: skdl picks none.
        default = None if _structured_outputs(net) else self._default_loss(meta, net)
        if not net.compiled:
            net.compile(**self._compile_arguments(default))
        else:
            self._check_compiled(net, default)
        # As in scikeras, a network only initialized (never trained) may
        # have no loss.
        _check_has_loss(net.loss, training=not self.__dict__.get("_initialize_only"))
        return net

    def _compile_arguments(self, default_loss) -> dict[str, Any]:
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
        # optimizer__<a>__<b> is meant for something inside the optimizer.
        params = {k: v for k, v in params.items() if "__" not in k}
        if opt is None:
            raise ValueError(
                "optimizer=None: You must provide an optimizer, e.g. "
                "optimizer='adam' (a name, a keras.optimizers class or instance)."
            )
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
        if self.loss is None or isinstance(net.loss, list | tuple | dict):
            return
        given, used = _canonical_loss(self.loss), _canonical_loss(net.loss)
        # A subclass's own default loss gives way to the compiled one.
        default = inspect.signature(type(self).__init__).parameters.get("loss")
        own_default = None if default is None else default.default
        if own_default is not None and _canonical_loss(own_default) == given:
            return
        if given is not None and used is not None and given != used:
            raise ValueError(
                f"loss={self.loss!r} is set, but model compiled with "
                f"loss={net.loss!r} by the build function. Drop `loss=` to keep "
                "the model's own, or compile with `compile_kwargs` (or leave "
                "the model uncompiled) so that `loss=` is used."
            )

    def _default_loss(self, meta, net) -> str:  # pragma: no cover - abstract
        raise NotImplementedError


def _structured_outputs(net) -> bool:
    """Whether the network returns a list or dict of outputs."""
    try:
        return isinstance(net.output, list | tuple | dict)
    except (AttributeError, ValueError):  # subclassed, or not built yet
        return False


def _check_has_loss(loss, training: bool = True) -> None:
    """Refuse a network left without a loss (scikeras' errors)."""
    empty = loss is None or (isinstance(loss, list | tuple | dict) and not loss)
    if empty and not training:
        return
    if empty:
        raise ValueError(
            "No loss to train with: loss=None, the model was not compiled "
            "with a loss, and skdl picks one only for a network with a single "
            "output tensor (not a list or dict of outputs, nor for "
            "BaseWrapper). You must provide a loss: pass `loss=` (one for all "
            "outputs, or a list/dict with one per output) or compile the "
            "model in the build function."
        )
    items = loss.values() if isinstance(loss, dict) else loss
    if isinstance(loss, list | tuple | dict) and not any(
        callable(x) or isinstance(x, str) for x in items
    ):
        raise ValueError(
            f"No valid loss function found in loss={loss!r}: provide a loss "
            "to train with, through the `loss` parameter (e.g. loss='mse', "
            "or one per output) or by compiling the model in the build "
            "function."
        )


def _canonical_loss(loss) -> str | None:
    """The loss's full name, aliases resolved (``'mse'``: ``mean_squared_error``)."""
    if isinstance(loss, str):
        with contextlib.suppress(ValueError, TypeError):
            loss = import_keras().losses.get(loss)
    return loss_name(loss)
