"""What skdl's sklearn-style networks share: MLP parameters and fit steps.

:class:`_BaseMLP` holds sklearn MLP's parameters, their checks, the fit
steps (plan, validation split, network, optimizer, training controls) and
the sklearn-style views of the network (``coefs_``..., see
:mod:`skdl._mlp_views`), and the L-BFGS solver's hook; used by
:mod:`skdl.mlp` and :mod:`skdl.conv`. :class:`_ClassifierSteps` holds what
their classifiers add.
"""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
from scipy import sparse
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import HasMethods, Interval, Options, StrOptions

from ._mlp_views import NetworkViews
from ._training.data import class_weight_sample_weights
from .backend import backend_name, compile_jit, import_keras
from .base import as_float32


class _BaseMLP(NetworkViews):
    """Parameters and training controls shared by the MLP estimators."""

    # sklearn's MLP semantics beyond the minibatch ones: solver='lbfgs' and
    # float64 networks for float64 input (MLPClassifier and MLPRegressor).
    _sklearn_dropin = False

    _parameter_constraints: dict = {
        "hidden_layer_sizes": [
            "array-like",
            Interval(Integral, 1, None, closed="left"),
        ],
        "activation": [str],
        "solver": [str],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "batch_size": [
            StrOptions({"auto"}),
            Interval(Integral, 1, None, closed="left"),
        ],
        "learning_rate": [
            StrOptions({"constant", "invscaling", "adaptive"}),
            HasMethods(["get_config", "__call__"]),
        ],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "power_t": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "tol": [Interval(Real, 0, None, closed="left")],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "momentum": [Interval(Real, 0, 1, closed="both")],
        "nesterovs_momentum": ["boolean"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "n_iter_no_change": [
            Interval(Integral, 1, None, closed="left"),
            Options(Real, {np.inf}),
        ],
        "max_fun": [Interval(Integral, 1, None, closed="left")],
        "dropout": [Interval(Real, 0, 1, closed="left"), "array-like"],
        "callbacks": [list, None],
        "device": [str],
        "precision": [
            StrOptions({"float32", "mixed_float16", "mixed_bfloat16"}),
            None,
        ],
    }

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        dropout=0.0,
        callbacks=None,
        device="auto",
        precision=None,
        backbone=None,
        backbone_weights="imagenet",
        freeze=True,
        fine_tune_epochs=0,
        fine_tune_learning_rate=1e-5,
        fine_tune_layers=None,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun
        self.dropout = dropout
        self.callbacks = callbacks
        self.device = device
        self.precision = precision
        self.backbone = backbone
        self.backbone_weights = backbone_weights
        self.freeze = freeze
        self.fine_tune_epochs = fine_tune_epochs
        self.fine_tune_learning_rate = fine_tune_learning_rate
        self.fine_tune_layers = fine_tune_layers

    # -- parameter checks that span several values ---------------------------
    def _check_params(self) -> None:
        self._hidden_sizes()
        keras = import_keras()
        if self.solver == "lbfgs":
            if not self._sklearn_dropin:
                raise ValueError(
                    f"solver='lbfgs' is available for MLPClassifier and "
                    f"MLPRegressor, not {type(self).__name__}; use 'adam' or "
                    "'sgd'."
                )
            if any(self._dropout_rates()):
                raise ValueError(
                    "dropout needs a minibatch solver: L-BFGS minimizes one "
                    "deterministic loss. Use solver='adam' or 'sgd' with "
                    f"dropout={self.dropout!r}, or dropout=0 with 'lbfgs'."
                )
        else:
            self._dropout_rates()
            try:
                keras.optimizers.get(self.solver)
            except ValueError as exc:
                raise ValueError(
                    f"The 'solver' parameter must be 'lbfgs', 'adam', 'sgd' or "
                    f"a Keras optimizer name such as 'rmsprop'; got "
                    f"{self.solver!r}."
                ) from exc
        try:
            keras.activations.get(_keras_act(self.activation))
        except ValueError as exc:
            raise ValueError(
                f"The 'activation' parameter must be one of 'identity', "
                f"'logistic', 'tanh', 'relu' or a Keras activation name; got "
                f"{self.activation!r}."
            ) from exc
        self._named_callbacks()
        from .backend import resolve_device

        resolve_device(self.device)

    def _hidden_sizes(self) -> tuple[int, ...]:
        sizes = self.hidden_layer_sizes
        if isinstance(sizes, Integral):
            sizes = [sizes]
        sizes = list(sizes)
        if not all(isinstance(s, Integral) and s > 0 for s in sizes):
            raise ValueError(
                "The 'hidden_layer_sizes' parameter must be a positive int or "
                f"a sequence of positive ints; got {self.hidden_layer_sizes!r}."
            )
        return tuple(int(s) for s in sizes)

    def _dropout_rates(self) -> tuple[float, ...]:
        n = len(self._hidden_sizes())
        return dropout_rates(self.dropout, n, f"hidden layer ({n} here)")

    # -- steps of fit ------------------------------------------------------------
    def _fit_plan_settings(self, n_samples: int) -> tuple[int, int, bool]:
        if self.solver == "lbfgs":
            return self.max_iter, n_samples, False  # full batch
        if self.batch_size == "auto":
            batch_size = min(200, n_samples)
        else:
            batch_size = min(int(self.batch_size), n_samples)
        return self.max_iter, batch_size, self.shuffle

    def _named_callbacks(self) -> list[tuple[str, object]]:
        """``callbacks`` as ``(name, callback)`` pairs, checked."""
        keras = import_keras()
        pairs = []
        for item in self.callbacks or []:
            if isinstance(item, tuple) and len(item) == 2:
                name, cb = item
            else:
                name, cb = type(item).__name__.lower(), item
            if not isinstance(cb, keras.callbacks.Callback) or not isinstance(
                name, str
            ):
                raise TypeError(
                    "The 'callbacks' parameter must be a list of "
                    "keras.callbacks.Callback instances or (name, callback) "
                    f"pairs; got {item!r}."
                )
            pairs.append((name, cb))
        names = [n for n, _ in pairs]
        if len(set(names)) != len(names):
            raise ValueError(
                f"Callback names must be unique, got {names}; name them with "
                "(name, callback) pairs."
            )
        return pairs

    def set_params(self, **params):
        """Set parameters; ``callbacks__<name>__<attr>`` sets a callback's.

        Parameters
        ----------
        **params : dict
            Estimator parameters, and ``callbacks__<name>__<attr>`` entries
            that set attribute ``attr`` of the callback named ``name`` (the
            name of a ``(name, callback)`` pair, or the lower-cased class
            name of an unnamed callback), so ``GridSearchCV`` can tune them.

        Returns
        -------
        self : object
            The estimator.
        """
        routed = {k: v for k, v in params.items() if k.startswith("callbacks__")}
        super().set_params(**{k: v for k, v in params.items() if k not in routed})
        if not routed:
            return self
        named = dict(self._named_callbacks())
        for key, value in routed.items():
            _, name, attr = [*key.split("__", 2), "", ""][:3]
            if name not in named or not attr:
                raise ValueError(
                    f"Cannot set {key!r}: use callbacks__<name>__<attribute> "
                    f"with a callback name among {sorted(named)}."
                )
            if not hasattr(named[name], attr):
                raise ValueError(
                    f"Cannot set {key!r}: callback {name!r} "
                    f"({type(named[name]).__name__}) has no attribute {attr!r}."
                )
            setattr(named[name], attr, value)
        return self

    def _user_callbacks(self) -> list:
        return [cb for _, cb in self._named_callbacks()]

    def _wants_validation_score(self) -> bool:
        return bool(self.early_stopping)

    def _needs_validation(self) -> bool:
        """Hold out rows for early stopping or a callback watching ``val_*``."""
        if self.solver == "lbfgs":
            return False  # as in sklearn, L-BFGS ignores early_stopping
        if self.early_stopping:
            return True
        return any(
            str(getattr(cb, "monitor", "")).startswith("val_")
            for cb in self._user_callbacks()
        )

    def _validation_split(self, X, y, sw, seed):
        if not self._needs_validation():
            return None
        n = X.shape[0]
        if n - int(np.ceil(self.validation_fraction * n)) < 1:
            raise ValueError(
                f"early_stopping=True holds out validation_fraction="
                f"{self.validation_fraction} of {n} rows, which leaves no "
                "training rows. Lower validation_fraction or use more data."
            )
        # A class with a single member cannot be split both ways: refused
        # (train_test_split's error names the class), as sklearn does.
        tr, val = train_test_split(
            np.arange(n),
            test_size=self.validation_fraction,
            random_state=seed,
            stratify=self._stratify_labels(y),
        )
        if len(val) < 2:
            raise ValueError(
                f"The validation set is too small: early_stopping=True holds "
                f"out validation_fraction={self.validation_fraction} of {n} "
                f"rows, {len(val)} here (at least 2 are needed). Increase "
                "'validation_fraction' or the size of your dataset."
            )
        return np.sort(tr), np.sort(val)

    def _stratify_labels(self, y):
        return None

    def _build_model(self, meta, context):
        from .networks.mlp import build_mlp

        model = build_mlp(
            meta["n_features_in_"],
            self._hidden_sizes(),
            meta["n_outputs_"],
            activation=self.activation,
            output_activation=meta["output_activation_"],
            l2=0.5 * self.alpha / meta["batch_size_"],
            dropout=self._dropout_rates(),
            seed=context.seed,
        )
        if self._sklearn_dropin:
            self._initialize_like_sklearn(model, check_random_state(self.random_state))
        self._start_from_set_weights(model)
        model.compile(
            optimizer=self._make_optimizer(),
            loss=meta["loss_"],
            # sklearn sums the log-loss over the labels of multilabel targets
            # (Keras averages it).
            loss_weights=(
                float(meta["n_outputs_"])
                if meta.get("target_type_") == "multilabel-indicator"
                else None
            ),
            metrics=self._keras_metrics(),
            jit_compile=compile_jit(),
        )
        return model

    def _keras_metrics(self) -> list:
        return []

    def _make_optimizer(self):
        keras = import_keras()
        if self.solver == "lbfgs":
            # L-BFGS runs in scipy; the network still compiles with an
            # optimizer (its loss and persistence need one), never stepped.
            return keras.optimizers.SGD()
        lr = self.learning_rate
        if isinstance(lr, str):
            lr = float(self.learning_rate_init)
        if self.solver == "adam":
            return keras.optimizers.Adam(
                learning_rate=lr,
                beta_1=self.beta_1,
                beta_2=self.beta_2,
                epsilon=self.epsilon,
            )
        if self.solver == "sgd":
            return keras.optimizers.SGD(
                learning_rate=lr,
                momentum=float(self.momentum),
                nesterov=self.nesterovs_momentum and self.momentum > 0,
            )
        optimizer = keras.optimizers.get(self.solver)
        return optimizer.__class__.from_config(
            {**optimizer.get_config(), "learning_rate": lr}
        )

    def _sklearn_lines(self) -> bool:
        """Print sklearn's ``Iteration N, loss = X`` lines (verbose=True or >= 3)."""
        return self.verbose is True or int(self.verbose) >= 3

    def _extra_callbacks(self, context, has_validation, score_fn) -> list:
        from .callbacks.progress import progress_callbacks
        from .callbacks.sklearn_controls import SklearnControls

        progress = []
        if not self._sklearn_lines():
            progress = progress_callbacks(self.verbose, context.epochs)
        if self.solver == "lbfgs":
            return progress  # L-BFGS stops on its own criteria
        controls = SklearnControls(
            tol=self.tol,
            n_iter_no_change=self.n_iter_no_change,
            learning_rate=self.learning_rate,
            learning_rate_init=self.learning_rate_init,
            power_t=self.power_t,
            monitor_validation=score_fn is not None,
            n_samples=context.n_train,
            t0=context.initial_t,
            verbose=bool(self.verbose),
            adaptive_solver=self.solver == "sgd",
            print_iterations=self._sklearn_lines(),
        )
        return [controls, *progress]

    def _train(self, model, data, plan):
        if self.solver != "lbfgs":
            return super()._train(model, data, plan)
        from ._training.lbfgs import minimize
        from ._training.loop import EngineChoice
        from ._training.twins import borrowed_trainer

        with borrowed_trainer(model) as net:
            result = minimize(
                net,
                data,
                max_iter=self.max_iter,
                max_fun=self.max_fun,
                tol=self.tol,
                callbacks=plan.callbacks,
                verbose=self._sklearn_lines(),
            )
        if not result.converged:
            from sklearn.exceptions import ConvergenceWarning

            from ._caller import warn_user

            warn_user(
                f"lbfgs failed to converge after {result.n_iter} iteration(s) "
                f"({result.message}). Increase max_iter (now {self.max_iter}) "
                f"or max_fun (now {self.max_fun}), or scale the data, e.g. "
                "with StandardScaler in a Pipeline.",
                ConvergenceWarning,
            )
        reason = "solver='lbfgs': scipy's L-BFGS-B on a compiled loss and gradient"
        return result.history, EngineChoice("lbfgs", reason)

    def _after_fit(self, history, callbacks, context) -> None:
        names = [name for name, _ in self._named_callbacks()]
        self.callbacks_ = list(zip(names, self.callbacks_, strict=True))
        self._forget_set_attributes()
        self.loss_curve_ = list(self.history_.get("loss", []))
        self.loss_ = self.loss_curve_[-1] if self.loss_curve_ else None
        stochastic = self.solver != "lbfgs"
        if self.early_stopping and stochastic:
            self.best_loss_ = None
            self.validation_scores_ = list(self.history_.get("val_score", []))
            self.best_validation_score_ = max(self.validation_scores_)
        else:
            self.best_loss_ = min(self.loss_curve_, default=None)
            self.validation_scores_ = None
            self.best_validation_score_ = None
        if stochastic:
            self._after_stochastic_fit(history, callbacks[0], context)

    def _after_stochastic_fit(self, history, controls, context) -> None:
        from sklearn.exceptions import ConvergenceWarning

        from ._caller import warn_user

        # The count of epochs without improvement, named as in sklearn.
        self._no_improvement_count = controls.no_improvement
        ran = len(history.get("loss", []))
        if not context.partial and not controls.stopped and ran == self.max_iter:
            warn_user(
                f"Stochastic Optimizer: Maximum iterations ({self.max_iter}) "
                "reached and the optimization hasn't converged yet.",
                ConvergenceWarning,
            )

    @property
    def _optimizer(self):
        """The network's Keras optimizer (sklearn's MLP keeps its own here).

        Its ``learning_rate`` is the rate in force, as adapted by
        ``learning_rate='invscaling'`` or ``'adaptive'``.
        """
        return self.model_.optimizer

    # -- dtypes --------------------------------------------------------------------
    def _validate_data_kwargs(self) -> dict:
        return {**super()._validate_data_kwargs(), "accept_sparse": ["csr", "csc"]}

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # Sparse X is densified for the network (the MLPs, not ConvClassifier).
        tags.input_tags.sparse = "accept_sparse" in self._validate_data_kwargs()
        return tags

    def _check_X(self, X, *, reset: bool = False) -> np.ndarray:
        if reset:
            # float64 input trains a float64 network, as sklearn's MLP
            # computes in the input's dtype; on JAX (where float64 is a
            # process-wide switch) and under a set precision: float32.
            self._input_dtype = X.dtype.name
            float64 = (
                self._sklearn_dropin
                and getattr(self, "backbone", None) is None
                and X.dtype == np.float64
                and self.precision is None
                and backend_name() == "tensorflow"
            )
            self._network_dtype = "float64" if float64 else None
        if sparse.issparse(X):
            X = X.toarray()  # networks take dense batches
        if self._float_dtype() == "float64":
            return np.asarray(X, dtype=np.float64)
        return as_float32(X)

    def _float_dtype(self) -> str | None:
        return self.__dict__.get("_network_dtype")


def dropout_rates(dropout, n: int, per: str) -> tuple[float, ...]:
    """``dropout`` (one rate, or one ``per`` block) as ``n`` rates in [0, 1)."""
    if isinstance(dropout, Real):
        return (float(dropout),) * n
    rates = [float(r) for r in np.asarray(dropout, dtype=float).ravel()]
    if len(rates) != n or not all(0 <= r < 1 for r in rates):
        raise ValueError(
            f"The 'dropout' parameter must be one rate in [0, 1) or one per "
            f"{per}; got {dropout!r}."
        )
    return tuple(rates)


def _minibatch_solver(estimator) -> bool:
    """``partial_fit`` exists for minibatch solvers only (not 'lbfgs')."""
    return estimator.solver != "lbfgs"


def _refuse_early_stopping(estimator) -> None:
    if estimator.early_stopping:
        raise ValueError(
            "partial_fit does not support early_stopping=True: it trains one "
            "epoch on the rows given, with none held out. Set "
            "early_stopping=False, or use fit."
        )


def _keras_act(name: str) -> str:
    from .networks.mlp import keras_activation

    return keras_activation(name)


class _ClassifierSteps:
    """Classifier steps of fit shared by skdl's sklearn-style classifiers.

    Accuracy as the Keras metric, a stratified early-stopping split, and
    ``class_weight`` folded into the sample weights. Used by
    :class:`MLPClassifier` and :class:`skdl.conv.ConvClassifier`.
    """

    def _keras_metrics(self) -> list:
        return ["accuracy"]

    def _stratify_labels(self, y):
        y = np.asarray(y)
        if y.ndim != 1:
            return None
        classes = np.unique(y)
        # Binary: stratified on the "is the positive class" column, as
        # sklearn does (its error for a single-member class names it 'True').
        return (y == classes[-1]).reshape(-1, 1) if len(classes) == 2 else y

    def _combine_weights(self, sw, y, encoder):
        return class_weight_sample_weights(self.class_weight, y, encoder, sw)
