"""The compiled epoch on JAX: Keras' stateless step in jitted loops.

Each batch runs Keras' own stateless ``train_step`` (forward pass, loss,
gradients, optimizer update, loss tracker and compiled metrics) on the
model's state, so the result is the one ``model.fit`` computes on the same
batches. The training data stay on the device for the whole fit: no
host-to-device copy per batch, and no Keras data pipeline.

An epoch runs in one of two ways:

* one jitted XLA program: a loop over the full batches of the given order,
  then the shorter last batch. No Python work per batch at all;
* one jitted call per batch, for networks with convolutions on a CPU,
  where XLA runs a convolution inside a loop several times slower than the
  same convolution outside one.

Either is compiled once per network, batch size and data shape, and kept on
the network: later fits of the same network (a reused trainer, warm starts,
``partial_fit``) on data of the same shape compile nothing.
"""

from __future__ import annotations

import functools

import numpy as np

from . import keras_compat as compat
from .common import logs_to_floats, metric_results

__all__ = ["JaxEpoch", "fits_on_device", "why_not"]

# Training data larger than this stays on the host (Keras' fit path).
MAX_RESIDENT_BYTES = 1 << 30


def why_not(model) -> str | None:
    """Why ``model`` cannot train through the compiled JAX epoch, or ``None``.

    (``run_eagerly`` networks never get here: ``loop.decide_engine`` sends
    them to Keras' ``fit`` on every backend.)
    """
    from keras import distribution

    if not model.jit_compile:
        return "the network is compiled with jit_compile=False"
    if distribution.distribution() is not None:
        return "a keras.distribution is set"
    if model.optimizer is None:
        return "the network has no optimizer"
    return None


def fits_on_device(*arrays: np.ndarray | None) -> bool:
    """Whether the arrays together are small enough to keep on the device."""
    return sum(a.nbytes for a in arrays if a is not None) <= MAX_RESIDENT_BYTES


def _epoch_function(model, state, x, y, sw, batch_size: int):
    """``epoch(state, x, y, sw, order) -> state``, cached on ``model``."""
    cache = model.__dict__.get("_skdl_jax_epochs")
    if cache is None:
        cache = {}
        # A plain attribute, kept out of Keras' layer tracking.
        object.__setattr__(model, "_skdl_jax_epochs", cache)
    key = (batch_size, sw is not None)
    if key not in cache:
        stepwise = _on_cpu(x) and _has_convolution(model, state, x, y, sw, batch_size)
        make = _make_stepwise_epoch if stepwise else _make_epoch_function
        cache[key] = make(model, batch_size)
    return cache[key]


def _train_on_rows(model, state, x, y, sw, idx):
    """Keras' stateless ``train_step`` on the rows ``idx``: the new state."""
    batch = (x[idx], y[idx]) if sw is None else (x[idx], y[idx], sw[idx])
    _, state = model.train_step(state, batch)
    return state


def _make_epoch_function(model, batch_size: int):
    """The whole epoch as one XLA program: a loop over the full batches."""
    import jax

    def epoch(state, x, y, sw, order):
        n = order.shape[0]
        n_full, rest = divmod(n, batch_size)

        def body(i, state):
            idx = jax.lax.dynamic_slice_in_dim(order, i * batch_size, batch_size)
            return _train_on_rows(model, state, x, y, sw, idx)

        if n_full:
            state = jax.lax.fori_loop(0, n_full, body, state)
        if rest:
            idx = order[n_full * batch_size :]
            state = _train_on_rows(model, state, x, y, sw, idx)
        return state

    return jax.jit(epoch)


def _make_stepwise_epoch(model, batch_size: int):
    """One jitted call per batch, on the same device-resident data.

    XLA's CPU backend runs convolutions inside a loop several times slower
    than the same convolutions outside one (jax-ml/jax#12868), so networks
    with convolutions train on a CPU one compiled step per batch.
    """
    import jax

    def full_batch(state, x, y, sw, order, start):
        idx = jax.lax.dynamic_slice_in_dim(order, start, batch_size)
        return _train_on_rows(model, state, x, y, sw, idx)

    full_step = jax.jit(full_batch)
    last_step = jax.jit(functools.partial(_train_on_rows, model))

    def epoch(state, x, y, sw, order):
        n_full, rest = divmod(order.shape[0], batch_size)
        for i in range(n_full):
            state = full_step(state, x, y, sw, order, i * batch_size)
        if rest:
            state = last_step(state, x, y, sw, order[n_full * batch_size :])
        return state

    return epoch


def _has_convolution(model, state, x, y, sw, batch_size: int) -> bool:
    """Whether a training step of ``model`` contains a convolution."""
    import jax

    idx = jax.numpy.arange(min(batch_size, x.shape[0]))
    traced = jax.make_jaxpr(functools.partial(_train_on_rows, model))
    return _uses(traced(state, x, y, sw, idx).jaxpr, "conv_general_dilated")


def _uses(jaxpr, primitive: str) -> bool:
    """Whether ``jaxpr`` or any jaxpr nested in it applies ``primitive``."""
    for eqn in jaxpr.eqns:
        if eqn.primitive.name == primitive:
            return True
        for value in eqn.params.values():
            for inner in value if isinstance(value, tuple | list) else (value,):
                inner = getattr(inner, "jaxpr", inner)  # a ClosedJaxpr
                if hasattr(inner, "eqns") and _uses(inner, primitive):
                    return True
    return False


def _on_cpu(array) -> bool:
    return all(d.platform == "cpu" for d in array.devices())


class JaxEpoch:
    """Train ``model`` one epoch at a time on device-resident data."""

    def __init__(self, model, data, batch_size: int):
        import jax.numpy as jnp

        sw = data.sample_weight
        first = (data.x[:2], data.y[:2], None if sw is None else sw[:2])
        compat.build_on_batch(model, first)
        self.model = model
        self.x = jnp.asarray(data.x)
        self.y = jnp.asarray(data.y)
        self.sw = None if sw is None else jnp.asarray(sw)
        self.batch_size = batch_size
        self.fn = None

    def __call__(self, order: np.ndarray, epoch: int) -> dict[str, float]:
        import jax.numpy as jnp

        model = self.model
        for metric in model.metrics:
            metric.reset_state()
        groups = (
            model.trainable_variables,
            model.non_trainable_variables,
            model.optimizer.variables,
            model.metrics_variables,
        )
        state = tuple([v.value for v in group] for group in groups)
        if self.fn is None:
            compat.prepare_jax_train_step(model)
            args = (state, self.x, self.y, self.sw, self.batch_size)
            self.fn = _epoch_function(self.model, *args)
        order = jnp.asarray(order, dtype="int32")
        state = self.fn(state, self.x, self.y, self.sw, order)
        for group, values in zip(groups, state, strict=True):
            for variable, value in zip(group, values, strict=True):
                variable.assign(value)
        return logs_to_floats(metric_results(model))
