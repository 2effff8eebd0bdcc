"""scikit-learn transformers that adapt targets and features for networks."""

from .keras_targets import KerasClassifierTargetEncoder, KerasRegressorTargetEncoder
from .targets import ClassifierTargetEncoder, RegressorTargetEncoder

__all__ = [
    "ClassifierTargetEncoder",
    "KerasClassifierTargetEncoder",
    "KerasRegressorTargetEncoder",
    "RegressorTargetEncoder",
]
