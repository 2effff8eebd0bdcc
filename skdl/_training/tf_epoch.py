"""The compiled epoch on TensorFlow: a whole epoch as one graph.

One ``tf.function`` runs a whole epoch: metric reset, the batches of a
given order (full batches in a graph loop with static shapes, then the
shorter last batch), and the metric results. Each batch performs what
Keras' own ``train_step`` performs: forward pass, loss (with the layers'
regularization losses), gradients, optimizer update, loss tracker and
compiled metrics.

For the two optimizers of scikit-learn's MLP, Adam (without AMSGrad) and
SGD, the optimizer update runs as TensorFlow's fused training kernels
(``ResourceApplyAdam``, ``ResourceApplyKerasMomentum``,
``ResourceApplyGradientDescent``): the same formulas as Keras'
``update_step``, applied to the optimizer's own slot variables, in a
handful of kernels instead of dozens of small ops. Any other optimizer, or
any option these kernels do not cover (clipping, weight decay, EMA,
gradient accumulation, loss scaling, variable constraints), runs Keras' own
``optimizer.apply``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import keras_compat as compat
from .common import build_optimizer, logs_to_floats, metric_results

__all__ = ["TfEpoch", "compiled_epoch_function", "epoch_function", "fused_update"]


def fused_update(optimizer, variables) -> Any:
    """Return ``update(grads)`` running fused kernels, or ``None``.

    ``None`` means the optimizer or one of its options is not covered, and
    Keras' ``optimizer.apply`` must be used instead.
    """
    import keras

    if not _plain_optimizer(optimizer, variables):
        return None
    if type(optimizer) is keras.optimizers.Adam and not optimizer.amsgrad:
        return _adam_update(optimizer, variables)
    if type(optimizer) is keras.optimizers.SGD:
        return _sgd_update(optimizer, variables)
    return None


def _plain_optimizer(optimizer, variables) -> bool:
    options = (
        optimizer.clipnorm,
        optimizer.clipvalue,
        optimizer.global_clipnorm,
        optimizer.weight_decay,
        optimizer.gradient_accumulation_steps,
        optimizer.loss_scale_factor,
    )
    if any(opt is not None for opt in options) or optimizer.use_ema:
        return False
    if not optimizer.built:
        return False
    for var in variables:
        if var.dtype != "float32" or var.constraint is not None:
            return False
        if getattr(var, "overwrite_with_gradient", False):
            return False
    return True


def _adam_update(opt, variables):
    import tensorflow as tf

    slots = [(var, *compat.adam_slots(opt, var)) for var in variables]

    def update(grads) -> None:
        lr = tf.cast(opt.learning_rate, tf.float32)
        step = tf.cast(opt.iterations + 1, tf.float32)
        beta_1_power = tf.pow(tf.constant(opt.beta_1, tf.float32), step)
        beta_2_power = tf.pow(tf.constant(opt.beta_2, tf.float32), step)
        for (var, m, v), grad in zip(slots, grads, strict=True):
            tf.raw_ops.ResourceApplyAdam(
                var=var.handle,
                m=m.handle,
                v=v.handle,
                beta1_power=beta_1_power,
                beta2_power=beta_2_power,
                lr=lr,
                beta1=tf.constant(opt.beta_1, tf.float32),
                beta2=tf.constant(opt.beta_2, tf.float32),
                epsilon=tf.constant(opt.epsilon, tf.float32),
                grad=tf.cast(grad, tf.float32),
            )
        opt.iterations.assign_add(1)

    return update


def _sgd_update(opt, variables):
    import tensorflow as tf

    momentum = float(opt.momentum)
    slots = [
        (var, compat.sgd_momentum_slot(opt, var) if momentum else None)
        for var in variables
    ]

    def update(grads) -> None:
        lr = tf.cast(opt.learning_rate, tf.float32)
        for (var, m), grad in zip(slots, grads, strict=True):
            grad = tf.cast(grad, tf.float32)
            if m is None:
                tf.raw_ops.ResourceApplyGradientDescent(
                    var=var.handle, alpha=lr, delta=grad
                )
            else:
                tf.raw_ops.ResourceApplyKerasMomentum(
                    var=var.handle,
                    accum=m.handle,
                    lr=lr,
                    grad=grad,
                    momentum=tf.constant(momentum, tf.float32),
                    use_nesterov=bool(opt.nesterov),
                )
        opt.iterations.assign_add(1)

    return update


def _train_step(model):
    """``step(x, y, sw)``: one batch, as Keras' ``train_step`` does it."""
    import tensorflow as tf

    trainable = list(model.trainable_weights)
    build_optimizer(model.optimizer, trainable)
    update = fused_update(model.optimizer, trainable) if trainable else None
    if update is None or tf.distribute.has_strategy():

        def keras_step(x, y, sw):
            model.train_step((x, y) if sw is None else (x, y, sw))

        return keras_step

    def step(x, y, sw) -> None:
        with tf.GradientTape() as tape:
            y_pred = compat.call_for_training(model, x)
            loss = compat.compute_loss(model, x, y, y_pred, sw)
            compat.track_loss(model, loss, tf.shape(x)[0])
        grads = tape.gradient(loss, trainable)
        if any(g is None for g in grads):
            model.optimizer.apply(grads, trainable)
        else:
            update(grads)
        model.compute_metrics(x, y, y_pred, sample_weight=sw)

    return step


def epoch_function(model, x_spec, y_spec, sw_spec=None):
    """A ``tf.function(x, y, perm, batch_size[, sw])`` training one epoch.

    The rows are taken in the order of ``perm``, ``batch_size`` at a time
    (the last batch may be shorter). The number of rows and the batch size
    are tensors, so one trace serves every fit of the same network on data
    of the same width. Returns the epoch's metric results (loss and
    compiled metrics), as Keras' ``fit`` reports them after an epoch.
    """
    import tensorflow as tf

    step = _train_step(model)

    def run(x, y, perm, batch_size, sw=None):
        for metric in model.metrics:
            metric.reset_state()
        n = tf.shape(perm)[0]
        n_batches = (n + batch_size - 1) // batch_size

        def body(i):
            start = i * batch_size
            idx = perm[start : tf.minimum(start + batch_size, n)]
            w = None if sw is None else tf.gather(sw, idx)
            step(tf.gather(x, idx), tf.gather(y, idx), w)
            return (i + 1,)

        tf.while_loop(
            lambda i: i < n_batches,
            body,
            (tf.constant(0),),
            parallel_iterations=1,
        )
        return metric_results(model)

    index = tf.TensorSpec([None], tf.int32)
    scalar = tf.TensorSpec([], tf.int32)
    if sw_spec is not None:
        return tf.function(
            lambda x, y, perm, batch_size, sw: run(x, y, perm, batch_size, sw),
            input_signature=[x_spec, y_spec, index, scalar, sw_spec],
        )
    return tf.function(
        lambda x, y, perm, batch_size: run(x, y, perm, batch_size),
        input_signature=[x_spec, y_spec, index, scalar],
    )


class TfEpoch:
    """Train ``model`` one epoch at a time, each epoch one graph call."""

    def __init__(self, model, data, batch_size: int):
        import tensorflow as tf

        self.x = tf.convert_to_tensor(data.x)
        self.y = tf.convert_to_tensor(data.y)
        sw = data.sample_weight
        self.sw = None if sw is None else tf.convert_to_tensor(sw)
        self.batch_size = tf.constant(batch_size, tf.int32)
        first = (data.x[:2], data.y[:2], None if sw is None else sw[:2])
        compat.build_for_tracing(model, first)
        self.fn = compiled_epoch_function(model, self.x, self.y, self.sw)

    def __call__(self, order: np.ndarray, epoch: int) -> dict[str, float]:
        import tensorflow as tf

        args = [self.x, self.y, tf.convert_to_tensor(order, tf.int32)]
        args.append(self.batch_size)
        if self.sw is not None:
            args.append(self.sw)
        return logs_to_floats(self.fn(*args))


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
