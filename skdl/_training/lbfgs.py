"""Full-batch L-BFGS training of a Keras network (``solver='lbfgs'``).

scikit-learn's MLP hands a function returning the loss and its gradient
with respect to all weights, flattened into one vector, to
``scipy.optimize.minimize(method='L-BFGS-B')``. skdl does the same with the
Keras network: the loss is the network's compiled loss plus its
regularization losses on all training rows at once, and the function is
compiled once per network (a ``tf.function`` on TensorFlow, ``jax.jit`` of
Keras' stateless loss on JAX), so each evaluation by the optimizer is one
call of compiled code. The compiled function takes the data as arguments
and is cached on the network that runs it: a later fit of the same
architecture (a pooled twin, see :mod:`skdl._training.twins`) reuses it.

One L-BFGS iteration counts as one epoch: ``n_iter_``, ``loss_curve_`` and
the callbacks' ``on_epoch_end`` see one entry per iteration.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ..backend import backend_name, import_keras

__all__ = ["LbfgsResult", "loss_and_grad", "minimize"]

LossGrad = Callable[[np.ndarray], tuple[float, np.ndarray]]


@dataclass
class LbfgsResult:
    """What one L-BFGS run did."""

    n_iter: int
    loss: float
    converged: bool
    message: str
    history: dict[str, list] = field(default_factory=dict)


def minimize(model, data, *, max_iter, max_fun, tol, callbacks=(), verbose=False):
    """Train ``model`` in place by L-BFGS-B on all rows of ``data`` at once.

    Parameters
    ----------
    model : keras.Model
        A built, compiled network.
    data : skdl._engine.TrainingData
        Encoded training rows (no validation rows are used).
    max_iter, max_fun : int
        Most iterations and most loss evaluations, as in sklearn's MLP.
    tol : float
        Stop when the largest gradient entry is below ``tol`` (scipy's
        ``gtol``).
    callbacks : sequence of keras.callbacks.Callback
        Told of each iteration through ``on_epoch_end``; one that sets
        ``model.stop_training`` ends the run.
    verbose : bool
        Print ``Iteration N, loss = X`` after each iteration.

    Returns
    -------
    LbfgsResult
    """
    import scipy.optimize

    variables = list(model.trainable_variables)
    theta0 = _flatten([np.asarray(v.numpy(), np.float64) for v in variables])
    fun = loss_and_grad(model, data.x, data.y, data.sample_weight)
    history: dict[str, list] = {"loss": []}
    keras = import_keras()
    cb_list = keras.callbacks.CallbackList(list(callbacks), model=model)
    model.stop_training = False

    def on_iteration(intermediate_result) -> None:
        loss = float(intermediate_result.fun)
        epoch = len(history["loss"])
        history["loss"].append(loss)
        if verbose:
            print(f"Iteration {epoch + 1}, loss = {loss:.8f}")
        cb_list.on_epoch_end(epoch, {"loss": loss})
        if model.stop_training:
            raise StopIteration

    cb_list.on_train_begin()
    result = scipy.optimize.minimize(
        fun,
        theta0,
        method="L-BFGS-B",
        jac=True,
        callback=on_iteration,
        options={"maxiter": max_iter, "maxfun": max_fun, "gtol": tol},
    )
    _assign(variables, result.x)
    cb_list.on_train_end()
    return LbfgsResult(
        n_iter=min(int(result.nit), max_iter),
        loss=float(result.fun),
        converged=result.status == 0,
        message=str(result.message),
        history=history,
    )


def loss_and_grad(model, x, y, sample_weight=None) -> LossGrad:
    """``f(theta) -> (loss, gradient)`` for the flattened trainable weights.

    ``theta`` and the gradient are float64 vectors (what scipy works in);
    the network computes in its own dtype. Evaluating ``f`` may change the
    network's weights: set them to the final ``theta`` afterwards.
    """
    if backend_name() == "jax":
        return _jax_loss_and_grad(model, x, y, sample_weight)
    if backend_name() == "tensorflow":
        return _tf_loss_and_grad(model, x, y, sample_weight)
    raise ValueError(
        f"solver='lbfgs' runs on the TensorFlow and JAX backends; the Keras "
        f"backend here is {backend_name()!r}. Use solver='adam' or 'sgd'."
    )


def _flatten(arrays) -> np.ndarray:
    return np.concatenate([np.ravel(a) for a in arrays]).astype(np.float64)


def _split(theta: np.ndarray, variables) -> list[np.ndarray]:
    parts, start = [], 0
    for v in variables:
        size = math.prod(v.shape)
        parts.append(theta[start : start + size].reshape(tuple(v.shape)))
        start += size
    return parts


def _assign(variables, theta: np.ndarray) -> None:
    for v, part in zip(variables, _split(theta, variables), strict=True):
        v.assign(part.astype(v.dtype))


def _cached(model, key, make):
    """A compiled function kept on ``model`` (a plain attribute), by ``key``."""
    cache = model.__dict__.get("_skdl_lbfgs_functions")
    if cache is None:
        cache = {}
        object.__setattr__(model, "_skdl_lbfgs_functions", cache)
    if key not in cache:
        cache[key] = make()
    return cache[key]


def _tf_loss_and_grad(model, x, y, sw) -> LossGrad:
    import tensorflow as tf

    variables = list(model.trainable_variables)
    dtype = variables[0].dtype
    args = [tf.convert_to_tensor(a) for a in (x, y, sw) if a is not None]
    specs = [tf.TensorSpec([None, *a.shape[1:]], a.dtype) for a in args]
    key = ("tensorflow", tuple((tuple(s.shape), s.dtype.name) for s in specs))

    def make():
        sizes = [math.prod(v.shape) for v in variables]

        def fn(theta, x, y, sw=None):
            for v, part in zip(variables, tf.split(theta, sizes), strict=True):
                v.assign(tf.reshape(part, v.shape))
            with tf.GradientTape() as tape:
                y_pred = model(x, training=True)
                loss = model.compute_loss(
                    x=x, y=y, y_pred=y_pred, sample_weight=sw, training=True
                )
            grads = tape.gradient(loss, variables)
            flat = [
                tf.reshape(_zeros_if_none(g, v), [-1])
                for g, v in zip(grads, variables, strict=True)
            ]
            return loss, tf.concat(flat, axis=0)

        theta_spec = tf.TensorSpec([sum(sizes)], dtype)
        return tf.function(fn, input_signature=[theta_spec, *specs])

    compiled = _cached(model, key, make)

    def fun(theta: np.ndarray) -> tuple[float, np.ndarray]:
        loss, grad = compiled(tf.constant(theta, dtype), *args)
        return float(loss), np.asarray(grad, dtype=np.float64)

    return fun


def _zeros_if_none(grad, variable):
    import tensorflow as tf

    return tf.zeros_like(variable) if grad is None else grad


def _jax_loss_and_grad(model, x, y, sw) -> LossGrad:
    import jax
    import jax.numpy as jnp

    variables = list(model.trainable_variables)
    dtype = variables[0].dtype
    non_trainable = [v.value for v in model.non_trainable_variables]
    metrics = [v.value for v in model.metrics_variables]
    key = ("jax", tuple(np.shape(a)[1:] for a in (x, y, sw) if a is not None))

    def make():
        shapes = [tuple(v.shape) for v in variables]
        sizes = [math.prod(s) for s in shapes]

        def loss(theta, x, y, sw, non_trainable, metrics):
            parts = jnp.split(theta, np.cumsum(sizes)[:-1])
            values = [p.reshape(s) for p, s in zip(parts, shapes, strict=True)]
            # training=False: no dropout (refused with L-BFGS anyway) and no
            # optimizer loss scaling; the regularization losses are included.
            value, _ = model.compute_loss_and_updates(
                values, non_trainable, metrics, x, y, sw, training=False
            )
            return value

        return jax.jit(jax.value_and_grad(loss))

    compiled = _cached(model, key, make)
    data = [None if a is None else jnp.asarray(a) for a in (x, y, sw)]

    def fun(theta: np.ndarray) -> tuple[float, np.ndarray]:
        value, grad = compiled(jnp.asarray(theta, dtype), *data, non_trainable, metrics)
        return float(value), np.asarray(grad, dtype=np.float64)

    return fun
