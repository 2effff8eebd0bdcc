"""Keep estimator state to plain values that any safe format can hold.

An estimator's ``__getstate__`` may hold Keras objects given as parameters
(a learning-rate schedule, an optimizer, a loss or metric instance, an
augmentation layer) and NumPy
dtypes (``meta_['X_dtype_']``). Pickle stores those as they are; a safe
format (skops) can only name their classes, which then count as untrusted.
:func:`to_portable` replaces them with two small skdl records holding plain
data (a Keras config, a dtype string); :func:`from_portable` rebuilds them,
Keras objects through Keras' own deserializer in safe mode, so a custom
class loads only when it is registered with
``keras.saving.register_keras_serializable``.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import numpy as np

__all__ = ["DTypeRecord", "KerasObjectRecord", "from_portable", "to_portable"]


class KerasObjectRecord:
    """A Keras object kept as its serialized config (JSON data only)."""

    def __init__(self, config: dict):
        self.config = config

    def rebuild(self) -> Any:
        from .backend import import_keras

        keras = import_keras()
        return keras.saving.deserialize_keras_object(self.config, safe_mode=True)


class DTypeRecord:
    """A NumPy dtype kept as its string form (``'<f4'``)."""

    def __init__(self, text: str):
        self.text = text

    def rebuild(self) -> np.dtype:
        dtype = np.dtype(self.text)
        if dtype.kind == "V":
            raise ValueError(f"dtype {self.text!r} is not a plain dtype")
        return dtype


_RECORDS = (KerasObjectRecord, DTypeRecord)


def to_portable(value: Any) -> Any:
    """``value`` with Keras objects and dtypes replaced by records.

    Walks dicts, lists and tuples; anything else is returned unchanged.
    """
    if isinstance(value, dict | list | tuple):
        return _map(to_portable, value)
    if isinstance(value, np.dtype):
        return DTypeRecord(value.str)
    return _keras_record(value)


def from_portable(value: Any) -> Any:
    """Undo :func:`to_portable`."""
    if isinstance(value, _RECORDS):
        return value.rebuild()
    if isinstance(value, dict | list | tuple):
        return _map(from_portable, value)
    return value


def _map(fn, container):
    """``fn`` over a container's values; the container itself (same type,
    same object) when no value changes."""
    if isinstance(container, dict):
        new = {k: fn(v) for k, v in container.items()}
        same = all(new[k] is v for k, v in container.items())
    else:
        items = [fn(v) for v in container]
        same = all(a is b for a, b in zip(items, container, strict=True))
        new = items if isinstance(container, list) else tuple(items)
    return container if same else new


def _keras_record(value: Any) -> Any:
    # No Keras object can exist before Keras is imported: never import it here.
    if "keras" not in sys.modules or not _is_keras_config_object(value):
        return value
    keras = sys.modules["keras"]
    config = keras.saving.serialize_keras_object(value)
    try:
        json.dumps(config, allow_nan=False)
    except (TypeError, ValueError):
        return value  # not plain data: left as it is (pickle still copes)
    return KerasObjectRecord(config)


def _is_keras_config_object(value: Any) -> bool:
    """Keras objects that are fully described by their config."""
    if isinstance(value, type):
        return False
    keras = sys.modules["keras"]
    kinds = (
        keras.optimizers.schedules.LearningRateSchedule,
        keras.optimizers.Optimizer,
        keras.losses.Loss,
        keras.metrics.Metric,
        keras.regularizers.Regularizer,
        keras.initializers.Initializer,
        keras.constraints.Constraint,
    )
    if isinstance(value, keras.Model):
        return False  # networks travel as .keras archives, weights included
    if isinstance(value, keras.layers.Layer):
        return not value.weights  # e.g. augmentation layers given as params
    return isinstance(value, kinds)
