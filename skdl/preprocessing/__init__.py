"""scikit-learn transformers that adapt targets and features for networks."""

from .targets import ClassifierTargetEncoder, RegressorTargetEncoder

__all__ = ["ClassifierTargetEncoder", "RegressorTargetEncoder"]
