"""The training loop behind every skdl estimator, and its one engine decision.

Two engines run the same Keras ``train_step`` on the same batches:

* the **compiled** engine (in-memory data, callbacks that only look at
  whole epochs): one compiled function runs a whole epoch (batch slicing,
  forward, backward, optimizer update, metric accumulation), so there is no
  Python work per batch. On TensorFlow it is a ``tf.function`` graph
  (:mod:`.tf_epoch`); on JAX a jitted loop over Keras' stateless step with
  the data kept on the device (:mod:`.jax_epoch`). Either is traced once
  per architecture and reused by later fits of the same architecture
  (:mod:`.twins`);
* the **keras** engine: ``model.fit`` one epoch at a time, on the same
  shuffled order.

:func:`decide_engine` is the only place that chooses between them, and it
says why. Both shuffle with the estimator's own NumPy generator, so for a
given ``random_state`` they feed identical batches in identical order.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import math
import threading
from collections.abc import Iterator
from typing import Any, NamedTuple

import numpy as np

from ..backend import backend_name, import_keras
from . import jax_epoch, twins
from . import keras_compat as compat
from .common import logs_to_floats
from .data import TrainingData, TrainingPlan
from .image_files import ROWS_PER_CALL, FileEpoch, ImageFiles, decoded
from .jax_epoch import JaxEpoch
from .tf_epoch import TfEpoch

__all__ = [
    "EngineChoice",
    "KerasEpoch",
    "batch_callbacks",
    "decide_engine",
    "forced_engine",
    "needs_batch_hooks",
    "train",
]

logger = logging.getLogger("skdl.training")

_ENGINES = ("auto", "compiled", "keras")

# Backends with a compiled-epoch path.
_COMPILED_BACKENDS = ("tensorflow", "jax")

_BATCH_HOOKS = (
    "on_train_batch_begin",
    "on_train_batch_end",
    "on_batch_begin",
    "on_batch_end",
)


class EngineChoice(NamedTuple):
    """The engine a fit trains with (``'compiled'`` or ``'keras'``), and why."""

    engine: str
    reason: str


def needs_batch_hooks(callbacks: list[Any]) -> bool:
    """Whether any callback overrides a per-batch hook of ``keras.callbacks``.

    ``ModelCheckpoint`` saving once per epoch (its default) overrides the
    hook but does nothing in it, so it does not count.
    """
    return _batch_hook_callback(callbacks) is not None


def _batch_hook_callback(callbacks: list[Any]) -> Any:
    keras = import_keras()
    base = keras.callbacks.Callback
    for cb in callbacks:
        if isinstance(cb, keras.callbacks.ModelCheckpoint) and (
            getattr(cb, "save_freq", None) == "epoch"
        ):
            continue
        for hook in _BATCH_HOOKS:
            # A method of the callback's class, or a function set on the
            # instance (``keras.callbacks.LambdaCallback``).
            own = getattr(cb, hook, None)
            own = getattr(own, "__func__", own)
            if own is not None and own is not getattr(base, hook):
                return cb
    return None


_FORCED = threading.local()


@contextlib.contextmanager
def forced_engine(engine: str) -> Iterator[None]:
    """Train with ``engine`` (``'compiled'``, ``'keras'`` or ``'auto'``) in a block.

    Applies to fits in the current thread whose plan says ``'auto'``. For
    comparisons and debugging: both engines give the same results.
    """
    _check_engine(engine)
    previous = getattr(_FORCED, "engine", "auto")
    _FORCED.engine = engine
    try:
        yield
    finally:
        _FORCED.engine = previous


def _check_engine(engine: str) -> None:
    if engine not in _ENGINES:
        raise ValueError(f"engine must be one of {_ENGINES}; got {engine!r}.")


def decide_engine(model, data: TrainingData, plan: TrainingPlan) -> EngineChoice:
    """The engine that trains ``model`` on ``data`` under ``plan``, and why.

    The request is ``plan.engine``, or, when that is ``'auto'``, the one
    of an enclosing :func:`forced_engine` block. The compiled engine needs
    a backend that has one, a network not compiled with ``run_eagerly``,
    on JAX a jit-compiled network and data small enough for the device,
    and (unless asked for explicitly) no callback with per-batch hooks.
    """
    requested = plan.engine
    if requested == "auto":
        requested = getattr(_FORCED, "engine", "auto")
    _check_engine(requested)
    backend = backend_name()
    if isinstance(data.x, ImageFiles):
        # Decoded batch by batch in Keras' PyDataset workers, never held whole.
        return EngineChoice("keras", "images streamed from files")
    if requested == "keras":
        return EngineChoice("keras", "the keras engine was asked for")
    if backend not in _COMPILED_BACKENDS:
        return EngineChoice("keras", f"no compiled epoch on the {backend} backend")
    if model.run_eagerly:
        return EngineChoice("keras", "the network is compiled with run_eagerly=True")
    if backend == "jax":
        why_not = jax_epoch.why_not(model)
        if why_not is None and not jax_epoch.fits_on_device(
            data.x, data.y, data.sample_weight
        ):
            why_not = (
                f"the training data exceed {jax_epoch.MAX_RESIDENT_BYTES} bytes "
                "kept on the device"
            )
        if why_not is not None:
            return EngineChoice("keras", why_not)
    if requested == "auto":
        hooked = _batch_hook_callback(plan.callbacks)
        if hooked is not None:
            name = type(hooked).__name__
            return EngineChoice("keras", f"callback {name} has per-batch hooks")
        return EngineChoice("compiled", f"whole epochs compiled on {backend}")
    return EngineChoice("compiled", "the compiled engine was asked for")


def train(
    model: Any, data: TrainingData, plan: TrainingPlan
) -> tuple[dict[str, list], EngineChoice]:
    """Train ``model`` in place; return the per-epoch history and the engine.

    Callbacks see ``on_train_begin``, ``on_epoch_begin``, ``on_epoch_end``
    (with the epoch's logs) and ``on_train_end``; a callback that sets
    ``model.stop_training = True`` ends training after the current epoch.
    On the compiled engine the callbacks' ``model`` is the twin that holds
    the network's state during the fit (see :mod:`.twins`).
    """
    choice = decide_engine(model, data, plan)
    if choice.engine == "keras":
        logger.debug("Training with the keras engine: %s.", choice.reason)
        if isinstance(data.x, ImageFiles):
            hooks = batch_callbacks(plan.callbacks)
            run_epoch = FileEpoch(model, data, plan.batch_size, hooks)
        else:
            run_epoch = KerasEpoch(model, data, plan.batch_size, plan.callbacks)
        return _run(model, data, plan, run_epoch, sync=None), choice
    with twins.borrowed_trainer(model) as net:
        sync = None
        if net is not model and plan.score_fn is not None:
            # The score function predicts with the estimator's network.
            def sync() -> None:
                twins.copy_weights(net, model)

        if backend_name() == "jax":
            run_epoch = JaxEpoch(net, data, plan.batch_size)
        else:
            run_epoch = TfEpoch(net, data, plan.batch_size, plan.epochs)
        history = _run(net, data, plan, run_epoch, sync)
        where = "a pooled twin" if net is not model else "the network itself"
        path = f" ({run_epoch.path})" if hasattr(run_epoch, "path") else ""
        choice = EngineChoice(choice.engine, f"{choice.reason}{path}, on {where}")
        logger.debug("Trained with the compiled engine: %s.", choice.reason)
        return history, choice


def _run(model, data: TrainingData, plan: TrainingPlan, run_epoch, sync):
    keras = import_keras()
    history: dict[str, list] = {}
    cb_list = keras.callbacks.CallbackList(
        plan.callbacks,
        model=model,
        epochs=plan.initial_epoch + plan.epochs,
        steps=math.ceil(data.n_samples / plan.batch_size),
        verbose=0,
    )
    model.stop_training = False
    cb_list.on_train_begin()
    for epoch in range(plan.initial_epoch, plan.initial_epoch + plan.epochs):
        cb_list.on_epoch_begin(epoch)
        order = (
            plan.rng.permutation(data.n_samples)
            if plan.shuffle
            else np.arange(data.n_samples)
        )
        logs = run_epoch(order, epoch)
        if data.validation is not None:
            logs.update(evaluate(model, data.validation, plan.validation_batch_size))
        if plan.score_fn is not None:
            if sync is not None:
                sync()
            logs["val_score"] = float(plan.score_fn())
        cb_list.on_epoch_end(epoch, logs)
        for key, value in logs.items():
            history.setdefault(key, []).append(value)
        if model.stop_training:
            break
    cb_list.on_train_end(logs=None)
    return history


def evaluate(model: Any, validation: tuple, batch_size: int | None = None):
    """Validation metrics, ``batch_size`` rows per call (``None``: all at once).

    As in Keras' ``evaluate``, metrics accumulate over the batches and the
    loss is weighted by batch length, so the result is that of one call on
    all rows, up to float rounding.
    """
    xv, yv, swv = validation
    step = len(xv) if batch_size is None else max(1, int(batch_size))
    if isinstance(xv, ImageFiles):
        step = min(step, ROWS_PER_CALL)
    with compat.accumulating_metrics(model):
        for i in range(0, len(xv), step):
            sw = None if swv is None else swv[i : i + step]
            x = decoded(xv[i : i + step])
            logs = model.test_on_batch(
                x, yv[i : i + step], sample_weight=sw, return_dict=True
            )
    return {f"val_{k}": v for k, v in logs_to_floats(logs).items()}


class KerasEpoch:
    """One epoch through ``model.fit`` on the given order (any backend)."""

    def __init__(self, model, data: TrainingData, batch_size: int, callbacks):
        self.model = model
        self.data = data
        self.batch_size = batch_size
        # Per-batch hooks run inside fit; epoch-level ones are driven by
        # ``train`` so that they see each epoch exactly once.
        self.batch_callbacks = batch_callbacks(callbacks)

    def __call__(self, order: np.ndarray, epoch: int) -> dict[str, float]:
        d = self.data
        sw = None if d.sample_weight is None else d.sample_weight[order]
        hist = self.model.fit(
            d.x[order],
            d.y[order],
            sample_weight=sw,
            batch_size=self.batch_size,
            epochs=epoch + 1,
            initial_epoch=epoch,
            shuffle=False,
            verbose=0,
            callbacks=self.batch_callbacks,
        )
        return logs_to_floats({k: v[-1] for k, v in hist.history.items()})


def batch_callbacks(callbacks: list[Any]) -> list[Any]:
    """The callbacks with per-batch hooks, reduced to those hooks.

    Given to ``model.fit``: the epoch hooks are driven by :func:`train`, so
    that every callback sees each epoch exactly once.
    """
    return [_batch_hooks_only(cb) for cb in callbacks if needs_batch_hooks([cb])]


@functools.cache
def _batch_hooks_class():
    keras = import_keras()

    class BatchHooksOnly(keras.callbacks.Callback):
        """Pass only per-batch events on to the wrapped callback."""

        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def on_train_batch_begin(self, batch, logs=None):
            self.inner.on_train_batch_begin(batch, logs)

        def on_train_batch_end(self, batch, logs=None):
            self.inner.on_train_batch_end(batch, logs)

    return BatchHooksOnly


def _batch_hooks_only(inner):
    """Wrap ``inner`` so ``model.fit`` sees only its per-batch hooks."""
    return _batch_hooks_class()(inner)
