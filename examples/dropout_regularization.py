"""Dropout: compare a network with and without it.

``dropout`` is one rate after each hidden layer, or one rate per layer;
it acts only while training.

    python examples/dropout_regularization.py
"""

from __future__ import annotations

from _util import epochs
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdl import MLPClassifier

X, y = load_breast_cancer(return_X_y=True)
cv = StratifiedKFold(5, shuffle=True, random_state=7)
for dropout in (0.0, 0.2, [0.2, 0.0]):
    net = MLPClassifier(
        (60, 30), dropout=dropout, max_iter=epochs(100, 5), random_state=7
    )
    scores = cross_val_score(make_pipeline(StandardScaler(), net), X, y, cv=cv)
    print(f"dropout={dropout!s:11} accuracy {scores.mean():.3f}")
