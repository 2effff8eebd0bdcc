"""Copying and pickling :class:`skdl.KerasClassifier` and friends.

:class:`WrapperPersistence` holds ``clone`` (a ``keras.Model`` parameter is
shared, Keras objects are copied from their config) and pickling: the
network as ``.keras`` bytes (the base's), Keras objects among the
parameters as records, and the user's own Keras classes (custom layers,
losses, metrics) by reference, so a pickled estimator reloads without
``register_keras_serializable``.
"""

from __future__ import annotations

import contextlib
import inspect
from typing import Any

from sklearn.base import clone

from . import _routing
from .backend import import_keras

__all__ = ["WrapperPersistence"]


class WrapperPersistence:
    """``clone`` and pickling for the wrappers (a mixin)."""

    def __sklearn_clone__(self):
        # A keras.Model parameter is shared, not deep-copied: fits only read
        # it (every fit trains a copy), and Keras cannot deep-copy a compiled
        # model whose optimizer has not been built yet. Keras losses, metrics
        # and optimizers are copied from their config: Keras deep-copies them
        # through its saving format, which fails for unregistered classes.
        params = self.get_params(deep=False)
        model_type, keep = _routing.keras_model(), _routing.KerasObjectParam
        if not any(
            isinstance(v, model_type) or keep.wrap(v) is not v for v in params.values()
        ):
            return super().__sklearn_clone__()
        new = {}
        for key, value in params.items():
            wrapped = keep.wrap(value)
            if isinstance(value, model_type):
                new[key] = value
            elif wrapped is not value:
                new[key] = keep.unwrap(wrapped)
            else:
                new[key] = clone(value, safe=False)
        copy = type(self)(**new)
        if "_skl_callbacks" in vars(self):
            # As scikit-learn's clone: callbacks are shared by the clones.
            copy._skl_callbacks = self._skl_callbacks
        return copy

    def __getstate__(self):
        state = super().__getstate__()
        for key in ("model", "build_fn"):
            state[key] = _routing.ModelParam.wrap(state.get(key))
        for key in self.get_params(deep=False):
            if key not in ("model", "build_fn") and key in state:
                state[key] = _routing.KerasObjectParam.wrap(state[key])
        model = self.__dict__.get("model_")
        custom = _custom_objects(model) if model is not None else {}
        if custom:
            state["_custom_objects"] = custom
        return state

    def __setstate__(self, state):
        # The base rebuilds the ``model``/``build_fn`` networks (inside the
        # scope of the user's classes).
        state = {k: _routing.KerasObjectParam.unwrap(v) for k, v in state.items()}
        custom = state.pop("_custom_objects", None) or {}
        with import_keras().saving.custom_object_scope(custom):
            super().__setstate__(state)


_LIBRARIES = ("keras", "tensorflow", "jax", "torch", "builtins")


def _custom_objects(model) -> dict[str, type]:
    """User-defined Keras classes in ``model`` (layers, loss, metrics, optimizer).

    Pickled by reference (module and name) beside the ``.keras`` bytes, so
    a network that uses them reloads where they can be imported, without
    ``register_keras_serializable``.
    """
    objects: list[Any] = [model, *model.layers, getattr(model, "optimizer", None)]
    loss = getattr(model, "loss", None)
    objects += list(loss.values()) if isinstance(loss, dict) else _as_list(loss)
    objects += _walk_metrics(model)
    found = {}
    for obj in objects:
        cls = obj if inspect.isclass(obj) else type(obj)
        if obj is None or not inspect.isclass(cls):
            continue
        if cls.__module__.split(".")[0] in _LIBRARIES:
            continue
        if "<locals>" in cls.__qualname__:
            continue
        found[cls.__name__] = cls
    return found


def _as_list(item) -> list:
    if item is None:
        return []
    return list(item) if isinstance(item, list | tuple) else [item]


def _walk_metrics(model) -> list:
    """Metric objects the model compiled with (its own and nested ones)."""
    found = []
    stack = list(getattr(model, "metrics", []) or [])
    while stack:
        metric = stack.pop()
        found.append(metric)
        if metric is not None and metric is not model:
            with contextlib.suppress(AttributeError, ValueError):
                stack.extend(metric.metrics or [])
    return found
