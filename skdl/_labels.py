"""The check of the labels ``score`` is given, shared by every classifier."""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["check_known_labels"]


def check_known_labels(estimator, y) -> None:
    """Refuse text labels in ``y`` that ``estimator`` never saw in ``fit``.

    A label outside ``classes_`` can never be predicted, so scoring it
    would quietly count those rows as wrong. A text label, or a label of
    another type than the classes (``'1'`` for ``1``), is usually spelt
    differently (``'Yes'`` for ``'yes'``): refused. Numeric labels of
    numeric classes are scored as scikit-learn scores them (those rows
    count as wrong): a class too rare to be in every training fold of a
    cross-validation is one, not a mistake. Multilabel indicator targets
    (two or more columns) are not labels and pass.

    Raises
    ------
    ValueError
        Naming the unseen labels and the classes the estimator knows.
    """
    classes = getattr(estimator, "classes_", None)
    if classes is None:  # not fitted: predicting says so
        return
    y = np.asarray(y, dtype=object)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        return
    known = np.asarray(classes).tolist()
    known_set = set(known)
    unseen = [v for v in dict.fromkeys(y.tolist()) if v not in known_set]
    if not unseen or (_numeric(unseen) and _numeric(known)):
        return
    unseen_set = set(unseen)
    n_rows = sum(v in unseen_set for v in y.tolist())
    name = type(estimator).__name__
    raise ValueError(
        f"y passed to score has {len(unseen)} label(s) that this {name} never "
        f"saw in fit: {unseen[:10]} ({n_rows} of {len(y)} row(s)); the classes "
        f"it knows are {known}. A label outside classes_ can never be "
        "predicted: map those labels to known classes (check their spelling "
        "and type), or score without those rows."
    )


def _numeric(labels) -> bool:
    return all(isinstance(v, numbers.Number) for v in labels)
