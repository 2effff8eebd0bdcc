"""The compiled epoch on TensorFlow: a whole epoch as one graph call.

One ``tf.function`` runs a whole epoch: metric reset, the batches of a
given order, and the metric results. Each batch performs what Keras' own
``train_step`` performs: forward pass, loss (with the layers'
regularization losses), gradients, optimizer update, loss tracker and
compiled metrics. The full batches run in one of two ways:

* **XLA**: groups of :data:`XLA_CHUNK` full batches, gathered in the graph,
  each group one call of an XLA program that loops over its batches. The
  program's shapes depend on the network, the batch size and the chunk,
  never on the number of rows, so it is compiled once per network and
  batch size (cross-validation folds of different sizes share it). About
  three times faster per batch than the plain graph for the small
  networks skdl mostly trains, but the compilation costs 0.5-1 s on a
  CPU: it is used for fits planned long enough (:data:`XLA_MIN_BATCHES`),
  for networks XLA supports that draw no random numbers (XLA's random
  numbers differ from TensorFlow's kernels', and a seeded fit must give
  the same network whichever path ran it);
* **graph**: a plain graph loop, one step per batch. ``SKDL_TF_XLA=0``
  keeps every fit here (a first fit then costs no XLA compilation).

The shorter last batch always runs in the plain graph. Which path a fit
takes depends only on the network and the fit's plan, never on what was
compiled before, so a seeded fit gives the same network in any process.
Both are traced without AutoGraph, as Keras' own training functions
are: skdl's loops are written as graph code, and converting their Python
source took most of the tracing time.

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

import logging
import math
import os
from typing import Any

import numpy as np

from . import keras_compat as compat
from .common import build_optimizer, logs_to_floats, metric_results

logger = logging.getLogger("skdl.training")

__all__ = [
    "XLA_CHUNK",
    "XLA_MIN_BATCHES",
    "TfEpoch",
    "compiled_epoch_function",
    "epoch_function",
    "fused_update",
    "xla_refusal",
]

# Full batches per call of the XLA program.
XLA_CHUNK = 32
# Fits planned for fewer batches (epochs x batches per epoch) train in the
# plain graph. XLA saves about 35 us per batch of a small network and its
# compilation (0.5-1 s on a CPU) is paid once per architecture and batch
# size: at this size it pays for itself over the ten fits of a
# cross-validation, and a single longer fit pays it back sooner.
XLA_MIN_BATCHES = 2000


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


def xla_refusal(model, n_rows: int, batch_size: int, epochs: int) -> str | None:
    """Why a fit of ``model`` trains in the plain graph, or ``None`` for XLA."""
    import tensorflow as tf

    if os.environ.get("SKDL_TF_XLA", "1") == "0":
        return "XLA turned off by SKDL_TF_XLA=0"
    planned = epochs * math.ceil(n_rows / batch_size)
    if planned < XLA_MIN_BATCHES:
        return (
            f"{planned} planned batches, fewer than the {XLA_MIN_BATCHES} "
            "that pay for XLA's compilation"
        )
    if n_rows < batch_size:
        return "no full batch"
    if tf.distribute.has_strategy():
        return "a tf.distribute strategy is active"
    if not compat.supports_xla(model):
        return "a layer does not support XLA, or op determinism is on"
    if any(v.name == "seed_generator_state" for v in model.non_trainable_variables):
        return "the network draws random numbers (XLA draws different ones)"
    return None


def _rows(idx, x, y, sw):
    """The rows ``idx`` (any shape) of ``x``, ``y`` and ``sw`` (may be None)."""
    import tensorflow as tf

    w = None if sw is None else tf.gather(sw, idx)
    return tf.gather(x, idx), tf.gather(y, idx), w


def _graph_epoch(model, step):
    """``run(x, y, perm, batch_size, sw)``: every batch a plain graph step."""
    import tensorflow as tf

    def run(x, y, perm, batch_size, sw=None):
        for metric in model.metrics:
            metric.reset_state()
        n = tf.shape(perm)[0]
        n_batches = (n + batch_size - 1) // batch_size

        def body(i):
            start = i * batch_size
            step(*_rows(perm[start : tf.minimum(start + batch_size, n)], x, y, sw))
            return (i + 1,)

        tf.while_loop(
            lambda i: i < n_batches,
            body,
            (tf.constant(0),),
            parallel_iterations=1,
        )
        return metric_results(model)

    return run


def _xla_epoch(model, step, batch_size: int):
    """``run(x, y, perm, batch_size, sw)``: full batches through XLA.

    ``batch_size`` is fixed when the function is built (the tensor passed
    in is ignored): XLA compiles for static shapes.
    """
    import tensorflow as tf

    bs, k = batch_size, XLA_CHUNK

    def chunk(xc, yc, swc, n_valid):
        def body(i):
            step(xc[i], yc[i], None if swc is None else swc[i])
            return (i + 1,)

        tf.while_loop(lambda i: i < n_valid, body, (tf.constant(0),))
        return n_valid

    compiled = tf.function(chunk, jit_compile=True, autograph=False)

    def run(x, y, perm, batch_size, sw=None):
        del batch_size  # static: ``bs``
        for metric in model.metrics:
            metric.reset_state()
        n = tf.shape(perm)[0]
        n_full = n // bs
        n_chunks = (n_full + k - 1) // k
        # The full batches' rows, padded with row 0 to whole chunks (the
        # padding batches are never trained on).
        pad = tf.zeros([n_chunks * k * bs - n_full * bs], tf.int32)
        chunks = tf.reshape(tf.concat([perm[: n_full * bs], pad], 0), [-1, k, bs])

        def body(c):
            compiled(*_rows(chunks[c], x, y, sw), tf.minimum(k, n_full - c * k))
            return (c + 1,)

        tf.while_loop(lambda c: c < n_chunks, body, (tf.constant(0),))

        def last():
            step(*_rows(perm[n_full * bs :], x, y, sw))
            return n

        tf.cond(n > n_full * bs, last, lambda: n)
        return metric_results(model)

    return run


def epoch_function(model, x_spec, y_spec, sw_spec=None, xla_batch_size=None):
    """A ``tf.function(x, y, perm, batch_size[, sw])`` training one epoch.

    The rows are taken in the order of ``perm``, ``batch_size`` at a time
    (the last batch may be shorter). The number of rows is a tensor, so one
    trace serves every fit of the same network on data of the same width;
    so is the batch size, except on the XLA path (``xla_batch_size`` given),
    whose program is built for that batch size. Returns the epoch's metric
    results (loss and compiled metrics), as Keras' ``fit`` reports them
    after an epoch. Traced here.
    """
    import tensorflow as tf

    step = _train_step(model)
    index = tf.TensorSpec([None], tf.int32)
    scalar = tf.TensorSpec([], tf.int32)
    signature = [x_spec, y_spec, index, scalar]
    if sw_spec is not None:
        signature.append(sw_spec)

    if xla_batch_size is None:
        run = _graph_epoch(model, step)
    else:
        run = _xla_epoch(model, step, xla_batch_size)
    fn = tf.function(run, input_signature=signature, autograph=False)
    fn.get_concrete_function()
    return fn


class TfEpoch:
    """Train ``model`` one epoch at a time, each epoch one graph call.

    ``epochs`` (planned) decides, with the network and the data, whether
    full batches run through XLA; :attr:`path` says which path runs and why.
    """

    def __init__(self, model, data, batch_size: int, epochs: int = 1):
        import tensorflow as tf

        self.model = model
        self.x = tf.convert_to_tensor(data.x)
        self.y = tf.convert_to_tensor(data.y)
        sw = data.sample_weight
        self.sw = None if sw is None else tf.convert_to_tensor(sw)
        self.batch_size = tf.constant(batch_size, tf.int32)
        first = (data.x[:2], data.y[:2], None if sw is None else sw[:2])
        compat.build_for_tracing(model, first)
        refusal = xla_refusal(model, data.n_samples, batch_size, epochs)
        self.xla = refusal is None
        self.path = "XLA" if self.xla else f"graph: {refusal}"
        self._bs = batch_size
        self.fn = self._function()
        self._checked = not self.xla

    def _function(self):
        bs = self._bs if self.xla else None
        return compiled_epoch_function(self.model, self.x, self.y, self.sw, bs)

    def __call__(self, order: np.ndarray, epoch: int) -> dict[str, float]:
        import tensorflow as tf

        args = [self.x, self.y, tf.convert_to_tensor(order, tf.int32)]
        args.append(self.batch_size)
        if self.sw is not None:
            args.append(self.sw)
        if self._checked:
            return logs_to_floats(self.fn(*args))
        self._checked = True
        try:
            return logs_to_floats(self.fn(*args))
        except (tf.errors.InvalidArgumentError, tf.errors.UnimplementedError) as exc:
            # XLA refused the program at its compilation, before any batch
            # ran: the plain graph trains instead.
            logger.debug("XLA could not compile the epoch: %s", exc)
            self.xla = False
            self.path = "graph: XLA could not compile the network"
            self.fn = self._function()
            return logs_to_floats(self.fn(*args))


def _spec(t):
    import tensorflow as tf

    return tf.TensorSpec([None, *t.shape[1:]], t.dtype)


def compiled_epoch_function(model, x, y, sw, xla_batch_size=None):
    """The traced epoch function for ``model`` and these data, cached.

    The cache lives on the model, keyed on the shapes of one row (and, on
    the XLA path, the batch size): every later fit that trains this network
    (a reused trainer, warm starts, ``partial_fit``) runs the function
    traced, and compiled, the first time.
    """
    cache = model.__dict__.get("_skdl_epoch_functions")
    if cache is None:
        cache = {}
        # A plain attribute, kept out of Keras' layer tracking.
        object.__setattr__(model, "_skdl_epoch_functions", cache)
    specs = (_spec(x), _spec(y), None if sw is None else _spec(sw))
    key = tuple(None if s is None else (tuple(s.shape), s.dtype.name) for s in specs)
    key = (*key, xla_batch_size)
    if key not in cache:
        cache[key] = epoch_function(model, *specs, xla_batch_size=xla_batch_size)
    return cache[key]
