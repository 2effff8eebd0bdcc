"""The training loop behind every skdl estimator.

Two paths run the same Keras ``train_step`` on the same batches:

* the **compiled epoch** path (in-memory data, callbacks that only look at
  whole epochs): one compiled function runs a whole epoch (batch slicing,
  forward, backward, optimizer update, metric accumulation), so there is no
  Python work per batch. On TensorFlow it is a ``tf.function`` graph (see
  :mod:`skdl._fastpath`); on JAX a jitted loop over Keras' stateless step
  with the data kept on the device (see :mod:`skdl._jax_epoch`). Either is
  traced once per architecture and reused by later fits of the same
  architecture (see :mod:`skdl._trainers`);
* the **Keras fit** path (PyTorch, a callback that needs per-batch hooks, a
  network compiled with ``run_eagerly=True``, or, on JAX, data too large to
  keep on the device): ``model.fit`` one epoch at a time, on the same
  shuffled order.

Both shuffle with the estimator's own NumPy generator, so for a given
``random_state`` they feed identical batches in identical order.
"""

from __future__ import annotations

import contextlib
import functools
import math
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ._fastpath import epoch_function
from ._jax_epoch import JaxEpoch, fits_on_device
from ._jax_epoch import supported as jax_epoch_supported
from ._trainers import borrowed_trainer, copy_weights
from .backend import backend_name, import_keras

__all__ = [
    "TrainingData",
    "TrainingPlan",
    "choose_engine",
    "forced_engine",
    "needs_batch_hooks",
    "train",
]

_ENGINES = ("auto", "compiled", "keras")

# Backends with a compiled-epoch path.
_COMPILED_BACKENDS = ("tensorflow", "jax")

_BATCH_HOOKS = (
    "on_train_batch_begin",
    "on_train_batch_end",
    "on_batch_begin",
    "on_batch_end",
)


@dataclass
class TrainingData:
    """Arrays for one training run, already encoded for the network."""

    x: np.ndarray
    y: np.ndarray
    sample_weight: np.ndarray | None = None
    validation: tuple[np.ndarray, np.ndarray, np.ndarray | None] | None = None

    @property
    def n_samples(self) -> int:
        return int(self.x.shape[0])


@dataclass
class TrainingPlan:
    """How to train: epochs, batching, order and callbacks."""

    epochs: int
    batch_size: int
    shuffle: bool
    rng: np.random.RandomState
    callbacks: list[Any] = field(default_factory=list)
    initial_epoch: int = 0
    engine: str = "auto"
    score_fn: Any = None
    validation_batch_size: int | None = None  # None: all rows in one call


def needs_batch_hooks(callbacks: list[Any]) -> bool:
    """Whether any callback overrides a per-batch hook of ``keras.callbacks``.

    ``ModelCheckpoint`` saving once per epoch (its default) overrides the
    hook but does nothing in it, so it does not count.
    """
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
                return True
    return False


_FORCED = threading.local()


@contextlib.contextmanager
def forced_engine(engine: str) -> Iterator[None]:
    """Train with ``engine`` (``'compiled'``, ``'keras'`` or ``'auto'``) in a block.

    Applies to fits in the current thread whose plan says ``'auto'``. For
    comparisons and debugging: both engines give the same results.
    """
    if engine not in _ENGINES:
        raise ValueError(f"engine must be one of {_ENGINES}; got {engine!r}.")
    previous = getattr(_FORCED, "engine", "auto")
    _FORCED.engine = engine
    try:
        yield
    finally:
        _FORCED.engine = previous


def choose_engine(plan: TrainingPlan) -> str:
    """The engine ``train`` uses for ``plan``: ``'compiled'`` or ``'keras'``."""
    engine = plan.engine
    if engine == "auto":
        engine = getattr(_FORCED, "engine", "auto")
    if engine not in _ENGINES:
        raise ValueError(f"engine must be one of {_ENGINES}; got {engine!r}.")
    if engine == "compiled" and backend_name() not in _COMPILED_BACKENDS:
        return "keras"
    if engine != "auto":
        return engine
    if backend_name() in _COMPILED_BACKENDS and not needs_batch_hooks(plan.callbacks):
        return "compiled"
    return "keras"


def train(model: Any, data: TrainingData, plan: TrainingPlan) -> dict[str, list]:
    """Train ``model`` in place and return the per-epoch history.

    Callbacks see ``on_train_begin``, ``on_epoch_begin``, ``on_epoch_end``
    (with the epoch's logs) and ``on_train_end``; a callback that sets
    ``model.stop_training = True`` ends training after the current epoch.
    On the compiled path the callbacks' ``model`` is the trainer that holds
    the network's state during the fit (see :mod:`skdl._trainers`).
    """
    if choose_engine(plan) == "keras" or not _compiled_fits(model, data):
        run_epoch = _KerasEpoch(model, data, plan.batch_size, plan.callbacks)
        return _run(model, data, plan, run_epoch, sync=None)
    with borrowed_trainer(model) as net:
        sync = None
        if net is not model and plan.score_fn is not None:
            # The score function predicts with the estimator's network.
            def sync() -> None:
                copy_weights(net, model)

        if backend_name() == "jax":
            run_epoch = JaxEpoch(net, data, plan.batch_size)
        else:
            run_epoch = _CompiledEpoch(net, data, plan.batch_size)
        return _run(net, data, plan, run_epoch, sync)


def _compiled_fits(model, data: TrainingData) -> bool:
    """Whether the compiled path can train ``model`` on ``data``.

    A network compiled with ``run_eagerly=True`` trains step by step, as
    asked. On JAX the compiled path keeps the data on the device and jits
    through Keras' own stateless step: it needs a jit-compiled network and
    data of bounded size.
    """
    if model.run_eagerly:
        return False
    if backend_name() != "jax":
        return True
    arrays = (data.x, data.y, data.sample_weight)
    return jax_epoch_supported(model) and fits_on_device(*arrays)


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
            logs.update(_evaluate(model, data.validation, plan.validation_batch_size))
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


def _to_float(logs: dict[str, Any]) -> dict[str, float]:
    return {k: float(np.asarray(v)) for k, v in logs.items()}


def _evaluate(model: Any, validation: tuple, batch_size: int | None = None):
    """Validation metrics, ``batch_size`` rows per call (``None``: all at once).

    As in Keras' ``evaluate``, metrics accumulate over the batches and the
    loss is weighted by batch length, so the result is that of one call on
    all rows, up to float rounding.
    """
    xv, yv, swv = validation
    step = len(xv) if batch_size is None else max(1, int(batch_size))
    model.reset_metrics()
    # ``test_on_batch`` resets the metrics first; keep them accumulating.
    model.__dict__["reset_metrics"] = lambda: None
    try:
        for i in range(0, len(xv), step):
            sw = None if swv is None else swv[i : i + step]
            logs = model.test_on_batch(
                xv[i : i + step], yv[i : i + step], sample_weight=sw, return_dict=True
            )
    finally:
        del model.__dict__["reset_metrics"]
    return {f"val_{k}": v for k, v in _to_float(logs).items()}


class _KerasEpoch:
    """One epoch through ``model.fit`` on the given order (any backend)."""

    def __init__(self, model, data: TrainingData, batch_size: int, callbacks):
        self.model = model
        self.data = data
        self.batch_size = batch_size
        # Per-batch hooks run inside fit; epoch-level ones are driven by
        # ``train`` so that they see each epoch exactly once.
        self.batch_callbacks = [
            _batch_hooks_only(cb) for cb in callbacks if needs_batch_hooks([cb])
        ]

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
        return {k: float(v[-1]) for k, v in hist.history.items()}


class _CompiledEpoch:
    """A whole epoch as one TensorFlow graph: no Python work per batch."""

    def __init__(self, model, data: TrainingData, batch_size: int):
        import tensorflow as tf

        self.x = tf.convert_to_tensor(data.x)
        self.y = tf.convert_to_tensor(data.y)
        self.sw = (
            None
            if data.sample_weight is None
            else tf.convert_to_tensor(data.sample_weight)
        )
        self.batch_size = tf.constant(batch_size, tf.int32)
        first = (data.x[:2], data.y[:2], _head(data.sample_weight))
        model._maybe_symbolic_build(data_batch=first)
        self.fn = compiled_epoch_function(model, self.x, self.y, self.sw)

    def __call__(self, order: np.ndarray, epoch: int) -> dict[str, float]:
        import tensorflow as tf

        args = [self.x, self.y, tf.convert_to_tensor(order, tf.int32)]
        args.append(self.batch_size)
        if self.sw is not None:
            args.append(self.sw)
        return _to_float(self.fn(*args))


def _head(a: np.ndarray | None) -> np.ndarray | None:
    return None if a is None else a[:2]


def _spec(t):
    import tensorflow as tf

    return tf.TensorSpec([None, *t.shape[1:]], t.dtype)


def compiled_epoch_function(model, x, y, sw):
    """The traced epoch function for ``model`` and these data, cached.

    The cache lives on the model, keyed on the shapes of one row: every
    later fit that trains this network (a reused trainer, warm starts,
    ``partial_fit``) runs the graph traced the first time.
    """
    cache = model.__dict__.get("_skdl_epoch_functions")
    if cache is None:
        cache = {}
        # A plain attribute, kept out of Keras' layer tracking.
        object.__setattr__(model, "_skdl_epoch_functions", cache)
    specs = (_spec(x), _spec(y), None if sw is None else _spec(sw))
    key = tuple(None if s is None else (tuple(s.shape), s.dtype.name) for s in specs)
    if key not in cache:
        cache[key] = epoch_function(model, *specs)
    return cache[key]


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
