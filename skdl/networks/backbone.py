"""Pretrained backbones for transfer learning, loaded without downloads.

A backbone is a Keras network whose output (features) feeds a new head.
It may come from a ``.keras`` file (loaded in Keras' safe mode, so a file
holding Python code is refused), from a Keras model (copied through the
same safe format), or from a ``keras.applications`` constructor name with a
local weights file. Nothing here downloads: ImageNet weights are looked up
in Keras' cache folder and their absence is an error that names the file.
"""

from __future__ import annotations

import functools
import os
import tempfile
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..backend import import_keras
from .mlp import keras_activation

__all__ = [
    "build_on_backbone",
    "check_backbone",
    "find_backbone",
    "is_application",
    "load_backbone",
    "set_backbone_trainable",
]


def is_application(spec: Any) -> bool:
    """Whether ``spec`` names a ``keras.applications`` constructor."""
    return _application(spec) is not None


def _application(spec: Any):
    """The ``keras.applications`` constructor ``spec`` names, or ``None``."""
    if not isinstance(spec, str) or not spec.isidentifier():
        return None
    keras = import_keras()
    if spec.startswith("_") or not spec[:1].isupper():
        return None
    return getattr(keras.applications, spec, None)


def check_backbone(spec: Any, weights: Any) -> str | None:
    """Check a backbone and its weights before any data is looked at.

    Returns the weights file to load into a ``keras.applications``
    backbone (``None`` for random initial weights, or for a backbone given
    as a file or a model). Raises ``ValueError`` or ``TypeError`` that say
    what was received and what is expected.

    Examples
    --------
    >>> from skdl.networks.backbone import check_backbone
    >>> check_backbone("MobileNetV2", None) is None
    True
    """
    keras = import_keras()
    if isinstance(spec, keras.Model):
        return _own_weights(weights, "a Keras model")
    constructor = _application(spec)
    if constructor is not None:
        return _application_weights(spec, weights)
    if isinstance(spec, str | os.PathLike):
        path = Path(spec)
        if path.suffix != ".keras":
            raise ValueError(
                f"The 'backbone' parameter must be a path to a .keras file, a "
                f"Keras model or a keras.applications name such as "
                f"'MobileNetV2'; got {spec!r}."
            )
        if not path.is_file():
            raise ValueError(f"backbone file {str(path)!r} does not exist.")
        return _own_weights(weights, "a .keras file")
    raise TypeError(
        "The 'backbone' parameter must be a path to a .keras file, a Keras "
        f"model or a keras.applications name; got {type(spec).__name__}."
    )


def _own_weights(weights: Any, what: str) -> str | None:
    if weights is None:
        raise ValueError(
            f"backbone_weights=None (random initial weights) applies to a "
            f"keras.applications name only; a backbone given as {what} "
            "carries its own weights. Leave backbone_weights='imagenet' (the "
            "default) to keep them, or pass a weights file to load."
        )
    if weights == "imagenet":
        return None
    return _existing_file(weights)


def _existing_file(weights: Any) -> str:
    if not isinstance(weights, str | os.PathLike) or not Path(weights).is_file():
        raise ValueError(
            "The 'backbone_weights' parameter must be 'imagenet', None or the "
            f"path of an existing weights file; got {weights!r}."
        )
    return str(weights)


def _application_weights(name: str, weights: Any) -> str | None:
    if weights is None:
        return None
    if weights != "imagenet":
        return _existing_file(weights)
    from .._training.keras_compat import keras_cache_dir

    fname, origin, subdir = _imagenet_file(name)
    folder = Path(keras_cache_dir()) / subdir
    path = folder / fname
    if not path.is_file():
        raise ValueError(
            f"backbone={name!r} with backbone_weights='imagenet' needs the "
            f"ImageNet weights file {fname!r}, and skdl never downloads. "
            f"Download it once from {origin} and put it in {folder}/ (where "
            "skdl looks for it), or pass its path as backbone_weights=...; "
            "backbone_weights=None trains from random initial weights."
        )
    return str(path)


@functools.cache
def _imagenet_file(name: str) -> tuple[str, str, str]:
    """``(file name, URL, cache subfolder)`` of a no-top ImageNet backbone."""
    from .._training.keras_compat import DownloadRefused, refused_downloads

    constructor = _application(name)
    try:
        # Keras warns about the default input shape it picks: not the user's.
        with refused_downloads(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            constructor(include_top=False, weights="imagenet")
    except DownloadRefused as asked:
        return asked.fname, asked.origin, asked.cache_subdir
    raise ValueError(  # pragma: no cover - every application downloads
        f"keras.applications.{name} has no ImageNet weights file to look up."
    )


def load_backbone(spec: Any, weights: str | None, input_shape: Sequence[int]):
    """A fresh copy of the backbone, for inputs of ``input_shape``.

    ``weights`` is what :func:`check_backbone` returned.
    """
    keras = import_keras()
    shape = tuple(int(d) for d in input_shape)
    constructor = _application(spec)
    if constructor is not None:
        return constructor(
            include_top=False, weights=weights, input_shape=shape, pooling="avg"
        )
    if isinstance(spec, keras.Model):
        backbone = _safe_copy(spec)
    else:
        backbone = _safe_load(Path(spec), f"backbone file {str(spec)!r}")
    if weights is not None:
        backbone.load_weights(weights)
    _check_input_shape(backbone, shape)
    return backbone


def _safe_copy(model):
    """``model`` copied through a ``.keras`` archive, in Keras' safe mode."""
    keras = import_keras()
    with tempfile.TemporaryDirectory(prefix="skdl-") as tmp:
        path = Path(tmp) / "backbone.keras"
        keras.saving.save_model(model, path)
        return _safe_load(path, f"backbone model {model.name!r}")


def _safe_load(path: Path, what: str):
    keras = import_keras()
    try:
        return keras.saving.load_model(path, compile=False, safe_mode=True)
    except ValueError as exc:
        if "safe_mode" not in str(exc):
            raise
        raise ValueError(
            f"{what} holds a Lambda layer or other Python code, which skdl "
            "refuses to load (Keras safe mode): loading it could run "
            "arbitrary code, and a fitted model holding it could not be "
            "reloaded safely. Rebuild the backbone from built-in layers (or "
            "registered custom layer classes) and save it again."
        ) from exc


def _check_input_shape(backbone, shape: tuple[int, ...]) -> None:
    try:
        expected = tuple(backbone.inputs[0].shape[1:])
    except (AttributeError, IndexError, TypeError, ValueError):
        return  # a subclassed model declares no input: Keras checks at call
    fits = len(expected) == len(shape) and all(
        e is None or int(e) == s for e, s in zip(expected, shape, strict=False)
    )
    if not fits:
        raise ValueError(
            f"The backbone takes inputs of shape {expected} per sample, but X "
            f"holds samples of shape {shape}. Resize or pad the images to the "
            "backbone's input shape."
        )


def build_on_backbone(
    backbone,
    input_shape: Sequence[int],
    n_outputs: int,
    *,
    dense_layer_sizes: Sequence[int] = (),
    activation: str = "relu",
    output_activation: str = "linear",
    dropout: Sequence[float] = (),
    l2: float = 0.0,
    augmentation: Sequence = (),
    freeze: bool = True,
    seed: int | None = None,
):
    """A new head (dense layers and output) on top of ``backbone``.

    The backbone always runs in inference mode (``training=False``): its
    batch normalization keeps its moving statistics and its dropout is off,
    also while fine-tuning, as Keras' transfer-learning guide advises.
    Spatial outputs are averaged over their positions.

    Returns
    -------
    model : keras.Model
        The uncompiled network; with ``freeze=True`` the backbone's weights
        are not trainable.
    """
    keras = import_keras()
    layers = keras.layers
    regularizer = keras.regularizers.L2(l2) if l2 > 0 else None
    backbone.trainable = not freeze

    def seed_at(i: int) -> int | None:
        return None if seed is None else seed + i

    inputs = keras.Input(shape=tuple(int(d) for d in input_shape), name="inputs")
    x = inputs
    for layer in augmentation:
        x = layer(x)
    x = backbone(x, training=False)
    if len(x.shape) == 4:
        x = layers.GlobalAveragePooling2D(name="pool")(x)
    elif len(x.shape) == 3:
        x = layers.GlobalAveragePooling1D(name="pool")(x)
    elif len(x.shape) > 4:
        x = layers.Flatten(name="flatten")(x)
    for j, units in enumerate(dense_layer_sizes):
        x = layers.Dense(
            int(units),
            activation=keras_activation(activation),
            kernel_initializer=keras.initializers.GlorotUniform(seed=seed_at(j)),
            kernel_regularizer=regularizer,
            name=f"head_{j}",
        )(x)
        if j < len(dropout) and dropout[j] > 0:
            x = layers.Dropout(dropout[j], seed=seed_at(1000 + j))(x)
    outputs = layers.Dense(
        int(n_outputs),
        activation=keras_activation(output_activation),
        kernel_initializer=keras.initializers.GlorotUniform(seed=seed_at(5000)),
        kernel_regularizer=regularizer,
        name="output",
    )(x)
    return keras.Model(inputs, outputs, name="transfer")


def find_backbone(model):
    """The backbone inside a network made by :func:`build_on_backbone`."""
    keras = import_keras()
    inner = [la for la in model.layers if isinstance(la, keras.Model)]
    if len(inner) != 1:
        raise ValueError(
            f"Expected one backbone network inside {model.name!r}, found {len(inner)}."
        )
    return inner[0]


def set_backbone_trainable(model, n_layers: int | None) -> None:
    """Unfreeze the backbone's last ``n_layers`` layers (``None``: all)."""
    backbone = find_backbone(model)
    backbone.trainable = True
    if n_layers is None:
        return
    keep = backbone.layers[: max(0, len(backbone.layers) - int(n_layers))]
    for layer in keep:
        layer.trainable = False
