"""Fully connected networks for tabular data."""

from __future__ import annotations

from collections.abc import Sequence

from ..backend import import_keras

__all__ = ["build_mlp", "keras_activation"]

# scikit-learn's activation names and the Keras ones they mean.
_SKLEARN_ACTIVATIONS = {"identity": "linear", "logistic": "sigmoid"}


def keras_activation(name: str) -> str:
    """Map an sklearn activation name to Keras'; Keras names pass through."""
    return _SKLEARN_ACTIVATIONS.get(name, name)


def build_mlp(
    n_features: int,
    hidden_layer_sizes: Sequence[int],
    n_outputs: int,
    *,
    activation: str = "relu",
    output_activation: str = "linear",
    l2: float = 0.0,
    dropout: Sequence[float] = (),
    seed: int | None = None,
):
    """Build a multilayer perceptron.

    Parameters
    ----------
    n_features : int
        Width of the input.
    hidden_layer_sizes : sequence of int
        Units of each hidden layer, input side first.
    n_outputs : int
        Units of the output layer.
    activation : str, default='relu'
        Hidden activation (sklearn's ``'identity'``/``'logistic'`` or any
        Keras activation name).
    output_activation : str, default='linear'
        Activation of the output layer.
    l2 : float, default=0.0
        L2 penalty factor on every kernel (not on biases).
    dropout : sequence of float, default=()
        Dropout rate after each hidden layer (empty: no dropout).
    seed : int or None, default=None
        Seed for the initializers and dropout masks.

    Returns
    -------
    model : keras.Model
        The uncompiled network.

    Examples
    --------
    >>> from skdl.networks import build_mlp
    >>> model = build_mlp(8, (12, 8), 1, output_activation="sigmoid", seed=0)
    >>> [layer.units for layer in model.layers if hasattr(layer, "units")]
    [12, 8, 1]
    """
    keras = import_keras()
    layers = keras.layers
    regularizer = keras.regularizers.L2(l2) if l2 > 0 else None
    act = keras_activation(activation)

    def init(i: int):
        return keras.initializers.GlorotUniform(seed=None if seed is None else seed + i)

    inputs = keras.Input(shape=(n_features,), name="features")
    x = inputs
    for i, units in enumerate(hidden_layer_sizes):
        x = layers.Dense(
            int(units),
            activation=act,
            kernel_initializer=init(i),
            kernel_regularizer=regularizer,
            name=f"hidden_{i}",
        )(x)
        rate = dropout[i] if i < len(dropout) else 0.0
        if rate > 0:
            x = layers.Dropout(rate, seed=None if seed is None else seed + 1000 + i)(x)
    outputs = layers.Dense(
        n_outputs,
        activation=keras_activation(output_activation),
        kernel_initializer=init(len(hidden_layer_sizes)),
        kernel_regularizer=regularizer,
        name="output",
    )(x)
    return keras.Model(inputs, outputs, name="mlp")
