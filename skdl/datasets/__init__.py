"""Offline datasets: generators, and readers for files the user already has.

Nothing here downloads anything.
"""

from .churn import (
    CATEGORICAL_COLUMNS,
    CHURN_COLUMNS,
    FEATURE_COLUMNS,
    ID_COLUMNS,
    NUMERIC_COLUMNS,
    TARGET_COLUMN,
    load_churn,
    make_churn,
)
from .image_folder import load_image_folder
from .images import load_cifar10, load_mnist

__all__ = [
    "CATEGORICAL_COLUMNS",
    "CHURN_COLUMNS",
    "FEATURE_COLUMNS",
    "ID_COLUMNS",
    "NUMERIC_COLUMNS",
    "TARGET_COLUMN",
    "load_churn",
    "load_cifar10",
    "load_image_folder",
    "load_mnist",
    "make_churn",
]
