"""Where :class:`skdl.KerasClassifier` / ``KerasRegressor`` hand over to Keras.

skdl trains and predicts through its own compiled paths. Some inputs and
requests only Keras' own ``Model.fit`` / ``Model.predict`` can serve, as
scikeras did: keyword arguments for ``fit`` / ``predict``
(``validation_data=``, ``callbacks=``...), networks with several inputs or
outputs, sparse or non-array data, and callbacks with evaluation or
prediction hooks. This module decides when, and calls Keras.
"""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np

from ._training.image_files import ImageFiles
from .backend import import_keras
from .preprocessing.keras_targets import KerasClassifierTargetEncoder

__all__ = [
    "KERAS_FIT_ARGS",
    "KERAS_PREDICT_ARGS",
    "full_metric_name",
    "keras_class_weight",
    "keras_fit",
    "keras_fit_reason",
    "keras_predict",
    "n_rows",
    "plain_array",
    "wants_keras_predict",
]

# Arguments of keras.Model.fit / predict that scikeras users route (by
# keyword or as ``fit__*`` / ``predict__*``), as scikeras lists them.
KERAS_FIT_ARGS = frozenset(
    {
        "batch_size",
        "epochs",
        "verbose",
        "validation_split",
        "shuffle",
        "class_weight",
        "sample_weight",
        "initial_epoch",
        "validation_steps",
        "validation_batch_size",
        "validation_freq",
    }
)
KERAS_PREDICT_ARGS = frozenset({"batch_size", "verbose", "steps"})

# Hooks skdl's compiled epoch does not call (it evaluates and predicts
# without Keras' callback machinery).
_EVAL_HOOKS = (
    "on_test_begin",
    "on_test_end",
    "on_test_batch_begin",
    "on_test_batch_end",
)
_PREDICT_HOOKS = (
    "on_predict_begin",
    "on_predict_end",
    "on_predict_batch_begin",
    "on_predict_batch_end",
)


def n_rows(X) -> int:
    """Rows of ``X``: an array, a sparse matrix, or a list/dict of arrays."""
    if isinstance(X, dict):
        X = next(iter(X.values()))
    elif isinstance(X, list | tuple):
        X = X[0]
    return int(X.shape[0])


def plain_array(data) -> bool:
    """Whether ``data`` is one dense NumPy array (what skdl's paths take)."""
    return isinstance(data, np.ndarray)


def overrides(callbacks, hooks) -> bool:
    """Whether a callback overrides one of ``hooks`` of ``keras.callbacks.Callback``."""
    base = import_keras().callbacks.Callback
    for cb in callbacks:
        for hook in hooks:
            own = getattr(cb, hook, None)
            if getattr(own, "__func__", own) is not getattr(base, hook):
                return True
    return False


def _single_io(model) -> bool:
    try:
        return len(model.inputs) == 1 and len(model.outputs) == 1
    except (AttributeError, ValueError):  # subclassed model, not built yet
        return True


def keras_fit_reason(model, X, y, callbacks, extra: dict) -> str | None:
    """Why this fit must go through ``Model.fit`` (``None``: it need not)."""
    if extra:
        return f"Model.fit arguments {sorted(extra)} were routed to it"
    if isinstance(X, ImageFiles):  # skdl's own streaming engine takes them
        return None
    if not (plain_array(X) and plain_array(y)):
        return "the data are not one dense array (sparse, or several inputs)"
    if not _single_io(model):
        return "the network has several inputs or outputs"
    if overrides(callbacks, _EVAL_HOOKS):
        return "a callback has evaluation (on_test_*) hooks"
    return None


def wants_keras_predict(model, X, callbacks, extra: dict) -> bool:
    """Whether this prediction must go through ``Model.predict``."""
    return bool(
        extra
        or not plain_array(X)
        or not _single_io(model)
        or overrides(callbacks, _PREDICT_HOOKS)
    )


def keras_fit(model, X, y, sw, split, plan, fraction: float, extra: dict):
    """Train with ``Model.fit`` as scikeras did; return the history dict.

    ``plan`` holds what skdl already decided (epochs, batch size, shuffling,
    callbacks); ``extra`` holds the remaining keyword arguments for
    ``Model.fit``, which win. Held-out rows are the ``split`` skdl chose
    when the data are arrays, else Keras' own ``validation_split``.
    """
    args: dict[str, Any] = {
        "batch_size": plan.batch_size,
        "epochs": plan.initial_epoch + plan.epochs,
        "initial_epoch": plan.initial_epoch,
        "shuffle": plan.shuffle,
        "verbose": 0,
        "callbacks": list(plan.callbacks),
        "sample_weight": sw,
    }
    if split is not None and plain_array(X) and plain_array(y):
        train, val = split
        held_out = (X[val], y[val]) if sw is None else (X[val], y[val], sw[val])
        X, y = X[train], y[train]
        args.update(sample_weight=None if sw is None else sw[train])
        args["validation_data"] = held_out
        args["validation_batch_size"] = plan.validation_batch_size
    elif split is not None:
        args["validation_split"] = fraction
    args.update(extra)
    if args.get("class_weight") is not None and _single_io(model):
        args["sample_weight"] = None  # Keras weighs the training rows itself
    else:  # Keras takes class_weight for one output only: sample_weight has it
        args.pop("class_weight", None)
    _check_fit_arguments(model, args)
    history = model.fit(x=X, y=y, **args)
    return {k: [float(v) for v in vals] for k, vals in history.history.items()}


def keras_class_weight(weights, y, encoder) -> dict[int, float] | None:
    """``class_weight`` for ``Model.fit``: class index -> weight of its rows.

    ``weights`` are the per-row weights skdl computed from ``class_weight``;
    Keras indexes classes by the encoded ``y`` (0/1 column, code or one-hot
    position), which is the class's position in ``encoder.classes_``.
    ``None`` for an encoder other than skdl's (its codes are its own).
    """
    if not isinstance(encoder, KerasClassifierTargetEncoder):
        return None
    codes = np.searchsorted(encoder.classes_, np.asarray(y).reshape(len(y)))
    return {int(c): float(weights[np.argmax(codes == c)]) for c in np.unique(codes)}


def _check_fit_arguments(model, args: dict) -> None:
    """A clear error for an argument the model's ``fit`` cannot take."""
    try:
        params = inspect.signature(model.fit).parameters
    except (TypeError, ValueError):
        return
    if any(p.kind == p.VAR_KEYWORD for p in params.values()):
        return
    for key in args:
        if key not in params:
            raise TypeError(
                f"fit__{key} (or fit(..., {key}=...)) is passed to "
                f"{type(model).__name__}.fit, which has no argument {key!r}. "
                f"Its arguments: {', '.join(k for k in params if k != 'self')}."
            )


def keras_predict(model, X, args: dict):
    """Network outputs through ``Model.predict`` (arrays, or a list of them)."""
    args = {"verbose": 0, **args}
    if args.get("batch_size") == -1:
        args["batch_size"] = n_rows(X)
    out = model.predict(x=X, **args)
    if isinstance(out, list | tuple):
        return [np.asarray(o) for o in out]
    if isinstance(out, dict):
        return {k: np.asarray(v) for k, v in out.items()}
    return np.asarray(out)


def full_metric_name(key: str) -> str:
    """The full name of a history key (``'mae'`` -> ``'mean_absolute_error'``).

    ``loss`` and held-out (``val_``) keys stay as Keras logs them; so does
    a key Keras does not know (a custom metric's own name).
    """
    if key == "loss" or key.startswith("val_"):
        return key
    keras = import_keras()
    try:
        metric = keras.metrics.get(key)
    except (ValueError, TypeError):
        return key
    if inspect.isclass(metric):
        name = metric.__name__
    elif hasattr(metric, "get_config"):
        name = type(metric).__name__
    else:
        name = getattr(metric, "__name__", key)
    if any(c.isupper() for c in name):
        name = "".join("_" + c.lower() if c.isupper() else c for c in name).lstrip("_")
    return name
