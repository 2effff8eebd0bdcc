"""Ready-made pipelines for whole jobs: the bank-churn classifier."""

from __future__ import annotations

from collections.abc import Mapping
from numbers import Integral, Real
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_consistent_length, check_is_fitted

from ._caller import warn_user
from ._docstrings import PARAMS
from ._labels import check_known_labels
from ._sklearn_callbacks import CallbackSupportMixin, inner_fit, with_callbacks
from ._weights import check_sample_weight
from .backend import resolve_device
from .base import fill_missing_params
from .datasets.churn import (
    CATEGORICAL_COLUMNS,
    FEATURE_COLUMNS,
    NUMERIC_COLUMNS,
    TARGET_COLUMN,
    as_numbers,
    check_churn_frame,
)

__all__ = ["ChurnPipeline", "make_churn_pipeline"]

# The network settings of the churn job, chosen on the real churn table
# (see docs/churn.md): a small two-layer net with a strong L2 penalty ranks
# customers as well as gradient boosting does there.
NETWORK_DEFAULTS: dict[str, Any] = {
    "hidden_layer_sizes": (16, 8),
    "activation": "relu",
    "solver": "adam",
    "alpha": 1.0,
    "batch_size": "auto",
    "learning_rate_init": 0.001,
    "max_iter": 200,
    "tol": 1e-4,
    "n_iter_no_change": 10,
    "early_stopping": False,
    "validation_fraction": 0.1,
    "dropout": 0.0,
    "verbose": False,
    "callbacks": None,
    "device": "auto",
    "precision": None,
}


def make_churn_pipeline(
    *, class_weight=None, random_state=None, **network_params
) -> Any:
    """The churn job as a plain scikit-learn ``Pipeline``.

    The same steps as :class:`ChurnPipeline`, open to view and change:
    ``'prepare'``, a ``ColumnTransformer`` that one-hot encodes
    ``Geography`` and ``Gender`` (unknown categories become all zeros),
    standardizes the numeric columns and drops every other column
    (identifiers, the target); then ``'mlp'``, an :class:`~skdl.MLPClassifier`.
    Columns are picked by name, so their order does not matter. It predicts
    at the usual 0.5 threshold; wrap it in
    ``sklearn.model_selection.FixedThresholdClassifier`` for another.

    Parameters
    ----------
    class_weight : dict, 'balanced' or None, default=None
        Passed to the network: weights per class for the imbalance
        (about one customer in five leaves).
    random_state : int, RandomState instance or None, default=None
        Seed of the network.
    **network_params
        Any other :class:`~skdl.MLPClassifier` parameter (``device='cpu'``,
        ``precision='mixed_float16'``, ``solver='sgd'``...); the ones not
        given take the churn defaults of :class:`ChurnPipeline`.

    Returns
    -------
    pipeline : sklearn.pipeline.Pipeline
        Unfitted; fit it on the raw customer table and ``Exited``.

    Examples
    --------
    >>> from skdl.datasets import make_churn
    >>> from skdl.pipelines import make_churn_pipeline
    >>> df = make_churn(400, random_state=0)
    >>> pipe = make_churn_pipeline(max_iter=5, random_state=0)
    >>> [name for name, _ in pipe.steps]
    ['prepare', 'mlp']
    >>> pipe.fit(df, df["Exited"]).predict_proba(df.head(2)).shape
    (2, 2)
    """
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    from .mlp import MLPClassifier

    prepare = ColumnTransformer(
        [
            (
                "categorical",
                OneHotEncoder(handle_unknown="ignore", sparse_output=False),
                list(CATEGORICAL_COLUMNS),
            ),
            ("numeric", StandardScaler(), list(NUMERIC_COLUMNS)),
        ],
        remainder="drop",
    )
    params = {**NETWORK_DEFAULTS, **network_params}
    network = MLPClassifier(
        class_weight=class_weight, random_state=random_state, **params
    )
    return Pipeline([("prepare", prepare), ("mlp", network)])


_DOC = """Bank-churn classifier on the raw customer table.

    One estimator for the whole churn job: give it the customer table as a
    pandas DataFrame (the columns of :data:`skdl.datasets.CHURN_COLUMNS`),
    and it drops the identifier columns, one-hot encodes ``Geography`` and
    ``Gender``, standardizes the numeric columns and trains an
    :class:`~skdl.MLPClassifier` to predict ``Exited``. Columns are read by
    name: their order does not matter, extra columns are ignored, and a
    missing one is an error that names it. A category not seen in ``fit``
    (a new country) is encoded as all zeros, not an error. One new customer
    can be predicted from a one-row DataFrame, a dict or a pandas Series.

    The network's settings are plain parameters of this estimator
    (``hidden_layer_sizes``, ``max_iter``...), so ``GridSearchCV`` tunes them
    directly: ``param_grid={{"hidden_layer_sizes": [(8,), (16, 8)]}}``. For
    any other :class:`~skdl.MLPClassifier` parameter, build the equivalent
    plain pipeline with :func:`make_churn_pipeline`.

    Parameters
    ----------
    hidden_layer_sizes : array-like of shape (n_layers,), default=(16, 8)
        Units of each hidden layer of the network.
    {activation}
    solver : str, default='adam'
        Optimizer: ``'adam'``, ``'sgd'`` or any Keras optimizer name such
        as ``'rmsprop'``, with its default settings; set those (``beta_1``,
        ``momentum``...) through :func:`make_churn_pipeline`.
    alpha : float, default=1.0
        Strength of the L2 penalty on the kernels, scaled as in sklearn
        (``0.5 * alpha * ||W||^2 / batch_size`` per batch). The churn
        default is strong: it keeps the small network from overfitting.
    {batch_size}
    {learning_rate_init}
    {max_iter}
    {tol}
    {n_iter_no_change}
    {early_stopping}
    {validation_fraction}
    {dropout}
    {class_weight}
        ``'balanced'`` trades accuracy for catching more of the customers
        who leave (higher recall of ``Exited=1``).
    threshold : float, default=0.5
        ``predict`` says a customer leaves when the predicted churn
        probability is at least ``threshold``. Lower it to catch more
        leavers at the cost of more false alarms. It only acts at predict
        time: change it with ``set_params`` without refitting.
    {random_state}
    {verbose}
    {callbacks}
    {device}
    {precision}

    Attributes
    ----------
    pipeline_ : sklearn.pipeline.Pipeline
        The fitted steps (``'prepare'``, ``'mlp'``), as
        :func:`make_churn_pipeline` builds them.
    classes_ : ndarray of shape (2,)
        The two labels of the target (``[0, 1]`` for ``Exited``).

    See Also
    --------
    make_churn_pipeline : The same steps as a plain sklearn Pipeline.
    skdl.datasets.make_churn : Synthetic customers with the same columns.
    skdl.datasets.load_churn : Read and check a churn CSV file.

    Examples
    --------
    >>> from skdl.datasets import make_churn
    >>> from skdl.pipelines import ChurnPipeline
    >>> df = make_churn(500, random_state=0)
    >>> clf = ChurnPipeline(max_iter=20, random_state=0).fit(df, df["Exited"])
    >>> customer = {{"CreditScore": 500, "Geography": "Spain", "Gender": "Female",
    ...             "Age": 40, "Tenure": 3, "Balance": 50000.0,
    ...             "NumOfProducts": 2, "HasCrCard": 1, "IsActiveMember": 1,
    ...             "EstimatedSalary": 40000.0}}
    >>> clf.predict_proba(customer).shape
    (1, 2)
    >>> clf.predict(customer).tolist() in ([0], [1])
    True
    """


class ChurnPipeline(ClassifierMixin, CallbackSupportMixin, BaseEstimator):
    __doc__ = _DOC.format(**PARAMS)

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
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "dropout": [Interval(Real, 0, 1, closed="left"), "array-like"],
        "class_weight": [dict, StrOptions({"balanced"}), None],
        "threshold": [Interval(Real, 0, 1, closed="both")],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "callbacks": [list, None],
        "device": [str],
        "precision": [
            StrOptions({"float32", "mixed_float16", "mixed_bfloat16"}),
            None,
        ],
    }

    def __init__(
        self,
        hidden_layer_sizes=(16, 8),
        activation="relu",
        *,
        solver="adam",
        alpha=1.0,
        batch_size="auto",
        learning_rate_init=0.001,
        max_iter=200,
        tol=1e-4,
        n_iter_no_change=10,
        early_stopping=False,
        validation_fraction=0.1,
        dropout=0.0,
        class_weight=None,
        threshold=0.5,
        random_state=None,
        verbose=False,
        callbacks=None,
        device="auto",
        precision=None,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate_init = learning_rate_init
        self.max_iter = max_iter
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.dropout = dropout
        self.class_weight = class_weight
        self.threshold = threshold
        self.random_state = random_state
        self.verbose = verbose
        self.callbacks = callbacks
        self.device = device
        self.precision = precision

    @with_callbacks
    def fit(self, X, y=None, sample_weight=None):
        """Train on the raw customer table.

        Parameters
        ----------
        X : pandas.DataFrame, dict or list of dicts
            Customers, with at least the columns of
            :data:`skdl.datasets.FEATURE_COLUMNS`; other columns are ignored.
        y : array-like of shape (n_samples,), default=None
            Whether each customer left (two classes, such as 0 and 1). When
            None, the ``Exited`` column of ``X`` is used.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-customer weights, multiplied with ``class_weight``.

        Returns
        -------
        self : ChurnPipeline
            The fitted estimator.
        """
        self._validate_params()
        resolve_device(self.device)
        frame = _as_frame(X)
        y = self._target(frame, y)
        features = _features(frame)
        check_consistent_length(features, y)
        classes = _classes(y)
        if len(classes) != 2:
            raise ValueError(
                "ChurnPipeline predicts whether a customer leaves: y must "
                f"have exactly two classes; got {classes.tolist()}."
            )
        if sample_weight is not None:
            sample_weight = check_sample_weight(sample_weight, features)
        pipeline = make_churn_pipeline(**self._pipeline_params())
        network = pipeline[-1]
        # What pipeline.fit does, with the network's fit a task of this one
        # (scikit-learn's callbacks reach the network, not the encoders).
        with inner_fit(self, network, X, y, sample_weight):
            encoded = pipeline[:-1].fit_transform(features, y)
            network.fit(encoded, y, sample_weight=sample_weight)
        self.pipeline_ = pipeline
        self.classes_ = pipeline.classes_
        return self

    def _pipeline_params(self) -> dict[str, Any]:
        params = self.get_params(deep=False)
        params.pop("threshold")
        return params

    @staticmethod
    def _target(frame: pd.DataFrame, y) -> np.ndarray:
        if y is None:
            if TARGET_COLUMN not in frame.columns:
                raise ValueError(
                    f"No target: pass y, or give X an {TARGET_COLUMN!r} column."
                )
            y = frame[TARGET_COLUMN]
        y = np.asarray(y)
        if y.ndim != 1:
            raise ValueError(f"y must be one-dimensional; got shape {y.shape}.")
        if pd.isna(y).any():
            raise ValueError("y has missing values; drop those customers first.")
        return y

    def predict_proba(self, X) -> np.ndarray:
        """Probabilities of staying and of leaving.

        Parameters
        ----------
        X : pandas.DataFrame, pandas.Series, dict or list of dicts
            Customers, or one customer as a dict or Series of column values.

        Returns
        -------
        proba : ndarray of shape (n_customers, 2)
            Columns in the order of ``classes_``: the second is the churn
            probability.
        """
        check_is_fitted(self, "pipeline_")
        features = _features(_as_frame(X))
        self._warn_unseen_categories(features)
        return self.pipeline_.predict_proba(features)

    def _warn_unseen_categories(self, features: pd.DataFrame) -> None:
        """Warn, per column, of categories that were not in the training table.

        Such customers are still predicted: the one-hot encoder gives an
        unseen category all zeros, as if the column were unknown.
        """
        encoder = self.pipeline_["prepare"].named_transformers_["categorical"]
        for name, known in zip(CATEGORICAL_COLUMNS, encoder.categories_, strict=True):
            unseen = np.setdiff1d(features[name].unique(), known)
            if unseen.size:
                n_rows = int(features[name].isin(unseen).sum())
                warn_user(
                    f"Column {name!r} has {unseen.size} value(s) not seen in "
                    f"training: {unseen.tolist()} ({n_rows} row(s)). Those "
                    f"customers are still predicted, as if {name!r} were "
                    f"unknown; the values seen were {known.tolist()}.",
                    UserWarning,
                )

    def score(self, X, y, sample_weight=None) -> float:
        """Mean accuracy at ``threshold``.

        Parameters
        ----------
        X : pandas.DataFrame, dict or list of dicts
            Customers.
        y : array-like of shape (n_customers,)
            Whether each customer left.
        sample_weight : array-like of shape (n_customers,), default=None
            Per-customer weights: finite, non-negative, not all zero.

        Returns
        -------
        score : float
            Weighted fraction of customers predicted right.

        Raises
        ------
        ValueError
            When ``y`` holds a label that is not in ``classes_``.
        """
        if sample_weight is not None:
            sample_weight = check_sample_weight(sample_weight, _as_frame(X))
        check_known_labels(self, y)
        return super().score(X, y, sample_weight=sample_weight)

    def predict(self, X) -> np.ndarray:
        """Predict whether each customer leaves, at ``threshold``.

        Parameters
        ----------
        X : pandas.DataFrame, pandas.Series, dict or list of dicts
            Customers, or one customer as a dict or Series of column values.

        Returns
        -------
        y : ndarray of shape (n_customers,)
            The second class of ``classes_`` (``1``, leaves) where the churn
            probability is at least ``threshold``, else the first.
        """
        if not (isinstance(self.threshold, Real) and 0 <= self.threshold <= 1):
            raise ValueError(
                f"The 'threshold' parameter must be a float in [0, 1]; got "
                f"{self.threshold!r}."
            )
        churn = self.predict_proba(X)[:, 1]
        return self.classes_[(churn >= self.threshold).astype(int)]

    @property
    def network_(self):
        """The fitted :class:`~skdl.MLPClassifier` (``pipeline_['mlp']``)."""
        check_is_fitted(self, "pipeline_")
        return self.pipeline_[-1]

    def __setstate__(self, state):
        super().__setstate__(state)
        fill_missing_params(self)

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "pipeline_")

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.categorical = True
        tags.input_tags.string = True
        tags.input_tags.dict = True
        tags.classifier_tags.multi_class = False
        tags.non_deterministic = False
        return tags


def _classes(y: np.ndarray) -> np.ndarray:
    """The sorted labels of ``y``; an error when they cannot be ordered."""
    try:
        return np.unique(y)
    except TypeError:  # e.g. 0 and "yes": numbers and text do not compare
        kinds = sorted({type(v).__name__ for v in y.tolist()})
        raise ValueError(
            f"y mixes label types {kinds}; give every customer the same kind "
            "of label, such as 0 and 1."
        ) from None


def _as_frame(X) -> pd.DataFrame:
    """Customers as a DataFrame, from a DataFrame, Series, dict or dicts."""
    if isinstance(X, pd.DataFrame):
        return X
    if isinstance(X, pd.Series):
        return X.to_frame().T.infer_objects().reset_index(drop=True)
    if isinstance(X, Mapping):
        if all(np.ndim(v) == 0 for v in X.values()):
            return pd.DataFrame([dict(X)])
        return pd.DataFrame(dict(X))
    if isinstance(X, list | tuple) and X and all(isinstance(r, Mapping) for r in X):
        return pd.DataFrame(list(X))
    raise TypeError(
        "ChurnPipeline reads columns by name: pass a pandas DataFrame of "
        "customers (or one customer as a dict or pandas Series) with the "
        f"columns {list(FEATURE_COLUMNS)}; got {type(X).__name__}."
    )


def _features(frame: pd.DataFrame) -> pd.DataFrame:
    """The feature columns, checked, in a fixed order."""
    if frame.shape[0] == 0:
        raise ValueError("No customers: X has 0 rows.")
    check_churn_frame(frame, FEATURE_COLUMNS)
    features = frame.loc[:, list(FEATURE_COLUMNS)].copy()
    for name in NUMERIC_COLUMNS:
        features[name] = as_numbers(features[name])
    for name in CATEGORICAL_COLUMNS:
        features[name] = features[name].astype(str)
    return features
