"""Docstring fragments shared by several estimators.

Each estimator's docstring is a template with ``{name}`` fields filled from
:data:`PARAMS`, so a parameter is described once and reads the same
everywhere.
"""

from __future__ import annotations

PARAMS = {
    "hidden_layer_sizes": """\
hidden_layer_sizes : array-like of shape (n_layers,), default=(100,)
        Units of each hidden layer, as in ``sklearn.neural_network``.""",
    "activation": """\
activation : str, default='relu'
        Hidden-layer activation: sklearn's ``'identity'``, ``'logistic'``,
        ``'tanh'``, ``'relu'``, or any Keras activation name
        (``'gelu'``, ``'selu'``, ...).""",
    "solver": """\
solver : str, default='adam'
        Optimizer: ``'adam'`` (uses ``beta_1``, ``beta_2``, ``epsilon``),
        ``'sgd'`` (uses ``momentum``, ``nesterovs_momentum``), or any other
        Keras optimizer name such as ``'rmsprop'`` or ``'adamw'``.
        ``'lbfgs'`` (MLPClassifier and MLPRegressor): full-batch L-BFGS, as
        in sklearn (uses ``max_iter``, ``max_fun``, ``tol``; no
        ``partial_fit``, no dropout, ``early_stopping`` ignored); often the
        best choice for small datasets.""",
    "alpha": """\
alpha : float, default=0.0001
        Strength of the L2 penalty on the kernels, scaled as in sklearn
        (``0.5 * alpha * ||W||^2 / batch_size`` per batch).""",
    "batch_size": """\
batch_size : int or 'auto', default='auto'
        Rows per gradient step; ``'auto'`` means ``min(200, n_samples)``.""",
    "learning_rate": """\
learning_rate : {'constant', 'invscaling', 'adaptive'} or \
keras.optimizers.schedules.LearningRateSchedule, default='constant'
        sklearn's schedules (``'invscaling'`` and ``'adaptive'`` act only
        with ``solver='sgd'``, as in sklearn), or any Keras schedule, which
        then replaces ``learning_rate_init``.""",
    "learning_rate_init": """\
learning_rate_init : float, default=0.001
        Initial step size.""",
    "power_t": """\
power_t : float, default=0.5
        Exponent of ``'invscaling'``: the rate after ``t`` samples is
        ``learning_rate_init / (t + 1) ** power_t``.""",
    "max_iter": """\
max_iter : int, default=200
        Maximum number of epochs (passes over the training data).""",
    "shuffle": """\
shuffle : bool, default=True
        Whether to shuffle the rows at every epoch.""",
    "random_state": """\
random_state : int, RandomState instance or None, default=None
        Seeds weight initialization, dropout, shuffling and the
        early-stopping split. An int gives identical results run to run;
        no process-wide seed is left changed.""",
    "tol": """\
tol : float, default=1e-4
        Improvement under which an epoch counts as no progress (training
        loss, or validation score with ``early_stopping``).""",
    "verbose": """\
verbose : bool or int, default=False
        0/False: print nothing at all (backend start-up logs included).
        True, or 3 and above: sklearn's lines (``Iteration 1, loss =
        0.69314718`` per epoch, and why training stopped). 1: a progress
        bar over epochs with the latest metrics (redraws in a terminal and
        in notebooks). 2: one line of metrics per epoch.""",
    "warm_start": """\
warm_start : bool, default=False
        Reuse the fitted network and continue training on the next ``fit``.""",
    "momentum": """\
momentum : float, default=0.9
        Momentum for ``solver='sgd'``.""",
    "nesterovs_momentum": """\
nesterovs_momentum : bool, default=True
        Whether SGD uses Nesterov momentum.""",
    "early_stopping": """\
early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the training rows (stratified
        for classifiers, shuffled with ``random_state``), stop when the
        validation score stops improving, and keep the best weights.""",
    "validation_fraction": """\
validation_fraction : float, default=0.1
        Share of the training rows held out for early stopping (or for
        callbacks that monitor a ``val_`` metric).""",
    "beta_1": """\
beta_1 : float, default=0.9
        Adam's first-moment decay.""",
    "beta_2": """\
beta_2 : float, default=0.999
        Adam's second-moment decay.""",
    "epsilon": """\
epsilon : float, default=1e-8
        Adam's numerical-stability constant.""",
    "n_iter_no_change": """\
n_iter_no_change : int or np.inf, default=10
        Epochs without ``tol`` improvement tolerated before stopping
        (``np.inf``: never stop early).""",
    "max_fun": """\
max_fun : int, default=15000
        Most loss evaluations of the ``'lbfgs'`` solver (a
        ``ConvergenceWarning`` says when it stops there).""",
    "dropout": """\
dropout : float or array-like of float, default=0.0
        Dropout rate after each hidden layer: one rate for all, or one
        per layer. Active only while training.""",
    "callbacks": """\
callbacks : list of keras.callbacks.Callback or (name, callback) pairs, \
default=None
        Extra Keras callbacks (``ModelCheckpoint``, ``TensorBoard``,
        :class:`skdl.callbacks.BestModelCheckpoint`...). Every fit uses
        fresh copies, kept afterwards in ``callbacks_``, so clones and
        parallel fits never share callback state. Set a callback's
        attribute with ``set_params(callbacks__<name>__<attr>=value)``
        (GridSearchCV can tune it). A callback whose ``monitor`` starts with
        ``val_`` makes fit hold out ``validation_fraction`` of the rows
        (stratified, seeded) and log ``val_loss``/``val_accuracy``.
        Callbacks with per-batch hooks make training use Keras' ``fit``
        loop instead of the compiled epoch loop.""",
    "device": """\
device : {'auto', 'cpu', 'gpu'} or 'gpu:N', default='auto'
        Where to train: ``'auto'`` uses the first GPU when the backend sees
        one, else the CPU. In parallel worker processes (``n_jobs`` in
        ``GridSearchCV`` or ``cross_val_score``, Dask workers) on a machine
        with several GPUs, ``'auto'`` gives each worker a GPU of its own
        (worker ``k`` takes GPU ``k % n_gpus``); ``'gpu:N'`` and ``'cpu'``
        are always used as given. GPU memory grows as needed instead of
        being taken whole. A model trained on a GPU loads and predicts on a
        CPU-only machine.""",
    "precision": """\
precision : {None, 'float32', 'mixed_float16', 'mixed_bfloat16'}, default=None
        Mixed precision for the network's layers (``'mixed_float16'`` on
        GPUs); weights stay float32. Applies to this estimator only: the
        process-wide dtype policy is left unchanged. With ``None``, MLPs
        compute in float64 when ``X`` is float64 (as sklearn's MLP does)
        on the TensorFlow backend, else in float32; ``'float32'`` forces
        float32.""",
    "class_weight": """\
class_weight : dict, 'balanced' or None, default=None
        Weights per class, multiplied into ``sample_weight``;
        ``'balanced'`` weights classes inversely to their frequency.""",
    "backbone": """\
backbone : str, path, keras.Model or None, default=None
        A pretrained network to build on (transfer learning): the path of a
        ``.keras`` file, a Keras model, or the name of a
        ``keras.applications`` constructor such as ``'MobileNetV2'`` (built
        without its top, for the shape of ``X``, with average pooling).
        The network is then the backbone followed by the hidden layers
        (``dense_layer_sizes`` of :class:`ConvClassifier`, whose convolution
        parameters are then unused; ``hidden_layer_sizes`` of the MLPs) and
        the output layer. ``keras.applications`` names take images
        (:class:`ConvClassifier` only). Files and models are loaded in
        Keras' safe mode: a backbone holding a ``Lambda`` layer or other
        Python code is refused. The backbone becomes part of ``model_``
        (saved and pickled with it); the object or file passed is never
        modified.""",
    "backbone_weights": """\
backbone_weights : 'imagenet', path or None, default='imagenet'
        Weights of the backbone. ``'imagenet'``: for a ``keras.applications``
        name, the ImageNet weights, read from Keras' cache folder
        (``~/.keras/models``); nothing is downloaded, and a missing file is
        an error naming the file and where to put it. For a file or a
        model, ``'imagenet'`` keeps their own weights. A path: a weights
        file to load into the backbone. ``None``: random initial weights
        (``keras.applications`` names only).""",
    "freeze": """\
freeze : bool, default=True
        Keep the backbone's weights fixed while the head trains. Its batch
        normalization always runs in inference mode (moving statistics
        kept), also when fine-tuning.""",
    "fine_tune_epochs": """\
fine_tune_epochs : int, default=0
        Epochs of a second phase, after the head has trained, in which the
        backbone's last ``fine_tune_layers`` layers train too; 0 skips it.""",
    "fine_tune_learning_rate": """\
fine_tune_learning_rate : float, default=1e-5
        Learning rate of the fine-tuning phase (small, so the pretrained
        weights change little).""",
    "fine_tune_layers": """\
fine_tune_layers : int or None, default=None
        How many of the backbone's last layers the fine-tuning phase
        unfreezes; ``None`` unfreezes all of them.""",
}

ATTRIBUTES = """\
model_ : keras.Model
        The trained network.
    history_ : dict of str to list of float
        Per-epoch metrics (``loss``, ``accuracy``, ``val_loss``...).
    loss_curve_ : list of float
        Training loss at each epoch (L2 penalty included, as in sklearn).
    loss_ : float
        Training loss of the last epoch.
    best_loss_ : float or None
        Lowest training loss (``None`` with ``early_stopping``).
    _no_improvement_count : int
        Epochs since the last ``tol`` improvement when the last fit ended
        (minibatch solvers), as sklearn's MLP names it.
    validation_scores_ : list of float or None
        Validation score per epoch with ``early_stopping``, else ``None``.
    best_validation_score_ : float or None
        Best validation score with ``early_stopping``, else ``None``.
    n_iter_ : int
        Epochs (L-BFGS iterations) run by the last ``fit`` (one for
        ``partial_fit``), as in sklearn; ``loss_curve_`` and ``history_``
        keep the epochs of earlier warm-started fits too.
    fit_engine_ : tuple of (str, str)
        The engine that trained the last fit (``'compiled'``, ``'keras'``
        or ``'lbfgs'``) and why, e.g. ``('keras', 'callback X has per-batch
        hooks')``: see "How training runs" in the performance guide.
    callbacks_ : list of (str, keras.callbacks.Callback)
        The callback copies used by the last fit, with their names.
    t_ : int
        Training samples seen.
    coefs_, intercepts_ : list of ndarray
        Kernels and biases of the dense layers, input side first, in the
        dtype of the training input (float32 or float64). Assigning them
        writes into the network; set on an unfitted estimator, they are
        the starting weights of the next ``fit`` or ``partial_fit``.
    n_layers_ : int
        Number of layers, input and output included.
    n_outputs_ : int
        Units of the output layer.
    out_activation_ : str
        Output activation, named as sklearn names it.
    n_features_in_ : int
        Number of features seen in ``fit``.
    feature_names_in_ : ndarray of str
        Feature names seen in ``fit``, when ``X`` had string column names."""


def fill(template: str) -> str:
    """Fill ``{name}`` fields of an estimator docstring template."""
    return template.format(**PARAMS, attributes=ATTRIBUTES)
