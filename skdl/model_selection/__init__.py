"""Model selection tools made for networks trained epoch by epoch.

Importing this package does not import TensorFlow or Keras.
"""

from ._epoch_search import EpochSearchCV

__all__ = ["EpochSearchCV"]
