"""Evaluate a network with stratified k-fold cross-validation.

One call replaces the hand-written fold loop of the Keras tutorials: the
estimator is cloned and refitted on every fold, scaling is learnt inside each
fold by the pipeline, and the split keeps class proportions.

    python examples/kfold_cross_validation.py
"""

from __future__ import annotations

from _util import epochs
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdl import MLPClassifier

X, y = load_breast_cancer(return_X_y=True)
model = make_pipeline(
    StandardScaler(),
    MLPClassifier((12, 8), batch_size=10, max_iter=epochs(100, 5), random_state=7),
)
cv = StratifiedKFold(n_splits=10, shuffle=True, random_state=7)
scores = cross_val_score(model, X, y, cv=cv)
print(f"10-fold accuracy: {scores.mean():.3f} (+/- {scores.std():.3f})")
