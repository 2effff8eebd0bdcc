"""Convolutional networks for images (2-D) and signals (1-D)."""

from __future__ import annotations

from collections.abc import Sequence

from ..backend import import_keras
from .mlp import keras_activation

__all__ = ["augmentation_layers", "build_conv1d", "build_conv2d"]

# Named augmentation presets: (shift, rotation in degrees, zoom, horizontal
# flip, fill mode). Flips only where mirrored images still mean the same
# class (photographs), never for digits or text.
AUGMENTATION_PRESETS: dict[str, tuple[float, float, float, bool, str]] = {
    "light": (0.1, 10.0, 0.1, False, "constant"),
    "strong": (0.15, 20.0, 0.2, False, "constant"),
    "photo": (0.1, 10.0, 0.1, True, "reflect"),
}


def augmentation_layers(preset: str, seed: int | None = None) -> list:
    """Keras random-transformation layers for a named augmentation preset.

    Parameters
    ----------
    preset : {'light', 'strong', 'photo'}
        ``'light'``: shifts up to 10% of the image size, rotations up to 10
        degrees, zoom up to 10%, empty borders filled with zeros (digits,
        characters). ``'strong'``: 15%, 20 degrees, 20%. ``'photo'``:
        ``'light'`` plus horizontal flips, borders filled by reflection
        (natural photographs such as CIFAR-10).
    seed : int or None, default=None
        Seed of the layers' random draws.

    Returns
    -------
    layers : list of keras.layers.Layer
        Layers that transform images while training and pass them through
        unchanged at inference.

    Examples
    --------
    >>> from skdl.networks.conv import augmentation_layers
    >>> [type(layer).__name__ for layer in augmentation_layers("photo", seed=0)]
    ['RandomTranslation', 'RandomRotation', 'RandomZoom', 'RandomFlip']
    """
    if preset not in AUGMENTATION_PRESETS:
        raise ValueError(
            f"Unknown augmentation preset {preset!r}; expected one of "
            f"{sorted(AUGMENTATION_PRESETS)}."
        )
    shift, degrees, zoom, flip, fill = AUGMENTATION_PRESETS[preset]
    layers = import_keras().layers

    def s(i: int) -> int | None:
        return None if seed is None else seed + i

    out = [
        layers.RandomTranslation(shift, shift, fill_mode=fill, seed=s(0)),
        layers.RandomRotation(degrees / 360.0, fill_mode=fill, seed=s(1)),
        layers.RandomZoom(zoom, zoom, fill_mode=fill, seed=s(2)),
    ]
    if flip:
        out.append(layers.RandomFlip("horizontal", seed=s(3)))
    return out


def build_conv2d(
    input_shape: Sequence[int],
    filters: Sequence[int],
    n_outputs: int,
    *,
    kernel_size: int | Sequence[int] = 3,
    pool_size: int | Sequence[int] = 2,
    dense_layer_sizes: Sequence[int] = (128,),
    activation: str = "relu",
    output_activation: str = "linear",
    batch_norm: bool = False,
    dropout: Sequence[float] = (),
    l2: float = 0.0,
    augmentation: Sequence = (),
    seed: int | None = None,
):
    """Build a 2-D convolutional network for images.

    Each entry of ``filters`` makes one block: a ``Conv2D`` with ``'same'``
    padding, optional batch normalization, the activation, max pooling
    (``'same'`` padding, so small images never shrink to nothing) and
    optional dropout. The blocks feed a flattening layer, the dense hidden
    layers and the output layer.

    Parameters
    ----------
    input_shape : sequence of 3 int
        ``(height, width, channels)`` of one image.
    filters : sequence of int
        Convolution filters of each block, input side first.
    n_outputs : int
        Units of the output layer.
    kernel_size : int or pair of int, default=3
        Size of every convolution window.
    pool_size : int or pair of int, default=2
        Size of every max-pooling window; 1 means no pooling.
    dense_layer_sizes : sequence of int, default=(128,)
        Units of the dense hidden layers after the convolution blocks.
    activation : str, default='relu'
        Hidden activation (sklearn's or Keras' names).
    output_activation : str, default='linear'
        Activation of the output layer.
    batch_norm : bool, default=False
        Batch normalization between each convolution and its activation.
    dropout : sequence of float, default=()
        Dropout rate after each block, convolution blocks first, then the
        dense layers; missing entries mean no dropout.
    l2 : float, default=0.0
        L2 penalty factor on every kernel (not on biases).
    augmentation : sequence of keras.layers.Layer, default=()
        Layers applied to the images first; Keras' random-transformation
        layers act only while training.
    seed : int or None, default=None
        Seed for the initializers and dropout masks.

    Returns
    -------
    model : keras.Model
        The uncompiled network.

    Examples
    --------
    >>> from skdl.networks import build_conv2d
    >>> model = build_conv2d((28, 28, 1), (32, 64), 10, output_activation="softmax")
    >>> model.output_shape
    (None, 10)
    """
    return _build(2, input_shape, filters, n_outputs, locals())


def build_conv1d(
    input_shape: Sequence[int],
    filters: Sequence[int],
    n_outputs: int,
    *,
    kernel_size: int = 3,
    pool_size: int = 2,
    dense_layer_sizes: Sequence[int] = (128,),
    activation: str = "relu",
    output_activation: str = "linear",
    batch_norm: bool = False,
    dropout: Sequence[float] = (),
    l2: float = 0.0,
    seed: int | None = None,
):
    """Build a 1-D convolutional network for signals (sequences of values).

    The same blocks as :func:`build_conv2d`, with ``Conv1D`` and
    ``MaxPooling1D`` layers.

    Parameters
    ----------
    input_shape : sequence of 2 int
        ``(steps, channels)`` of one signal.
    filters : sequence of int
        Convolution filters of each block, input side first.
    n_outputs : int
        Units of the output layer.
    kernel_size : int, default=3
        Length of every convolution window.
    pool_size : int, default=2
        Length of every max-pooling window; 1 means no pooling.
    dense_layer_sizes : sequence of int, default=(128,)
        Units of the dense hidden layers after the convolution blocks.
    activation : str, default='relu'
        Hidden activation (sklearn's or Keras' names).
    output_activation : str, default='linear'
        Activation of the output layer.
    batch_norm : bool, default=False
        Batch normalization between each convolution and its activation.
    dropout : sequence of float, default=()
        Dropout rate after each block, convolution blocks first, then the
        dense layers; missing entries mean no dropout.
    l2 : float, default=0.0
        L2 penalty factor on every kernel (not on biases).
    seed : int or None, default=None
        Seed for the initializers and dropout masks.

    Returns
    -------
    model : keras.Model
        The uncompiled network.

    Examples
    --------
    >>> from skdl.networks import build_conv1d
    >>> model = build_conv1d((30, 1), (8,), 1, output_activation="sigmoid")
    >>> model.output_shape
    (None, 1)
    """
    return _build(1, input_shape, filters, n_outputs, locals())


def _build(ndim: int, input_shape, filters, n_outputs, opts: dict):
    """Shared body of the builders; ``opts`` are their keyword arguments."""
    keras = import_keras()
    seeds = _Seeds(opts["seed"])
    regularizer = keras.regularizers.L2(opts["l2"]) if opts["l2"] > 0 else None
    rates = list(opts["dropout"])
    rates += [0.0] * (len(filters) + len(opts["dense_layer_sizes"]) - len(rates))

    inputs = keras.Input(shape=tuple(int(d) for d in input_shape), name="inputs")
    x = inputs
    for layer in opts.get("augmentation", ()):
        x = layer(x)
    for i, n_filters in enumerate(filters):
        x = _conv_block(x, ndim, i, int(n_filters), opts, regularizer, seeds)
        x = _dropout(x, rates[i], i, seeds)
    x = keras.layers.Flatten(name="flatten")(x)
    act = keras_activation(opts["activation"])
    for j, units in enumerate(opts["dense_layer_sizes"]):
        k = len(filters) + j
        x = keras.layers.Dense(
            int(units),
            activation=act,
            kernel_initializer=keras.initializers.GlorotUniform(seed=seeds(k)),
            kernel_regularizer=regularizer,
            name=f"hidden_{j}",
        )(x)
        x = _dropout(x, rates[k], k, seeds)
    outputs = keras.layers.Dense(
        int(n_outputs),
        activation=keras_activation(opts["output_activation"]),
        kernel_initializer=keras.initializers.GlorotUniform(seed=seeds(5000)),
        kernel_regularizer=regularizer,
        name="output",
    )(x)
    return keras.Model(inputs, outputs, name=f"conv{ndim}d")


class _Seeds:
    """Distinct seeds for the layers of one network (``None``: unseeded)."""

    def __init__(self, seed: int | None):
        self.seed = seed

    def __call__(self, offset: int) -> int | None:
        return None if self.seed is None else self.seed + offset


def _conv_block(x, ndim: int, i: int, n_filters: int, opts, regularizer, seeds):
    """Convolution, [batch normalization], activation, [max pooling]."""
    layers = import_keras().layers
    conv = layers.Conv2D if ndim == 2 else layers.Conv1D
    pool = layers.MaxPooling2D if ndim == 2 else layers.MaxPooling1D
    act = keras_activation(opts["activation"])
    x = conv(
        n_filters,
        opts["kernel_size"],
        padding="same",
        use_bias=not opts["batch_norm"],  # batch normalization has a shift
        kernel_initializer=import_keras().initializers.HeUniform(seed=seeds(i)),
        kernel_regularizer=regularizer,
        name=f"conv_{i}",
    )(x)
    if opts["batch_norm"]:
        x = layers.BatchNormalization(name=f"batch_norm_{i}")(x)
    x = layers.Activation(act, name=f"conv_{i}_{act}")(x)
    if opts["pool_size"] not in (1, (1,), (1, 1)):
        x = pool(opts["pool_size"], padding="same", name=f"pool_{i}")(x)
    return x


def _dropout(x, rate: float, k: int, seeds):
    if rate <= 0:
        return x
    layer = import_keras().layers.Dropout(
        rate, seed=seeds(1000 + k), name=f"dropout_{k}"
    )
    return layer(x)
