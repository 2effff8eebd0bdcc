"""Autoencoders as scikit-learn transformers: a learned, non-linear PCA."""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
from sklearn.base import ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from ._docstrings import ATTRIBUTES, PARAMS
from ._mlp_base import _BaseMLP
from ._training.predict import predict_raw
from ._weights import check_sample_weight
from .backend import compile_jit
from .base import BaseKerasEstimator, _numeric_input, as_float32

__all__ = ["AutoencoderTransformer"]

_AE_PARAMS = {
    "n_components": """\
n_components : int, default=2
        Width of the code: the number of features ``transform`` returns.""",
    "hidden_layer_sizes": """\
hidden_layer_sizes : array-like of shape (n_layers,), default=(128,)
        Units of the encoder's hidden layers, input side first; the decoder
        mirrors them. An empty tuple gives a linear autoencoder (the
        subspace PCA finds).""",
    "denoising": """\
denoising : float, default=0.0
        Standard deviation of the Gaussian noise added to the input while
        training (a denoising autoencoder, which learns codes that ignore
        small perturbations); 0 adds none. In the units of ``X``.""",
    "out_activation": """\
out_activation : {'identity', 'logistic'}, default='identity'
        Activation of the reconstruction layer: ``'identity'`` for any
        real-valued data, ``'logistic'`` for data scaled to [0, 1].""",
    "dropout": """\
dropout : float or array-like of float, default=0.0
        Dropout rate after each hidden layer of the encoder (and, mirrored,
        of the decoder): one rate for all, or one per layer. Active only
        while training.""",
}

_ATTRIBUTES = ATTRIBUTES.replace(
    "    n_outputs_ : int\n        Units of the output layer.\n",
    "",
).replace(
    "Per-epoch metrics (``loss``, ``accuracy``, ``val_loss``...).",
    "Per-epoch metrics (``loss``, ``val_loss``, ``val_score``...).",
)


class AutoencoderTransformer(
    ClassNamePrefixFeaturesOutMixin, TransformerMixin, _BaseMLP, BaseKerasEstimator
):
    __doc__ = """Autoencoder for dimensionality reduction, as a transformer.

    A fully connected network learns to reconstruct ``X`` through a narrow
    linear *code* of ``n_components`` units: ``transform`` returns the code
    (the encoder's output), ``inverse_transform`` the reconstruction of a
    code (the decoder's output), and ``score`` the negative mean squared
    reconstruction error, so that the transformer drops into a
    ``Pipeline`` and a ``GridSearchCV`` where ``PCA`` would. The code's
    columns are named ``autoencodertransformer0``,
    ``autoencodertransformer1``..., so ``set_output(transform='pandas')``
    works.

    Training uses the controls of :class:`MLPRegressor` (``solver``,
    ``max_iter``, ``tol``, ``early_stopping``, ``callbacks``...), with the
    input as its own target. Scale the features first (``MinMaxScaler`` or
    ``StandardScaler``): the reconstruction error is measured in the units
    of ``X``.

    Parameters
    ----------
    {n_components}
    {hidden_layer_sizes}
    {activation}
    {denoising}
    {out_activation}
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
    {dropout}
    {callbacks}
    {device}
    {precision}

    Attributes
    ----------
    {attributes}

    See Also
    --------
    sklearn.decomposition.PCA : The linear counterpart.
    MLPRegressor : The training controls this transformer shares.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skdl import AutoencoderTransformer
    >>> X = load_digits().data / 16.0
    >>> ae = AutoencoderTransformer(2, hidden_layer_sizes=(32,), max_iter=5,
    ...                             random_state=0)
    >>> ae.fit_transform(X).shape
    (1797, 2)
    >>> ae.inverse_transform(ae.transform(X[:3])).shape
    (3, 64)
    >>> ae.get_feature_names_out().tolist()
    ['autoencodertransformer0', 'autoencodertransformer1']
    """.format(**{**PARAMS, **_AE_PARAMS}, attributes=_ATTRIBUTES)

    _parameter_constraints: dict = {
        **{k: v for k, v in _BaseMLP._parameter_constraints.items() if k != "max_fun"},
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "denoising": [Interval(Real, 0, None, closed="left")],
        "out_activation": [StrOptions({"identity", "logistic"})],
    }

    def __init__(
        self,
        n_components=2,
        *,
        hidden_layer_sizes=(128,),
        activation="relu",
        denoising=0.0,
        out_activation="identity",
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
        dropout=0.0,
        callbacks=None,
        device="auto",
        precision=None,
    ):
        self.n_components = n_components
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.denoising = denoising
        self.out_activation = out_activation
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
        self.dropout = dropout
        self.callbacks = callbacks
        self.device = device
        self.precision = precision

    # -- fit -------------------------------------------------------------------
    def fit(self, X, y=None, sample_weight=None):
        """Train the autoencoder to reconstruct ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : None
            Ignored; present for ``Pipeline`` compatibility.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-row weights of the reconstruction error.

        Returns
        -------
        self : object
            The fitted transformer.
        """
        return self._fit(X, X, sample_weight, partial=False)

    def partial_fit(self, X, y=None, sample_weight=None):
        """Train for one epoch, continuing from the current weights.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : None
            Ignored.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-row weights of the reconstruction error.

        Returns
        -------
        self : object
            The transformer, trained one epoch further.
        """
        return self._fit(X, X, sample_weight, partial=True)

    def _new_target_encoder(self):
        from .preprocessing.targets import RegressorTargetEncoder

        # The target is the input itself, reconstructed in its own units.
        return RegressorTargetEncoder(standardize=False)

    def _build_model(self, meta, context):
        from .networks.autoencoder import build_autoencoder

        model = build_autoencoder(
            meta["n_features_in_"],
            self._hidden_sizes(),
            self.n_components,
            activation=self.activation,
            output_activation=self.out_activation,
            l2=0.5 * self.alpha / meta["batch_size_"],
            dropout=self._dropout_rates(),
            noise=float(self.denoising),
            seed=context.seed,
        )
        model.compile(
            optimizer=self._make_optimizer(),
            loss=meta["loss_"],
            jit_compile=compile_jit(),
        )
        return model

    def _score_raw(self, raw, encoder, y, sw) -> float:
        """Negative mean squared reconstruction error (validation score)."""
        return _neg_mse(np.asarray(y, dtype=np.float64), raw, sw)

    def _after_fit(self, history, callbacks, context) -> None:
        super()._after_fit(history, callbacks, context)
        self._n_features_out = int(self.n_components)

    # -- transform -----------------------------------------------------------
    def _validate_data_kwargs(self) -> dict:
        # ``X`` is also the target: sparse input is refused with sklearn's
        # message rather than densified (the MLPs densify their features only).
        kwargs = super()._validate_data_kwargs()
        kwargs.pop("accept_sparse", None)
        return kwargs

    def _validated(self, X) -> np.ndarray:
        check_is_fitted(self, "model_")
        with _numeric_input():
            return validate_data(self, X, reset=False, **self._validate_data_kwargs())

    def transform(self, X):
        """Encode ``X``: the code of each row.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data to encode.

        Returns
        -------
        code : ndarray of shape (n_samples, n_components)
            The encoder's output, in the dtype of ``X`` (float32 or float64).
        """
        X = self._validated(X)
        code = predict_raw(
            self.model_.get_layer("encoder"), as_float32(X), self._predict_chunk()
        )
        return code.astype(X.dtype, copy=False)

    def inverse_transform(self, X):
        """Decode codes back to the space of the training data.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_components)
            Codes, as returned by :meth:`transform`.

        Returns
        -------
        X_original : ndarray of shape (n_samples, n_features)
            The reconstruction.
        """
        check_is_fitted(self, "model_")
        from sklearn.utils import check_array

        with _numeric_input():
            codes = check_array(X, dtype=[np.float64, np.float32])
        if codes.shape[1] != self.n_components:
            raise ValueError(
                f"inverse_transform expects codes of {self.n_components} "
                f"columns (n_components), got {codes.shape[1]}."
            )
        decoder = self.model_.get_layer("decoder")
        out = predict_raw(decoder, as_float32(codes), self._predict_chunk())
        return out.astype(codes.dtype, copy=False)

    def score(self, X, y=None, sample_weight=None) -> float:
        """Negative mean squared reconstruction error (higher is better).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data to reconstruct.
        y : None
            Ignored.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-row weights: finite, non-negative, not all zero.

        Returns
        -------
        score : float
            ``-mean((X - reconstruction) ** 2)`` over rows and features.
        """
        X = self._validated(X)
        raw = predict_raw(self.model_, as_float32(X), self._predict_chunk())
        sw = None
        if sample_weight is not None:
            sw = check_sample_weight(sample_weight, X)
        return _neg_mse(np.asarray(X, dtype=np.float64), raw, sw)

    # -- views of the network ------------------------------------------------------
    def _dense_layers(self):
        layers = []
        for part in ("encoder", "decoder"):
            sub = self.model_.get_layer(part)
            layers += [la for la in sub.layers if hasattr(la, "kernel")]
        return layers

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        tags.target_tags.required = False
        return tags


def _neg_mse(X: np.ndarray, raw: np.ndarray, sw) -> float:
    errors = ((X - np.asarray(raw, dtype=np.float64)) ** 2).mean(axis=1)
    return -float(np.average(errors, weights=sw))
