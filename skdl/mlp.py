"""Multilayer perceptrons: drop-in for ``sklearn.neural_network``'s."""

from __future__ import annotations

import numpy as np
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.metaestimators import available_if

from ._docstrings import fill
from ._mlp_base import (
    _BaseMLP,
    _ClassifierSteps,
    _minibatch_solver,
    _refuse_early_stopping,
)
from ._task_bases import KerasClassifierBase, KerasRegressorBase
from ._transfer import BACKBONE_CONSTRAINTS, _BackboneSteps

__all__ = ["MLPClassifier", "MLPRegressor"]


class MLPClassifier(_BackboneSteps, _ClassifierSteps, _BaseMLP, KerasClassifierBase):
    __doc__ = fill(
        """Multilayer perceptron classifier on Keras.

    Same parameters, meanings and fitted attributes as
    ``sklearn.neural_network.MLPClassifier`` where the concepts are shared,
    so code written for it runs after swapping the import; plus Keras'
    strengths: dropout, callbacks, any Keras optimizer, a GPU when there is
    one. Binary, multiclass and multilabel targets; string labels.

    Parameters
    ----------
    {hidden_layer_sizes}
    {activation}
    {solver}
    {alpha}
    {batch_size}
    {learning_rate}
    {learning_rate_init}
    {power_t}
    {max_iter}
    {shuffle}
    {random_state}
    {tol}
    {verbose}
    {warm_start}
    {momentum}
    {nesterovs_momentum}
    {early_stopping}
    {validation_fraction}
    {beta_1}
    {beta_2}
    {epsilon}
    {n_iter_no_change}
    {max_fun}
    {dropout}
    {callbacks}
    {device}
    {precision}
    {class_weight}
    {backbone}
    {backbone_weights}
    {freeze}
    {fine_tune_epochs}
    {fine_tune_learning_rate}
    {fine_tune_layers}

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    backbone_ : keras.Model or None
        The backbone inside ``model_`` (``None`` without ``backbone``).
    {attributes}

    See Also
    --------
    MLPRegressor : The same network for regression.
    sklearn.neural_network.MLPClassifier : The NumPy original.

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skdl import MLPClassifier
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> clf = make_pipeline(
    ...     StandardScaler(), MLPClassifier((16,), max_iter=50, random_state=0)
    ... ).fit(X, y)
    >>> clf.predict_proba(X[:2]).shape
    (2, 2)
    >>> bool(clf.score(X, y) > 0.9)
    True
    """
    )

    _parameter_constraints: dict = {
        **_BaseMLP._parameter_constraints,
        "class_weight": [dict, StrOptions({"balanced"}), None],
        **BACKBONE_CONSTRAINTS,
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
        class_weight=None,
        backbone=None,
        backbone_weights="imagenet",
        freeze=True,
        fine_tune_epochs=0,
        fine_tune_learning_rate=1e-5,
        fine_tune_layers=None,
    ):
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes,
            activation=activation,
            solver=solver,
            alpha=alpha,
            batch_size=batch_size,
            learning_rate=learning_rate,
            learning_rate_init=learning_rate_init,
            power_t=power_t,
            max_iter=max_iter,
            shuffle=shuffle,
            random_state=random_state,
            tol=tol,
            verbose=verbose,
            warm_start=warm_start,
            momentum=momentum,
            nesterovs_momentum=nesterovs_momentum,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            n_iter_no_change=n_iter_no_change,
            max_fun=max_fun,
            dropout=dropout,
            callbacks=callbacks,
            device=device,
            precision=precision,
            backbone=backbone,
            backbone_weights=backbone_weights,
            freeze=freeze,
            fine_tune_epochs=fine_tune_epochs,
            fine_tune_learning_rate=fine_tune_learning_rate,
            fine_tune_layers=fine_tune_layers,
        )
        self.class_weight = class_weight

    _sklearn_dropin = True

    def _new_target_encoder(self):
        from .preprocessing.targets import ClassifierTargetEncoder

        # As sklearn's MLPClassifier: a y of one class fits and predicts it.
        return ClassifierTargetEncoder(allow_single_class=True)

    @available_if(_minibatch_solver)
    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Train for one epoch, continuing from the current weights.

        Available for the minibatch solvers (not ``'lbfgs'``), as in sklearn.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Target labels.
        classes : array-like of shape (n_classes,), default=None
            All classes that ``y`` can take across calls. Required on the
            first call when a batch may not show every class.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights.

        Returns
        -------
        self : object
            The estimator, trained one epoch further.
        """
        _refuse_early_stopping(self)
        return super().partial_fit(X, y, classes=classes, sample_weight=sample_weight)


class MLPRegressor(_BackboneSteps, _BaseMLP, KerasRegressorBase):
    __doc__ = fill(
        """Multilayer perceptron regressor on Keras.

    Same parameters, meanings and fitted attributes as
    ``sklearn.neural_network.MLPRegressor`` where the concepts are shared.
    Targets are standardized internally (and predictions mapped back), so
    the defaults work on targets of any scale. Several targets at once are
    supported.

    Parameters
    ----------
    loss : {{'squared_error', 'poisson'}}, default='squared_error'
        Loss to minimize. ``'squared_error'`` trains on standardized
        targets; ``'poisson'`` (counts, rates: ``y >= 0``) uses an
        exponential output (log link) on the raw targets.
    {hidden_layer_sizes}
    {activation}
    {solver}
    {alpha}
    {batch_size}
    {learning_rate}
    {learning_rate_init}
    {power_t}
    {max_iter}
    {shuffle}
    {random_state}
    {tol}
    {verbose}
    {warm_start}
    {momentum}
    {nesterovs_momentum}
    {early_stopping}
    {validation_fraction}
    {beta_1}
    {beta_2}
    {epsilon}
    {n_iter_no_change}
    {max_fun}
    {dropout}
    {callbacks}
    {device}
    {precision}
    {backbone}
    {backbone_weights}
    {freeze}
    {fine_tune_epochs}
    {fine_tune_learning_rate}
    {fine_tune_layers}

    Attributes
    ----------
    backbone_ : keras.Model or None
        The backbone inside ``model_`` (``None`` without ``backbone``).
    {attributes}

    See Also
    --------
    MLPClassifier : The same network for classification.
    sklearn.neural_network.MLPRegressor : The NumPy original.

    Examples
    --------
    >>> import numpy as np
    >>> from skdl import MLPRegressor
    >>> rng = np.random.RandomState(0)
    >>> X = rng.uniform(-1, 1, size=(200, 3))
    >>> y = 100 * X[:, 0] + 50 * X[:, 1] ** 2
    >>> reg = MLPRegressor(
    ...     hidden_layer_sizes=(32,), learning_rate_init=0.01, max_iter=100,
    ...     random_state=0,
    ... ).fit(X, y)
    >>> reg.predict(X[:3]).shape
    (3,)
    >>> bool(reg.score(X, y) > 0.95)
    True
    """
    )

    _parameter_constraints: dict = {
        **_BaseMLP._parameter_constraints,
        **BACKBONE_CONSTRAINTS,
        "loss": [StrOptions({"squared_error", "poisson"})],
    }
    _sklearn_dropin = True

    def __init__(
        self,
        loss="squared_error",
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
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes,
            activation=activation,
            solver=solver,
            alpha=alpha,
            batch_size=batch_size,
            learning_rate=learning_rate,
            learning_rate_init=learning_rate_init,
            power_t=power_t,
            max_iter=max_iter,
            shuffle=shuffle,
            random_state=random_state,
            tol=tol,
            verbose=verbose,
            warm_start=warm_start,
            momentum=momentum,
            nesterovs_momentum=nesterovs_momentum,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            n_iter_no_change=n_iter_no_change,
            max_fun=max_fun,
            dropout=dropout,
            callbacks=callbacks,
            device=device,
            precision=precision,
            backbone=backbone,
            backbone_weights=backbone_weights,
            freeze=freeze,
            fine_tune_epochs=fine_tune_epochs,
            fine_tune_learning_rate=fine_tune_learning_rate,
            fine_tune_layers=fine_tune_layers,
        )
        self.loss = loss

    def _new_target_encoder(self):
        from .preprocessing.targets import RegressorTargetEncoder

        return RegressorTargetEncoder(loss=self.loss)

    def predict(self, X) -> np.ndarray:
        """Predict targets for ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Predictions, in the units of the ``y`` seen in ``fit`` and the
            dtype of the ``X`` seen there (float32 or float64).
        """
        pred = super().predict(X)
        dtype = self._output_dtype()
        return pred if dtype is None else pred.astype(dtype, copy=False)

    @available_if(_minibatch_solver)
    def partial_fit(self, X, y, sample_weight=None):
        """Train for one epoch, continuing from the current weights.

        Available for the minibatch solvers (not ``'lbfgs'``), as in sklearn.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights.

        Returns
        -------
        self : object
            The estimator, trained one epoch further.
        """
        _refuse_early_stopping(self)
        return super().partial_fit(X, y, sample_weight=sample_weight)
