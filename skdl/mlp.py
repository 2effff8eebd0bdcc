"""Multilayer perceptrons: drop-in for ``sklearn.neural_network``'s."""

from __future__ import annotations

from sklearn.utils._param_validation import StrOptions

from ._docstrings import fill
from ._mlp_base import _BaseMLP, _ClassifierSteps
from ._transfer import BACKBONE_CONSTRAINTS, _BackboneSteps
from .base import KerasClassifierBase, KerasRegressorBase

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
    ...     StandardScaler(), MLPClassifier((16,), max_iter=20, random_state=0)
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
    >>> reg = MLPRegressor((32,), learning_rate_init=0.01, max_iter=100, random_state=0)
    >>> reg = reg.fit(X, y)
    >>> reg.predict(X[:3]).shape
    (3,)
    >>> bool(reg.score(X, y) > 0.95)
    True
    """
    )

    _parameter_constraints: dict = {
        **_BaseMLP._parameter_constraints,
        **BACKBONE_CONSTRAINTS,
    }
