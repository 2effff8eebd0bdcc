"""Training networks kept between fits and reused (compiled-epoch path).

Tracing a network's training function costs about half a second, and each
traced network keeps memory that Python does not return to the system.
Grid searches and cross-validation fit the same architecture many times, so
the compiled path trains a *trainer*: a twin of the estimator's network
(same configuration, same compile settings) taken from a small pool.

For one fit, the estimator's own freshly built network (or its previous
network, for warm starts) stays its ``model_``; its variables and optimizer
state are copied into the trainer, the trainer is trained, and everything
is copied back, even when training stops with an error. The trainer then
returns to the pool for the next fit of the same architecture. No network
handed to a user is ever reused, so fitted estimators never share state:
pickling, cloning, warm starts and parallel fits behave as without the pool.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import warnings
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

from ..backend import import_keras, seeded
from .common import build_optimizer

__all__ = ["borrowed_trainer", "clear_trainers", "copy_weights", "signature"]

logger = logging.getLogger(__name__)

# Free trainers kept at most, all architectures together.
MAX_FREE_TRAINERS = 4


class _Pool:
    """Free trainers by architecture signature, least recently used first."""

    def __init__(self) -> None:
        self._free: OrderedDict[str, list[Any]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, key: str) -> Any:
        with self._lock:
            free = self._free.get(key)
            if not free:
                return None
            trainer = free.pop()
            if not free:
                del self._free[key]
            return trainer

    def give(self, key: str, trainer: Any) -> None:
        with self._lock:
            self._free.setdefault(key, []).append(trainer)
            self._free.move_to_end(key)
            while sum(map(len, self._free.values())) > MAX_FREE_TRAINERS:
                oldest = next(iter(self._free))
                self._free[oldest].pop(0)
                if not self._free[oldest]:
                    del self._free[oldest]

    def clear(self) -> None:
        with self._lock:
            self._free.clear()

    def __len__(self) -> int:
        with self._lock:
            return sum(map(len, self._free.values()))


_POOL = _Pool()


def clear_trainers() -> None:
    """Drop every kept trainer (their memory is freed by the next GC)."""
    _POOL.clear()


def signature(model) -> str | None:
    """A key equal for networks of identical configuration, else ``None``.

    Seeds are left out: they only choose initial values and the starting
    state of random generators, and both are copied into the trainer with
    the variables. Networks whose configuration or compile settings do not
    serialize (custom objects without ``get_config``) get ``None``: never
    pooled.
    """
    try:
        with _keras_config_noise_ignored():
            compile_config = model.get_compile_config()
        if compile_config is None:
            return None
        parts = [
            type(model).__module__,
            type(model).__qualname__,
            _without_seeds(model.get_config()),
            _without_optimizer_name(compile_config),
            # A twin must live on the device the network was placed on.
            [_device_of(v) for v in model.variables[:1]],
        ]
        return json.dumps(parts, sort_keys=True)
    except Exception as exc:  # any failure only means "do not pool"
        logger.debug("Not pooled: the network's configuration fails: %r", exc)
        return None


@contextlib.contextmanager
def _keras_config_noise_ignored() -> Iterator[None]:
    """Hide the ``DeprecationWarning`` Keras raises reading its configs.

    On JAX, an optimizer's ``get_config`` reads its learning rate through a
    NumPy call that NumPy 2 deprecates: Keras' noise, not the user's.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        yield


def _device_of(variable) -> str:
    value = getattr(variable, "value", variable)
    return str(getattr(value, "device", ""))


def _without_seeds(config: Any) -> Any:
    if isinstance(config, dict):
        return {k: _without_seeds(v) for k, v in config.items() if k != "seed"}
    if isinstance(config, list | tuple):
        return [_without_seeds(v) for v in config]
    return config


def _without_optimizer_name(compile_config: dict) -> dict:
    # Optimizers are numbered as they are made ("adam_3"): not a difference.
    optimizer = compile_config.get("optimizer")
    if isinstance(optimizer, dict) and isinstance(optimizer.get("config"), dict):
        config = {k: v for k, v in optimizer["config"].items() if k != "name"}
        compile_config = {
            **compile_config,
            "optimizer": {**optimizer, "config": config},
        }
    return compile_config


def _twin(model) -> Any:
    """A new compiled network of ``model``'s configuration, or ``None``."""
    keras = import_keras()
    try:
        # Seeded so that building the twin draws nothing from the global
        # random state the surrounding fit uses.
        with seeded(0), _keras_config_noise_ignored():
            twin = keras.models.clone_model(model)
            twin.compile_from_config(model.get_compile_config())
    except Exception as exc:  # cloning unsupported: train the model itself
        logger.debug("Not pooled: cloning the network fails: %r", exc)
        return None
    if _shapes(twin.variables) != _shapes(model.variables):
        logger.debug("Not pooled: a clone's variables differ from the network's.")
        return None
    return twin


def _shapes(variables) -> list[tuple]:
    return [(tuple(v.shape), str(v.dtype)) for v in variables]


def copy_weights(src, dst) -> None:
    """Copy every model variable (weights, seed states) of ``src`` to ``dst``."""
    _copy_values(src.variables, dst.variables)


def _copy_values(sources, targets) -> None:
    # A real copy: on JAX, ``assign`` keeps the array itself, and Keras'
    # compiled functions may donate (free) the buffers of the network they
    # run, which must not be buffers of the other network.
    ops = import_keras().ops
    for a, b in zip(sources, targets, strict=True):
        b.assign(ops.copy(a.value))


def _copy_state(src, dst) -> None:
    copy_weights(src, dst)
    if src.optimizer is None:
        return
    build_optimizer(src.optimizer, src.trainable_variables)
    build_optimizer(dst.optimizer, dst.trainable_variables)
    _copy_values(src.optimizer.variables, dst.optimizer.variables)


@contextlib.contextmanager
def borrowed_trainer(model) -> Iterator[Any]:
    """Yield a trainer holding ``model``'s state; copy it back on exit.

    Yields ``model`` itself when it cannot be pooled.
    """
    key = signature(model)
    trainer = None
    if key is not None:
        trainer = _POOL.take(key)
        if trainer is None or _shapes(trainer.variables) != _shapes(model.variables):
            trainer = _twin(model)
    if trainer is None:
        yield model
        return
    _copy_state(model, trainer)
    try:
        yield trainer
    finally:
        _copy_state(trainer, model)
        trainer.stop_training = False
        _POOL.give(key, trainer)
