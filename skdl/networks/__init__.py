"""Pure Keras network builders (no scikit-learn imports).

Each builder takes plain numbers and names and returns an uncompiled
``keras.Model``; the estimators compile and train it.
"""

from .conv import build_conv1d, build_conv2d
from .mlp import build_mlp
from .sequence import build_sequence_network

__all__ = ["build_conv1d", "build_conv2d", "build_mlp", "build_sequence_network"]
