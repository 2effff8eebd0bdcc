"""Docstring fragments of ``skdl.KerasClassifier`` and ``skdl.KerasRegressor``.

Shared names (``random_state``, ``warm_start``...) come from
:mod:`skdl._docstrings`; the scikeras-style parameters are described here.
"""

from __future__ import annotations

from ._docstrings import PARAMS
from ._image_input import IMAGE_FILE_PARAMS

WRAPPER_PARAMS = {
    "random_state": """\
random_state : int, RandomState instance or None, default=None
        Seeds the network's initialization (the build function runs under
        it), dropout and shuffling. An int gives identical results run to
        run. A ``RandomState`` instance seeds every fit from its current
        state and is left unchanged, as in scikeras, so fitting again
        trains the same network (skdl's own estimators draw from the
        instance, as scikit-learn's do). None: a new seed per fit. No
        process-wide seed is left changed.""",
    "model": """\
model : callable or keras.Model, default=None
        A function returning a ``keras.Model``, compiled or not. It is called
        once per ``fit`` (under ``random_state``) with the arguments its
        signature names: ``meta`` (a dict: ``n_features_in_``, ``X_shape_``,
        ``X_dtype_``, ``classes_``, ``n_classes_``, ``target_type_``,
        ``n_outputs_``, ``n_outputs_expected_``, ...; each key can also be
        asked for as an argument of its own), ``compile_kwargs`` (what
        ``keras.Model.compile`` would get: fresh optimizer, loss and metric
        objects), ``params`` (``get_params()``), and every ``model__<name>``
        parameter as ``<name>`` (extra keyword arguments without a prefix are
        passed too, as in scikeras). An uncompiled model is compiled with
        ``optimizer``, ``loss`` and ``metrics``. A ``keras.Model`` instance is
        copied (architecture, current weights, compile settings) for every
        fit, so fits never share weights.""",
    "build_fn": """\
build_fn : callable or keras.Model, default=None
        Deprecated name of ``model`` (a FutureWarning says so).""",
    "optimizer": """\
optimizer : str, keras.optimizers.Optimizer or its class, default='rmsprop'
        Optimizer for an uncompiled model. ``optimizer__<name>`` parameters
        (``optimizer__learning_rate=0.01``) are its constructor arguments;
        with an instance they override its config. Every fit gets a fresh
        optimizer.""",
    "loss": """\
loss : str, keras.losses.Loss, its class, callable or None, default=None
        Loss for an uncompiled model; ``loss__<name>`` parameters configure a
        loss class or name. ``None`` keeps the loss a build function
        compiled with, or picks one from the target and the output width
        (binary cross-entropy for one sigmoid unit, sparse categorical
        cross-entropy for one unit per class, mean squared error for
        regression); a network returning a list or dict of outputs needs
        a loss (``ValueError`` otherwise, as in scikeras). The encoding of
        ``y`` follows the loss used: one-hot for
        ``'categorical_crossentropy'``, integer codes for
        ``'sparse_categorical_crossentropy'``.""",
    "metrics": """\
metrics : list, dict, str, keras.metrics.Metric or its class, default=None
        Metrics reported in ``history_`` each epoch. ``metrics__<name>``
        applies to every metric given as a class, ``metrics__<i>__<name>``
        to the i-th one.""",
    "batch_size": """\
batch_size : int or None, default=None
        Rows per gradient step (``None``: 32; ``-1``: all rows).
        ``fit__batch_size`` overrides it for training; predictions use
        large compiled batches unless ``predict__batch_size`` is set.""",
    "validation_batch_size": """\
validation_batch_size : int or None, default=None
        Rows per call when evaluating the held-out rows of
        ``validation_split`` after each epoch (``None``: calls of up to
        16,384 rows; ``-1``: all rows in one call). Metrics accumulate over
        the calls, so the logged ``val_*`` values do not depend on it (up
        to float rounding), as with Keras' ``fit``, whose default is the
        training batch size; it bounds memory on large validation sets.""",
    "verbose": """\
verbose : int, default=0
        Print one line of metrics per epoch when non-zero (scikeras' default
        is 1; skdl estimators are quiet unless asked).""",
    "callbacks": """\
callbacks : list, dict or keras.callbacks.Callback, default=None
        Keras callbacks, as instances or classes. Classes are built at every
        fit with their routed parameters: ``callbacks__<name>__<param>`` for
        the entry ``<name>`` of a dict (or index of a list), and
        ``callbacks__<param>`` for every class. Instances are copied for
        every fit. ``fit__callbacks`` adds callbacks the same way.""",
    "validation_split": """\
validation_split : float, default=0.0
        Share of the rows held out for validation (the last rows, as in
        ``keras.Model.fit``); adds ``val_*`` entries to ``history_``.""",
    "run_eagerly": """\
run_eagerly : bool, default=False
        Run training steps eagerly, through ``keras.Model.fit`` (for
        debugging; slow).""",
    "epochs": """\
epochs : int, default=1
        Passes over the training data per ``fit`` (``fit__epochs``
        overrides it).""",
    "kwargs": """\
**kwargs : dict
        Routed parameters ``<prefix>__<name>`` with prefix ``model``,
        ``optimizer``, ``loss``, ``metrics``, ``callbacks``, ``fit``
        (``epochs``, ``batch_size``, ``validation_split``,
        ``validation_batch_size``, ``shuffle``, ``verbose``, ``callbacks``,
        ``class_weight``), ``predict`` (``batch_size``) or ``compile``
        (``loss_weights``, ``weighted_metrics``, ``run_eagerly``,
        ``steps_per_execution``, ``jit_compile``, ``auto_scale_loss``); names
        without a prefix go to the build function. All are ordinary
        parameters: ``get_params``, ``set_params``, ``clone`` and
        ``GridSearchCV`` see them. An unknown prefix or a name the build
        function does not take raises a ValueError with a "did you mean"
        hint when ``fit`` is called.""",
}

WRAPPER_ATTRIBUTES = """\
model_ : keras.Model
        The trained network.
    history_ : dict of str to list of float
        Per-epoch metrics (``loss``, ``val_loss``, metrics...).
    n_iter_ : int
        Epochs run.
    fit_engine_ : tuple of (str, str)
        The engine that trained the last fit (``'compiled'`` or
        ``'keras'``) and why, e.g. ``('keras', 'callback X has per-batch
        hooks')``: see "How training runs" in the performance guide.
    meta_ : dict
        The ``meta`` the network was built with.
    target_encoder_, feature_encoder_ : transformer
        The fitted encoders of ``y`` and ``X``.
    X_shape_ : tuple
        Shape of the network's input at the last fit.
    X_dtype_ : numpy.dtype
        Its dtype.
    target_type_ : str
        Type of the target, as ``sklearn.utils.multiclass.type_of_target``.
    n_outputs_expected_ : int
        Number of network outputs expected (1).
    n_features_in_ : int
        Number of features seen in ``fit``.
    feature_names_in_ : ndarray of str
        Feature names seen in ``fit``, when ``X`` had string column names."""


def fill_wrapper(template: str) -> str:
    """Fill a wrapper docstring template (wrapper fragments win)."""
    fields = {**PARAMS, **IMAGE_FILE_PARAMS, **WRAPPER_PARAMS}
    return template.format(**fields, attributes=WRAPPER_ATTRIBUTES)
