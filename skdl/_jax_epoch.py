"""The compiled-epoch training step (JAX backend).

One jitted function runs a whole epoch: the full batches of a given order
in an XLA loop, then the shorter last batch. Each batch runs Keras' own
stateless ``train_step`` (forward pass, loss, gradients, optimizer update,
loss tracker and compiled metrics) on the model's state, so the result is
the one ``model.fit`` computes on the same batches. The training data stay
on the device for the whole fit: no host-to-device copy and no Python work
per batch.

The function is traced once per network, batch size and data shape, and
kept on the network: later fits of the same network (a reused trainer, warm
starts, ``partial_fit``) on data of the same shape run it again without
tracing.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["JaxEpoch", "fits_on_device", "supported"]

# Training data larger than this stays on the host (Keras' fit path).
MAX_RESIDENT_BYTES = 1 << 30


def supported(model) -> bool:
    """Whether ``model`` can train through the compiled JAX epoch."""
    from keras import distribution

    if model.run_eagerly or not model.jit_compile:
        return False
    if distribution.distribution() is not None:
        return False
    return model.optimizer is not None


def fits_on_device(*arrays: np.ndarray | None) -> bool:
    """Whether the arrays together are small enough to keep on the device."""
    return sum(a.nbytes for a in arrays if a is not None) <= MAX_RESIDENT_BYTES


def _epoch_function(model, batch_size: int, weighted: bool):
    """``epoch(state, x, y, sw, order) -> state``, jitted, cached on ``model``."""
    cache = model.__dict__.get("_skdl_jax_epochs")
    if cache is None:
        cache = {}
        # A plain attribute, kept out of Keras' layer tracking.
        object.__setattr__(model, "_skdl_jax_epochs", cache)
    key = (batch_size, weighted)
    if key not in cache:
        cache[key] = _make_epoch_function(model, batch_size)
    return cache[key]


def _make_epoch_function(model, batch_size: int):
    import jax

    def step(state, x, y, sw, idx):
        batch = (x[idx], y[idx]) if sw is None else (x[idx], y[idx], sw[idx])
        _, state = model.train_step(state, batch)
        return state

    def epoch(state, x, y, sw, order):
        n = order.shape[0]
        n_full, rest = divmod(n, batch_size)

        def body(i, state):
            idx = jax.lax.dynamic_slice_in_dim(order, i * batch_size, batch_size)
            return step(state, x, y, sw, idx)

        if n_full:
            state = jax.lax.fori_loop(0, n_full, body, state)
        if rest:
            state = step(state, x, y, sw, order[n_full * batch_size :])
        return state

    return jax.jit(epoch)


class JaxEpoch:
    """Train ``model`` one epoch at a time on device-resident data."""

    def __init__(self, model, data, batch_size: int):
        import jax.numpy as jnp

        sw = data.sample_weight
        first = (data.x[:2], data.y[:2], None if sw is None else sw[:2])
        model._symbolic_build(data_batch=first)
        self.model = model
        self.x = jnp.asarray(data.x)
        self.y = jnp.asarray(data.y)
        self.sw = None if sw is None else jnp.asarray(sw)
        self.fn = _epoch_function(model, batch_size, sw is not None)

    def __call__(self, order: np.ndarray, epoch: int) -> dict[str, float]:
        import jax.numpy as jnp

        model = self.model
        model.reset_metrics()
        groups = (
            model.trainable_variables,
            model.non_trainable_variables,
            model.optimizer.variables,
            model.metrics_variables,
        )
        state = tuple([v.value for v in group] for group in groups)
        order = jnp.asarray(order, dtype="int32")
        state = self.fn(state, self.x, self.y, self.sw, order)
        for group, values in zip(groups, state, strict=True):
            for variable, value in zip(group, values, strict=True):
                variable.assign(value)
        return _metric_results(model)


def _metric_results(model) -> dict[str, float]:
    results: dict[str, Any] = {}
    for metric in model.metrics:
        value = metric.result()
        if isinstance(value, dict):
            results.update(value)
        else:
            results[metric.name] = value
    return {k: float(np.asarray(v)) for k, v in results.items()}
