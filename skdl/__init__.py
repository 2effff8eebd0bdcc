"""skdl: scikit-learn compatible deep learning on Keras 3.

Importing skdl is cheap: TensorFlow/Keras load on the first fit, predict or
unpickle, not here.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

__version__ = "0.1.0.dev0"

# public name -> module that defines it
_LAZY = {
    "AutoencoderTransformer": "skdl.autoencoder",
    "ChurnPipeline": "skdl.pipelines",
    "ConvClassifier": "skdl.conv",
    "KerasClassifier": "skdl.wrappers",
    "KerasRegressor": "skdl.wrappers",
    "MLPClassifier": "skdl.mlp",
    "MLPRegressor": "skdl.mlp",
    "load": "skdl.persistence",
    "make_churn_pipeline": "skdl.pipelines",
    "plot_history": "skdl.plotting",
    "save": "skdl.persistence",
    "SequenceClassifier": "skdl.sequence",
    "SequenceRegressor": "skdl.sequence",
}

# submodules reachable as attributes (``skdl.onnx.to_onnx``), imported on use
_SUBMODULES = ("onnx",)

__all__ = sorted([*_LAZY, "__version__"])

if TYPE_CHECKING:  # pragma: no cover
    from .autoencoder import AutoencoderTransformer  # noqa: F401
    from .conv import ConvClassifier  # noqa: F401
    from .mlp import MLPClassifier, MLPRegressor  # noqa: F401
    from .persistence import load, save  # noqa: F401
    from .pipelines import ChurnPipeline, make_churn_pipeline  # noqa: F401
    from .plotting import plot_history  # noqa: F401
    from .sequence import SequenceClassifier, SequenceRegressor  # noqa: F401
    from .wrappers import KerasClassifier, KerasRegressor  # noqa: F401


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f"skdl.{name}")
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'skdl' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
