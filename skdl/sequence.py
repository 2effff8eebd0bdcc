"""Recurrent networks for texts and time series behind the sklearn API."""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from . import _sequences as seq
from ._docstrings import ATTRIBUTES, PARAMS
from ._mlp_base import _BaseMLP, _ClassifierSteps
from ._task_bases import KerasClassifierBase, KerasRegressorBase
from ._training.predict import predict_raw
from .backend import compile_jit, import_keras
from .base import as_float32
from .networks.sequence import CELLS

__all__ = ["SequenceClassifier", "SequenceRegressor"]

_SEQ_PARAMS = {
    "cell": """\
cell : {'lstm', 'gru', 'rnn'}, default='lstm'
        Recurrent cell: long short-term memory, gated recurrent unit, or a
        plain (Elman) recurrent layer.""",
    "hidden_units": """\
hidden_units : int, default=32
        Units of the recurrent layer (per direction).""",
    "bidirectional": """\
bidirectional : bool, default=False
        Read each sequence in both directions and join the two final
        states (twice the units, about twice the training time).""",
    "embedding_dim": """\
embedding_dim : int, default=64
        Width of the learned token vectors (texts only).""",
    "max_tokens": """\
max_tokens : int, default=20000
        Size of the vocabulary, the padding and unknown-token ids included:
        the ``max_tokens - 2`` most frequent tokens of the training texts
        get their own vector, rarer ones share the unknown token's
        (texts only).""",
    "max_length": """\
max_length : int or None, default=100
        Steps read per sample: tokens of a text or steps of a sequence
        beyond the first ``max_length`` are not read (``None``: none are
        cut). The network reads ``max_length_`` steps: the longest sample
        seen in ``fit``, at most ``max_length``. Shorter samples are padded,
        and the network masks the padding, so it never changes a
        prediction. Training time grows with ``max_length_``.""",
    "conv_filters": """\
conv_filters : int or None, default=None
        Filters of a 1-D convolution front-end (ReLU, ``'same'`` padding,
        max pooling by 2) between the input and the recurrent layer; it
        halves the steps the recurrent layer reads, which speeds up long
        texts. ``None``: no front-end.""",
    "conv_kernel_size": """\
conv_kernel_size : int, default=5
        Length of the front-end's convolution window.""",
    "dropout": """\
dropout : float, default=0.0
        Dropout rate on the recurrent layer's output; active only while
        training.""",
    "activation": """\
activation : str, default='tanh'
        Activation of the recurrent cell's output (sklearn's or Keras'
        names).""",
    "batch_size": """\
batch_size : int or 'auto', default=32
        Samples per gradient step (``'auto'``: 32), at most ``n_samples``.""",
    "max_iter": """\
max_iter : int, default=10
        Maximum number of epochs (passes over the training data).""",
}

_INPUT = """\
``X`` may be:

    * texts: a 1-D array, list or pandas Series of strings. They are
      lower-cased and split into words and punctuation marks; the
      vocabulary (``vocabulary_``) is fitted in ``fit`` and kept, pickled
      and saved with the model. Empty texts are refused.
    * numeric sequences of varying length: a list of 1-D arrays (one value
      per step) or 2-D arrays ``(n_steps, n_features)``.
    * a 3-D array ``(n_samples, n_steps, n_features)``, or a 2-D array
      ``(n_samples, n_steps)`` of univariate sequences (as sklearn's
      transformers and checks produce; its width is then fixed, as for any
      sklearn estimator).

    Samples are padded to a common length inside and the padding is masked,
    so a sample's prediction never depends on the padding or on the other
    samples predicted with it. ``X`` stays as given, so
    ``cross_val_score``, ``GridSearchCV`` and ``StratifiedKFold`` split raw
    texts like any other data."""


def _seq_doc(template: str) -> str:
    return template.format(
        **{**PARAMS, **_SEQ_PARAMS}, attributes=_ATTRIBUTES, input=_INPUT
    )


_ATTRIBUTES = """\
input_kind_ : {'text', 'sequences', 'table'}
        What ``X`` held in ``fit``: texts, numeric sequences (a list or a
        3-D array), or a 2-D array of univariate sequences.
    vocabulary_ : dict of str to int
        Token ids of the vocabulary (texts only; 0 is padding, 1 the
        unknown token).
    max_length_ : int
        Steps the network reads per sample.
    n_step_features_ : int
        Numbers per step (numeric input only).
    """ + ATTRIBUTES.replace(
    "n_features_in_ : int\n        Number of features seen in ``fit``.",
    "n_features_in_ : int\n        Columns of a 2-D ``X``, or numbers per "
    "step of a list or 3-D ``X``;\n        absent for texts.",
)


class _SequenceSteps:
    """Parameters, input encoding and network of the sequence estimators."""

    _parameter_constraints: dict = {
        **{
            k: v
            for k, v in _BaseMLP._parameter_constraints.items()
            if k not in ("hidden_layer_sizes", "max_fun", "dropout")
        },
        "cell": [StrOptions(set(CELLS))],
        "hidden_units": [Interval(Integral, 1, None, closed="left")],
        "bidirectional": ["boolean"],
        "embedding_dim": [Interval(Integral, 1, None, closed="left")],
        "max_tokens": [Interval(Integral, 3, None, closed="left")],
        "max_length": [Interval(Integral, 1, None, closed="left"), None],
        "conv_filters": [Interval(Integral, 1, None, closed="left"), None],
        "conv_kernel_size": [Interval(Integral, 1, None, closed="left")],
        "dropout": [Interval(Real, 0, 1, closed="left")],
    }

    # -- parameters ------------------------------------------------------------
    def _hidden_sizes(self) -> tuple[int, ...]:
        return (int(self.hidden_units),)

    def _dropout_rates(self) -> tuple[float, ...]:
        return (float(self.dropout),)

    def _fit_plan_settings(self, n_samples: int) -> tuple[int, int, bool]:
        size = 32 if self.batch_size == "auto" else int(self.batch_size)
        return self.max_iter, min(size, n_samples), self.shuffle

    # -- input -------------------------------------------------------------------
    def _prepare(self, X, y, sample_weight, reuse, classes):
        X = self._network_input(X, reset=not reuse)
        if self.input_kind_ != "table":
            # The base checks the encoded array: (n, max_length_[, channels]).
            self.n_features_in_ = self.max_length_
        return super()._prepare(X, y, sample_weight, reuse, classes)

    def _validate_data_kwargs(self) -> dict:
        if getattr(self, "input_kind_", "table") == "table":
            return {"dtype": [np.float32, np.float64], "ensure_min_samples": 1}
        # Already encoded: int32 token ids or float32 padded sequences.
        return {"dtype": None, "allow_nd": True, "ensure_min_samples": 1}

    def _network_input(self, X, *, reset: bool):
        """Encode ``X`` for the network; in ``fit``, learn how to.

        2-D numeric arrays are returned as given, for the base class to
        validate (``n_features_in_``, feature names) and :meth:`_check_X`
        to reshape.
        """
        name = type(self).__name__
        kind = seq.input_kind(X)
        fitted = None if reset else self.input_kind_
        if fitted is not None and (fitted == "text") != (kind == "text"):
            raise TypeError(
                f"{name} was fitted on {_KIND_WORDS[fitted]}, but X holds "
                f"{_KIND_WORDS[kind]}. Pass X of the kind seen in fit."
            )
        if reset:
            self.input_kind_ = kind
        if kind == "text":
            return self._encode_texts(X, name, reset)
        if kind == "table" and fitted in (None, "table"):
            return X
        return self._encode_sequences(X, name, reset)

    def _encode_texts(self, X, name: str, reset: bool) -> np.ndarray:
        tokens = seq.tokenize_texts(X, name)
        if reset:
            vocabulary = seq.fit_vocabulary(tokens, self.max_tokens)
            first = seq.UNKNOWN + 1
            self.vocabulary_ = {t: i for i, t in enumerate(vocabulary, first)}
            self.max_length_ = self._fitted_length(max(map(len, tokens)))
        return seq.index_texts(tokens, self.vocabulary_, self.max_length_)

    def _encode_sequences(self, X, name: str, reset: bool) -> np.ndarray:
        if hasattr(X, "to_numpy") and getattr(X, "ndim", 1) == 2:
            X = X.to_numpy()  # a DataFrame: one sequence per row
        sequences = seq.to_sequences(X, name)
        width = sequences[0].shape[1]
        if reset:
            self.n_step_features_ = width
            self.max_length_ = self._fitted_length(max(map(len, sequences)))
        elif width != self.n_step_features_:
            raise ValueError(
                f"X has {width} features per step, but {name} was fitted on "
                f"sequences of {self.n_step_features_} features per step."
            )
        for s in sequences:
            as_float32(s)  # refuse values float32 cannot hold
        return seq.pad_sequences(sequences, self.max_length_)

    def _fitted_length(self, longest: int) -> int:
        return longest if self.max_length is None else min(longest, self.max_length)

    def _check_X(self, X: np.ndarray, *, reset: bool = False) -> np.ndarray:
        if self.input_kind_ != "table":
            return X
        # Univariate sequences of fixed length: every step is real.
        X = as_float32(X)
        return np.stack([X, np.ones_like(X)], axis=-1)

    def _predict_network(self, X) -> np.ndarray:
        check_is_fitted(self, "model_")
        if self.input_kind_ == "table" and seq.input_kind(X) == "table":
            return super()._predict_network(X)
        # Sequences of any length (padded or cut to ``max_length_``).
        X = self._network_input(X, reset=False)
        return predict_raw(self.model_, X, self._predict_chunk())

    # -- network -------------------------------------------------------------------
    def _build_model(self, meta, context):
        from .networks.sequence import build_sequence_network

        text = self.input_kind_ == "text"
        channels = tuple(meta["X_shape_"][2:])
        model = build_sequence_network(
            (None, *channels),
            meta["n_outputs_"],
            vocabulary_size=len(self.vocabulary_) + 2 if text else None,
            embedding_dim=self.embedding_dim,
            cell=self.cell,
            hidden_units=self.hidden_units,
            bidirectional=self.bidirectional,
            activation=self.activation,
            dropout=self.dropout,
            conv_filters=self.conv_filters,
            conv_kernel_size=self.conv_kernel_size,
            output_activation=meta["output_activation_"],
            l2=0.5 * self.alpha / meta["batch_size_"],
            seed=context.seed,
        )
        model.compile(
            optimizer=self._make_optimizer(),
            loss=meta["loss_"],
            metrics=self._keras_metrics(),
            jit_compile=compile_jit(),
        )
        return model

    def _after_fit(self, history, callbacks, context) -> None:
        super()._after_fit(history, callbacks, context)
        if self.input_kind_ == "text":
            del self.n_features_in_
        elif self.input_kind_ == "sequences":
            self.n_features_in_ = self.n_step_features_
        else:
            self.max_length_ = self.n_features_in_
            self.n_step_features_ = 1

    def _dense_layers(self):
        keras = import_keras()
        return [la for la in self.model_.layers if isinstance(la, keras.layers.Dense)]

    def __setstate__(self, state):
        from .networks.sequence import register_layers

        register_layers()  # the convolution front-end's layer, for the loader
        super().__setstate__(state)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        return tags


_KIND_WORDS = {
    "text": "texts",
    "sequences": "numeric sequences",
    "table": "numeric sequences (a 2-D array)",
}

_SHARED_PARAMS = """\
    {cell}
    {hidden_units}
    {bidirectional}
    {embedding_dim}
    {max_tokens}
    {max_length}
    {conv_filters}
    {conv_kernel_size}
    {dropout}
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
    {callbacks}
    {device}
    {precision}"""


class SequenceClassifier(
    _ClassifierSteps, _SequenceSteps, _BaseMLP, KerasClassifierBase
):
    __doc__ = _seq_doc(
        """Recurrent neural network classifier for texts and sequences.

    An LSTM (or GRU, or plain recurrent layer) reads each sample step by
    step; its final state feeds the output layer. Texts get a learned
    embedding of their tokens, long texts an optional convolution
    front-end. Trained on Keras with the training controls of
    :class:`MLPClassifier` (``solver``, ``early_stopping``, ``tol``,
    ``class_weight``, callbacks...).

    {input}

    Parameters
    ----------
"""
        + _SHARED_PARAMS
        + """
    {class_weight}

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    {attributes}

    See Also
    --------
    SequenceRegressor : The same network for regression.
    ConvClassifier : Convolutional networks for images and fixed-length signals.

    Examples
    --------
    >>> from skdl import SequenceClassifier
    >>> texts = ["free prize, call now", "see you at lunch", "win cash now!",
    ...          "lunch at noon?", "call to claim your prize", "see you soon"] * 5
    >>> labels = ["spam", "ham", "spam", "ham", "spam", "ham"] * 5
    >>> clf = SequenceClassifier(hidden_units=8, max_iter=20, random_state=0)
    >>> clf.fit(texts, labels).predict(["claim your free cash prize"])
    array(['spam'], dtype='<U4')
    >>> clf.max_length_
    5
    """
    )

    _parameter_constraints: dict = {
        **_SequenceSteps._parameter_constraints,
        "class_weight": [dict, StrOptions({"balanced"}), None],
    }

    def __init__(
        self,
        cell="lstm",
        *,
        hidden_units=32,
        bidirectional=False,
        embedding_dim=64,
        max_tokens=20000,
        max_length=100,
        conv_filters=None,
        conv_kernel_size=5,
        dropout=0.0,
        activation="tanh",
        solver="adam",
        alpha=0.0001,
        batch_size=32,
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=10,
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
        callbacks=None,
        device="auto",
        precision=None,
        class_weight=None,
    ):
        _store(self, locals())


class SequenceRegressor(_SequenceSteps, _BaseMLP, KerasRegressorBase):
    __doc__ = _seq_doc(
        """Recurrent neural network regressor for texts and sequences.

    The network of :class:`SequenceClassifier` with a linear output: one
    value (or several) per sample, such as the next value of a time series
    or a score of a text. Targets are standardized internally and
    predictions mapped back.

    {input}

    Parameters
    ----------
"""
        + _SHARED_PARAMS
        + """

    Attributes
    ----------
    {attributes}

    See Also
    --------
    SequenceClassifier : The same network for classification.

    Examples
    --------
    >>> import numpy as np
    >>> from skdl import SequenceRegressor
    >>> rng = np.random.RandomState(0)
    >>> X = [rng.uniform(0, 1, size=n) for n in rng.randint(3, 12, size=200)]
    >>> y = [s.sum() for s in X]
    >>> reg = SequenceRegressor(hidden_units=16, learning_rate_init=0.01,
    ...                         max_iter=30, random_state=0).fit(X, y)
    >>> reg.predict([[0.5, 0.5, 0.5, 0.5]]).shape
    (1,)
    >>> bool(reg.score(X, y) > 0.9)
    True
    """
    )

    def __init__(
        self,
        cell="lstm",
        *,
        hidden_units=32,
        bidirectional=False,
        embedding_dim=64,
        max_tokens=20000,
        max_length=100,
        conv_filters=None,
        conv_kernel_size=5,
        dropout=0.0,
        activation="tanh",
        solver="adam",
        alpha=0.0001,
        batch_size=32,
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=10,
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
        callbacks=None,
        device="auto",
        precision=None,
    ):
        _store(self, locals())


def _store(estimator, params: dict) -> None:
    """Store ``__init__``'s arguments as attributes, unchanged."""
    for name, value in params.items():
        if name not in ("self", "__class__"):
            setattr(estimator, name, value)
