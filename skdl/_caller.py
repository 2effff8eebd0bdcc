"""Warnings that point at the user's line, not at skdl's insides."""

from __future__ import annotations

import os
import sys
import warnings

import joblib
import sklearn

__all__ = ["warn_user"]

# Frames in these folders are library code between the user and the warning:
# skdl itself, and scikit-learn (with joblib, which runs its folds and grid
# candidates) when it drives skdl: Pipeline, cross_val_score, GridSearchCV.
_LIBRARY_DIRS = tuple(
    os.path.dirname(os.path.realpath(module.__file__)) + os.sep
    for module in (sys.modules[__package__], sklearn, joblib)
)


def _is_library(filename: str) -> bool:
    return os.path.realpath(filename).startswith(_LIBRARY_DIRS)


def warn_user(message: str, category: type[Warning]) -> None:
    """``warnings.warn`` at the first frame outside skdl, sklearn and joblib.

    A hard-coded ``stacklevel`` breaks whenever a family adds a step between
    the user's call and the warning (an overridden fit step, a
    pipeline); walking out of the libraries does not. When no frame is
    outside them, the warning points at the caller of this function.
    """
    frame = sys._getframe(1)
    depth = 1
    while frame is not None and _is_library(frame.f_code.co_filename):
        frame = frame.f_back
        depth += 1
    warnings.warn(message, category, stacklevel=depth + 1 if frame is not None else 2)
