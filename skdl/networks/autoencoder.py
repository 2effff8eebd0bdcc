"""Fully connected autoencoders: an encoder to a small code, a decoder back."""

from __future__ import annotations

from collections.abc import Sequence

from ..backend import import_keras
from .mlp import keras_activation

__all__ = ["build_autoencoder"]


def build_autoencoder(
    n_features: int,
    hidden_layer_sizes: Sequence[int],
    n_components: int,
    *,
    activation: str = "relu",
    output_activation: str = "linear",
    l2: float = 0.0,
    dropout: Sequence[float] = (),
    noise: float = 0.0,
    seed: int | None = None,
):
    """Build an autoencoder made of two sub-networks, ``encoder`` and ``decoder``.

    The encoder maps ``n_features`` inputs through ``hidden_layer_sizes``
    to a linear code of ``n_components`` units; the decoder mirrors it
    (the hidden sizes in reverse order) back to ``n_features`` outputs.
    Both are layers of the returned model, reachable with
    ``model.get_layer('encoder')`` and ``model.get_layer('decoder')``.

    Parameters
    ----------
    n_features : int
        Width of the input and of the reconstruction.
    hidden_layer_sizes : sequence of int
        Units of the encoder's hidden layers, input side first (may be
        empty: a linear encoder and decoder).
    n_components : int
        Width of the code.
    activation : str, default='relu'
        Hidden activation (sklearn or Keras name).
    output_activation : str, default='linear'
        Activation of the reconstruction (``'sigmoid'`` for data in [0, 1]).
    l2 : float, default=0.0
        L2 penalty factor on every kernel.
    dropout : sequence of float, default=()
        Dropout rate after each hidden layer of the encoder and, mirrored,
        of the decoder.
    noise : float, default=0.0
        Standard deviation of the Gaussian noise added to the input while
        training (a denoising autoencoder); 0 adds none.
    seed : int or None, default=None
        Seed for the initializers, the dropout masks and the noise.

    Returns
    -------
    model : keras.Model
        The uncompiled autoencoder: input to reconstruction.

    Examples
    --------
    >>> from skdl.networks.autoencoder import build_autoencoder
    >>> model = build_autoencoder(64, (32,), 2, seed=0)
    >>> model.output_shape
    (None, 64)
    >>> model.get_layer("encoder").compute_output_shape((None, 64))
    (None, 2)
    """
    keras = import_keras()
    layers = keras.layers
    regularizer = keras.regularizers.L2(l2) if l2 > 0 else None
    sizes = [int(s) for s in hidden_layer_sizes]

    def seed_at(i: int) -> int | None:
        return None if seed is None else seed + i

    def dense(units: int, act: str, i: int, name: str):
        return layers.Dense(
            units,
            activation=keras_activation(act),
            kernel_initializer=keras.initializers.GlorotUniform(seed=seed_at(i)),
            kernel_regularizer=regularizer,
            name=name,
        )

    def stack(x, widths, first: int, prefix: str, rates):
        for i, units in enumerate(widths):
            x = dense(units, activation, first + i, f"{prefix}_{i}")(x)
            if i < len(rates) and rates[i] > 0:
                x = layers.Dropout(rates[i], seed=seed_at(1000 + first + i))(x)
        return x

    code_in = keras.Input(shape=(n_features,), name="features")
    x = code_in
    if noise > 0:
        x = layers.GaussianNoise(noise, seed=seed_at(2000))(x)
    x = stack(x, sizes, 0, "hidden", list(dropout))
    code = dense(n_components, "linear", len(sizes), "code")(x)
    encoder = keras.Model(code_in, code, name="encoder")

    dec_in = keras.Input(shape=(n_components,), name="code")
    y = stack(dec_in, sizes[::-1], 100, "decoder_hidden", list(dropout)[::-1])
    out = dense(n_features, output_activation, 200, "reconstruction")(y)
    decoder = keras.Model(dec_in, out, name="decoder")

    inputs = keras.Input(shape=(n_features,), name="features")
    return keras.Model(inputs, decoder(encoder(inputs)), name="autoencoder")
