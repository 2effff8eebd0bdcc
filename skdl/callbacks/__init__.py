"""Keras callbacks that skdl adds to training.

Importing this package imports Keras; skdl loads it only when training.
"""

from .checkpoint import BestModelCheckpoint
from .progress import EpochLogger, EpochProgressBar
from .sklearn_controls import SklearnControls

__all__ = ["BestModelCheckpoint", "EpochLogger", "EpochProgressBar", "SklearnControls"]
