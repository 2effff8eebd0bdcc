"""The compiled-epoch training step (TensorFlow backend).

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

__all__ = ["build_optimizer", "epoch_function", "fused_update", "metric_results"]


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

    slots = [
        (var, opt._momentums[i], opt._velocities[i])
        for var, i in ((v, opt._get_variable_index(v)) for v in variables)
    ]

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
        (var, opt.momentums[opt._get_variable_index(var)] if momentum else None)
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


def build_optimizer(optimizer, variables) -> None:
    """Create the optimizer's slot variables, as its first ``apply`` would."""
    import keras

    if optimizer.built or not variables:
        return
    with keras.name_scope(optimizer.name, caller=optimizer):
        optimizer.build(variables)
    optimizer.built = True


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
            if model._call_has_training_arg:
                y_pred = model(x, training=True)
            else:
                y_pred = model(x)
            loss = model._compute_loss(
                x=x, y=y, y_pred=y_pred, sample_weight=sw, training=True
            )
            model._loss_tracker.update_state(loss, sample_weight=tf.shape(x)[0])
        grads = tape.gradient(loss, trainable)
        if any(g is None for g in grads):
            model.optimizer.apply(grads, trainable)
        else:
            update(grads)
        model.compute_metrics(x, y, y_pred, sample_weight=sw)

    return step


def metric_results(model) -> dict[str, Any]:
    """Each compiled metric's current result, by name, as Keras logs them."""
    results: dict[str, Any] = {}
    for metric in model.metrics:
        value = metric.result()
        if isinstance(value, dict):
            results.update(value)
        else:
            results[metric.name] = value
    return results


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
