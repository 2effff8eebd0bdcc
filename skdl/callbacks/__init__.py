"""Keras callbacks that skdl adds to training.

Importing this package imports Keras; skdl loads it only when training.
"""

from .progress import EpochLogger
from .sklearn_controls import SklearnControls

__all__ = ["EpochLogger", "SklearnControls"]
