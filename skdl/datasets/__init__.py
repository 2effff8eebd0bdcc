"""Offline datasets: generators and loaders for user-supplied files."""

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

__all__ = [
    "CATEGORICAL_COLUMNS",
    "CHURN_COLUMNS",
    "FEATURE_COLUMNS",
    "ID_COLUMNS",
    "NUMERIC_COLUMNS",
    "TARGET_COLUMN",
    "load_churn",
    "make_churn",
]
