"""Recurrent networks for texts (token ids) and numeric sequences."""

from __future__ import annotations

import functools
from collections.abc import Sequence

from ..backend import import_keras
from .mlp import keras_activation

__all__ = ["CELLS", "build_sequence_network", "register_layers"]

#: Recurrent cells by name.
CELLS = {"lstm": "LSTM", "gru": "GRU", "rnn": "SimpleRNN"}


def build_sequence_network(
    input_shape: Sequence[int],
    n_outputs: int,
    *,
    vocabulary_size: int | None = None,
    embedding_dim: int = 64,
    cell: str = "lstm",
    hidden_units: int = 32,
    bidirectional: bool = False,
    activation: str = "tanh",
    dropout: float = 0.0,
    conv_filters: int | None = None,
    conv_kernel_size: int = 5,
    conv_pool_size: int = 2,
    output_activation: str = "linear",
    l2: float = 0.0,
    seed: int | None = None,
):
    """Build a recurrent network that ignores padding.

    With ``vocabulary_size``, the input is a batch of token ids (0 is
    padding) fed to an embedding that masks the padding. Without it, the
    input is a batch of numeric sequences whose last channel is 1 on real
    steps and 0 on padding steps (where every channel is 0), masked by a
    ``Masking`` layer. An optional convolution front-end (one ``Conv1D``
    with ``'same'`` padding and max pooling) shortens long sequences before
    the recurrent layer; it zeroes the padding before and after the
    convolution and pools the mask with the values, so padding never
    reaches the recurrent layer. The recurrent layer's last state, after
    optional dropout, feeds the output layer.

    Parameters
    ----------
    input_shape : sequence of int
        ``(steps,)`` for token ids, ``(steps, channels)`` for numbers;
        ``steps`` may be ``None`` (any length).
    n_outputs : int
        Units of the output layer.
    vocabulary_size : int or None, default=None
        Number of token ids (padding and unknown-token ids included); None
        for numeric input.
    embedding_dim : int, default=64
        Width of the token embedding (token ids only).
    cell : {'lstm', 'gru', 'rnn'}, default='lstm'
        Recurrent cell.
    hidden_units : int, default=32
        Units of the recurrent layer (per direction).
    bidirectional : bool, default=False
        Read the sequences in both directions and join the two states.
    activation : str, default='tanh'
        Activation of the recurrent cell's output.
    dropout : float, default=0.0
        Dropout rate on the recurrent layer's output.
    conv_filters : int or None, default=None
        Filters of the convolution front-end; None for none.
    conv_kernel_size : int, default=5
        Length of the convolution window.
    conv_pool_size : int, default=2
        Length of the max-pooling window after the convolution.
    output_activation : str, default='linear'
        Activation of the output layer.
    l2 : float, default=0.0
        L2 penalty factor on the recurrent and output kernels.
    seed : int or None, default=None
        Seed for the initializers and dropout masks.

    Returns
    -------
    model : keras.Model
        The uncompiled network.

    Examples
    --------
    >>> from skdl.networks import build_sequence_network
    >>> model = build_sequence_network(
    ...     (None,), 1, vocabulary_size=100, output_activation="sigmoid", seed=0
    ... )
    >>> model.output_shape
    (None, 1)
    """
    if cell not in CELLS:
        raise ValueError(f"cell must be one of {sorted(CELLS)}; got {cell!r}.")
    keras = import_keras()
    layers = keras.layers

    def s(offset: int) -> int | None:
        return None if seed is None else seed + offset

    regularizer = keras.regularizers.L2(l2) if l2 > 0 else None
    shape = tuple(None if d is None else int(d) for d in input_shape)
    if vocabulary_size is not None:
        inputs = keras.Input(shape=shape, dtype="int32", name="tokens")
        x = layers.Embedding(
            int(vocabulary_size),
            int(embedding_dim),
            mask_zero=True,
            embeddings_initializer=keras.initializers.RandomUniform(
                -0.05, 0.05, seed=s(0)
            ),
            name="embedding",
        )(inputs)
    else:
        inputs = keras.Input(shape=shape, name="sequences")
        x = layers.Masking(0.0, name="padding_mask")(inputs)
    if conv_filters:
        front = register_layers()["MaskedConv1D"]
        x = front(
            int(conv_filters),
            int(conv_kernel_size),
            pool_size=int(conv_pool_size),
            seed=s(1),
            name="conv_front_end",
        )(x)
    rnn = getattr(layers, CELLS[cell])(
        int(hidden_units),
        activation=keras_activation(activation),
        kernel_initializer=keras.initializers.GlorotUniform(seed=s(2)),
        recurrent_initializer=keras.initializers.Orthogonal(seed=s(3)),
        kernel_regularizer=regularizer,
        name=cell,
    )
    if bidirectional:
        rnn = layers.Bidirectional(rnn, name=f"bidirectional_{cell}")
    x = rnn(x)
    if dropout > 0:
        x = layers.Dropout(float(dropout), seed=s(4), name="dropout")(x)
    outputs = layers.Dense(
        int(n_outputs),
        activation=keras_activation(output_activation),
        kernel_initializer=keras.initializers.GlorotUniform(seed=s(5)),
        kernel_regularizer=regularizer,
        name="output",
    )(x)
    return keras.Model(inputs, outputs, name=f"sequence_{cell}")


@functools.cache
def register_layers() -> dict[str, type]:
    """Define (once) and register skdl's custom layers with Keras' loader.

    Called before any network that may hold them is built or loaded, so
    ``.keras`` archives reload them under ``safe_mode``.
    """
    keras = import_keras()
    ops = keras.ops

    @keras.saving.register_keras_serializable(package="skdl")
    class MaskedConv1D(keras.layers.Layer):
        """``Conv1D`` (ReLU) and max pooling that keep padding out.

        Padding steps are zeroed before and after the convolution, so a real
        step near the end sees zeros there, as it would at the true end of
        an unpadded sequence (``'same'`` padding); ReLU outputs are never
        negative, so a pooling window that holds both real and zeroed steps
        keeps the real maximum. The mask is pooled with the values: with
        padding after the real steps, a window is real when its first step
        is.
        """

        def __init__(self, filters, kernel_size, pool_size=2, seed=None, **kwargs):
            super().__init__(**kwargs)
            self.filters = int(filters)
            self.kernel_size = int(kernel_size)
            self.pool_size = int(pool_size)
            self.seed = seed
            self.supports_masking = True
            self.conv = keras.layers.Conv1D(
                self.filters,
                self.kernel_size,
                padding="same",
                activation="relu",
                kernel_initializer=keras.initializers.HeUniform(seed=seed),
                name="conv",
            )
            self.pool = keras.layers.MaxPooling1D(
                self.pool_size, padding="same", name="pool"
            )

        def build(self, input_shape):
            self.conv.build(input_shape)

        def call(self, inputs, mask=None):
            if mask is None:
                return self.pool(self.conv(inputs))
            keep = ops.expand_dims(ops.cast(mask, inputs.dtype), -1)
            out = self.conv(inputs * keep)
            return self.pool(out * ops.cast(keep, out.dtype))

        def compute_mask(self, inputs, mask=None):
            if mask is None:
                return None
            return mask[:, :: self.pool_size]

        def compute_output_shape(self, input_shape):
            return self.pool.compute_output_shape(
                self.conv.compute_output_shape(input_shape)
            )

        def get_config(self):
            return {
                **super().get_config(),
                "filters": self.filters,
                "kernel_size": self.kernel_size,
                "pool_size": self.pool_size,
                "seed": self.seed,
            }

    return {"MaskedConv1D": MaskedConv1D}
