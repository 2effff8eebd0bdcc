"""Routed parameters of :class:`skdl.KerasClassifier` / :class:`skdl.KerasRegressor`.

A routed parameter is an ordinary estimator parameter whose name starts with
a destination prefix: ``model__units`` goes to the build function,
``optimizer__learning_rate`` to the optimizer, ``callbacks__stop__patience``
to the callback named ``stop``. Being ordinary parameters, they survive
``clone`` and can be searched by ``GridSearchCV``.

This module holds the pure logic: naming and checking the prefixes (with a
"did you mean" hint for typos), splitting parameters by destination, turning
``(item, routed params)`` into Keras objects, and calling a build function
with what its signature asks for.
"""

from __future__ import annotations

import difflib
import inspect
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from .backend import import_keras
from .preprocessing.keras_targets import loss_name

__all__ = [
    "COMPILE_KEYS",
    "FIT_KEYS",
    "PREDICT_KEYS",
    "PREFIXES",
    "call_build_fn",
    "did_you_mean",
    "instantiate",
    "routed",
    "signature_names",
]

# Destinations a parameter can be routed to, as ``<prefix>__<name>``.
PREFIXES = (
    "model",
    "fit",
    "predict",
    "compile",
    "optimizer",
    "loss",
    "metrics",
    "callbacks",
    "score",
)

# What ``fit__<name>`` may override (per call of ``fit``).
FIT_KEYS = frozenset(
    {
        "epochs",
        "batch_size",
        "validation_split",
        "validation_batch_size",
        "shuffle",
        "verbose",
        "callbacks",
        "class_weight",
    }
)
# What ``predict__<name>`` may set (the last three send predictions through
# ``keras.Model.predict``).
PREDICT_KEYS = frozenset({"batch_size", "verbose", "steps", "callbacks"})
# What ``compile__<name>`` may pass to ``keras.Model.compile``.
COMPILE_KEYS = frozenset(
    {
        "loss_weights",
        "weighted_metrics",
        "run_eagerly",
        "steps_per_execution",
        "jit_compile",
        "auto_scale_loss",
    }
)


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """A " Did you mean 'x'?" hint for ``name``, or an empty string."""
    close = difflib.get_close_matches(name, sorted(set(candidates)), n=1, cutoff=0.6)
    return f" Did you mean {close[0]!r}?" if close else ""


def routed(params: Mapping[str, Any], prefix: str) -> dict[str, Any]:
    """The parameters routed to ``prefix``, with the prefix removed."""
    head = prefix + "__"
    return {k[len(head) :]: v for k, v in params.items() if k.startswith(head)}


def check_prefix(name: str, named_params: Iterable[str]) -> None:
    """Raise a ValueError when ``name`` has an unknown ``<prefix>__``."""
    prefix, _, rest = name.partition("__")
    if prefix in PREFIXES:
        return
    guess = did_you_mean(prefix, [*PREFIXES, *named_params])
    fix = ""
    if guess:
        fixed = guess[len(" Did you mean '") : -2]
        target = f"{fixed}__{rest}" if fixed in PREFIXES else fixed
        fix = f" Did you mean {target!r}?"
    raise ValueError(
        f"Parameter {name!r} has the unknown routing prefix {prefix + '__'!r}."
        f"{fix} Known prefixes: {', '.join(p + '__' for p in PREFIXES)}."
    )


def signature_names(fn: Callable) -> tuple[set[str], bool]:
    """Keyword-passable parameter names of ``fn``, and whether it takes ``**kw``."""
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):  # builtins without a signature
        return set(), True
    names = {
        p.name
        for p in sig.parameters.values()
        if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
    }
    var_kw = any(p.kind == p.VAR_KEYWORD for p in sig.parameters.values())
    return names, var_kw


def call_build_fn(
    fn: Callable,
    user_kwargs: Mapping[str, Any],
    meta: Mapping[str, Any],
    compile_kwargs: Callable[[], dict[str, Any]],
    params: Callable[[], dict[str, Any]],
):
    """Call a build function with what its signature asks for.

    ``meta``, ``compile_kwargs`` and ``params`` are passed when the signature
    names them or takes ``**kwargs``; a meta key named in the signature
    (``n_features_in_``, ``n_classes_``...) is passed on its own; the routed
    ``model__*`` (and unprefixed extra) parameters are passed by name.
    """
    names, var_kw = signature_names(fn)
    # The user's parameters first, then what skdl provides (scikeras' order).
    kwargs: dict[str, Any] = dict(user_kwargs)
    for key in sorted(names & set(meta)):
        kwargs.setdefault(key, meta[key])
    if var_kw or "meta" in names:
        kwargs.setdefault("meta", dict(meta))
    if var_kw or "compile_kwargs" in names:
        kwargs.setdefault("compile_kwargs", compile_kwargs())
    if var_kw or "params" in names:
        kwargs.setdefault("params", params())
    return fn(**kwargs)


class BuildArgumentError(TypeError, ValueError):
    """A parameter is routed to a build function that does not take it.

    A ``TypeError`` (what calling the function would raise) and a
    ``ValueError`` (a bad parameter value, as sklearn reports them).
    """


def check_build_kwargs(
    fn: Callable, user_kwargs: Mapping[str, Any], named_params: Iterable[str]
) -> None:
    """Raise a ValueError for a parameter the build function cannot take.

    ``user_kwargs`` maps each build-function argument to the estimator
    parameter that carries it (``units`` -> ``'model__units'``).
    """
    names, var_kw = signature_names(fn)
    if var_kw:
        return
    fn_name = getattr(fn, "__name__", type(fn).__name__)
    for key, shown in user_kwargs.items():
        if key in names:
            continue
        hint = did_you_mean(shown, named_params)
        close = difflib.get_close_matches(key, sorted(names), n=1, cutoff=0.6)
        if close:
            hint = f" Did you mean {'model__' + close[0]!r}?"
        raise BuildArgumentError(
            f"The build function {fn_name}() got an unexpected keyword "
            f"argument {key!r}: parameter {shown!r} is routed to it.{hint} Its "
            f"arguments: {', '.join(sorted(names)) or 'none'}."
        )


# -- turning (item, routed params) into Keras objects ---------------------------
def instantiate(item: Any, params: Mapping[str, Any], kind: str, resolve: Callable):
    """Build the object(s) ``item`` describes, applying routed ``params``.

    ``item`` may be a class, an instance, a name, or a list/tuple/dict of
    those. For a single item every parameter applies to it. For a container,
    ``<key>__<param>`` applies to the item at index/key ``<key>`` and a plain
    ``<param>`` to every item given as a class. ``resolve(name)`` turns a
    name into a class when parameters must be applied to it.
    """
    if isinstance(item, Mapping):
        keys = [str(k) for k in item]
        _check_container_keys(params, keys, kind)
        return {
            k: _one(v, _item_params(params, str(k), v), f"{kind}__{k}", resolve)
            for k, v in item.items()
        }
    if isinstance(item, list | tuple):
        keys = [str(i) for i in range(len(item))]
        _check_container_keys(params, keys, kind)
        built = [
            _one(v, _item_params(params, str(i), v), f"{kind}__{i}", resolve)
            for i, v in enumerate(item)
        ]
        return type(item)(built)
    nested = [k for k in params if "__" in k]
    if nested:
        raise ValueError(
            f"{kind}__{nested[0]} addresses an item, but {kind} is a single "
            f"object ({item!r}). Use {kind}__<param> for it."
        )
    return _one(item, dict(params), kind, resolve)


def _check_container_keys(params, keys, kind) -> None:
    for name in params:
        key, sep, _ = name.partition("__")
        if sep and key not in keys:
            raise ValueError(
                f"{kind}__{name} addresses item {key!r}, but {kind} has items "
                f"{keys}.{did_you_mean(key, keys)}"
            )


def _item_params(params, key, item) -> dict[str, Any]:
    own = routed(params, key)
    shared = {k: v for k, v in params.items() if "__" not in k}
    return {**shared, **own} if inspect.isclass(item) else own


def _one(item: Any, params: dict[str, Any], where: str, resolve: Callable):
    if inspect.isclass(item):
        # ``<name>__0``, ``<name>__1``...: positional arguments, in order.
        positional = sorted((k for k in params if k.isdigit()), key=int)
        kwargs = {k: v for k, v in params.items() if not k.isdigit()}
        return item(*(params[k] for k in positional), **kwargs)
    if isinstance(item, str):
        return resolve(item)(**params) if params else item
    if not params:
        return item
    if hasattr(item, "get_config") and hasattr(type(item), "from_config"):
        return type(item).from_config({**item.get_config(), **params})
    raise ValueError(
        f"{where}__{next(iter(params))} cannot be applied: {item!r} is an "
        "instance without get_config(). Pass its class instead, so the "
        "routed parameters become its constructor arguments."
    )


# -- Keras objects -------------------------------------------------------------
OPTIMIZERS = [
    "adadelta",
    "adafactor",
    "adagrad",
    "adam",
    "adamax",
    "adamw",
    "ftrl",
    "lamb",
    "lion",
    "nadam",
    "rmsprop",
    "sgd",
]


def keras_class(module, name: str):
    """The Keras class (loss or metric) that ``name`` stands for."""
    obj = module.get(name)
    if inspect.isclass(obj):
        return obj
    if not callable(obj) or hasattr(obj, "get_config"):
        return type(obj)
    wanted = loss_name(obj)
    for attr in dir(module):
        cls = getattr(module, attr)
        if inspect.isclass(cls) and loss_name(cls) == wanted:
            return cls
    raise ValueError(
        f"{name!r} has no class to pass routed parameters to; pass the class "
        "itself (e.g. keras.losses.BinaryCrossentropy) instead of its name."
    )


def fresh_metric(metric):
    if hasattr(metric, "get_config") and hasattr(metric, "reset_state"):
        return type(metric).from_config(metric.get_config())
    return metric


def callback_list(item, params, where: str) -> list:
    if item is None:
        if params:
            raise ValueError(f"{where}__{next(iter(params))} is set but {where}=None.")
        return []
    keras = import_keras()
    single = isinstance(item, keras.callbacks.Callback) or inspect.isclass(item)
    built = instantiate([item] if single else item, params, where, _no_callback_names)
    callbacks = list(built.values()) if isinstance(built, dict) else list(built)
    for cb in callbacks:
        if not isinstance(cb, keras.callbacks.Callback):
            raise TypeError(
                f"The {where!r} parameter must hold keras.callbacks.Callback "
                "instances or classes (a list, a dict of named ones, or one); "
                f"got {cb!r}."
            )
    return callbacks


def _no_callback_names(name: str):
    raise TypeError(
        f"Callbacks cannot be given by name ({name!r}); pass a "
        "keras.callbacks.Callback class or instance."
    )


def output_units(net) -> int | None:
    """Width of the network's single output, when it is known."""
    try:
        outputs = net.outputs
    except (AttributeError, ValueError):
        return None
    if not outputs or len(outputs) != 1:
        return None
    width = outputs[0].shape[-1]
    return None if width is None else int(width)


def clone_network(model):
    """A copy of ``model`` (architecture, weights, compile settings)."""
    keras = import_keras()
    try:
        net = keras.models.clone_model(model)
    except Exception as exc:
        raise ValueError(
            f"Cannot copy the keras.Model given as `model` ({exc}). Pass a "
            "function that builds the model instead."
        ) from exc
    if model.built and net.built:
        net.set_weights(model.get_weights())
    if model.compiled and not net.compiled:
        net.compile_from_config(model.get_compile_config())
    return net


def keras_model() -> type:
    """``keras.Model``, without importing Keras when nothing has yet.

    A Keras model cannot exist before Keras is imported, so while it is not
    imported the returned placeholder class matches nothing.
    """
    import sys

    if "keras" not in sys.modules:
        return _NoModel
    return import_keras().Model


class _NoModel:
    """Stands for keras.Model before Keras is imported."""


class ModelParam:
    """A keras.Model given as the ``model`` parameter, in picklable form.

    Keras' own pickling of a compiled model that has not trained yet fails
    to load (its optimizer has no variables yet). This keeps what a fit
    uses: the architecture, the weights and the compile settings.
    """

    def __init__(self, config: str, weights: list, compile_config):
        self.config = config
        self.weights = weights
        self.compile_config = compile_config

    @classmethod
    def wrap(cls, value):
        """``value`` as a :class:`ModelParam` if it is a Keras model."""
        if not isinstance(value, keras_model()):
            return value
        try:
            config = value.to_json()
        except (NotImplementedError, TypeError, ValueError):
            return value  # left to Keras' own pickling
        weights = value.get_weights() if value.built else []
        compile_config = value.get_compile_config() if value.compiled else None
        return cls(config, weights, compile_config)

    def rebuild(self):
        """The Keras model again, with its weights and compile settings."""
        keras = import_keras()
        model = keras.models.model_from_json(self.config)
        if self.weights:
            model.set_weights(self.weights)
        if self.compile_config is not None:
            model.compile_from_config(self.compile_config)
        return model


class KerasObjectParam:
    """A Keras loss, metric or optimizer instance in a parameter, picklable.

    Keras pickles these through its saving format, which finds a user's own
    class (``class MyMetric(keras.metrics.Metric)``) only when it is
    registered. This keeps the class itself (pickled by reference, as any
    class) and its config.
    """

    def __init__(self, cls: type, config: dict):
        self.cls = cls
        self.config = config

    @classmethod
    def wrap(cls, value):
        """``value`` with its Keras loss/metric/optimizer instances wrapped.

        ``value`` itself when it holds none.
        """
        if isinstance(value, list | tuple | dict):
            wrapped = {k: cls.wrap(v) for k, v in items_of(value)}
            if all(wrapped[k] is v for k, v in items_of(value)):
                return value
            if isinstance(value, dict):
                return wrapped
            return type(value)(wrapped[i] for i in range(len(value)))
        if _is_keras_object(value):
            try:
                return cls(type(value), value.get_config())
            except (NotImplementedError, TypeError, ValueError):
                return value
        return value

    @classmethod
    def unwrap(cls, value):
        """The inverse of :meth:`wrap`."""
        if isinstance(value, cls):
            return value.cls.from_config(value.config)
        if isinstance(value, list | tuple):
            return type(value)(cls.unwrap(v) for v in value)
        if isinstance(value, dict):
            return {k: cls.unwrap(v) for k, v in value.items()}
        return value


def items_of(value):
    """``(key, item)`` pairs of a dict, list or tuple."""
    return value.items() if isinstance(value, dict) else enumerate(value)


def _is_keras_object(value) -> bool:
    import sys

    if "keras" not in sys.modules or inspect.isclass(value):
        return False
    keras = import_keras()
    kinds = (keras.losses.Loss, keras.metrics.Metric, keras.optimizers.Optimizer)
    # Keras' own classes pickle and deep-copy through Keras; a user's own
    # (unregistered) class is what Keras cannot find again.
    own = type(value).__module__.split(".")[0] == "keras"
    return isinstance(value, kinds) and not own
