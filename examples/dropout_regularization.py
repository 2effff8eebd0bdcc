"""
Dropout: compare a network with and without it
==============================================

``dropout`` is one rate after each hidden layer, or one rate per layer; it
acts only while training. Five-fold cross-validation compares three settings.

Run it: ``python examples/dropout_regularization.py``
"""

# %%
# Cross-validate three dropout settings
# -------------------------------------

from _util import epochs, use_agg
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdl import MLPClassifier

use_agg()
import matplotlib.pyplot as plt  # noqa: E402

X, y = load_breast_cancer(return_X_y=True)
cv = StratifiedKFold(5, shuffle=True, random_state=7)
results = {}
for dropout in (0.0, 0.2, [0.2, 0.0]):
    net = MLPClassifier(
        (60, 30), dropout=dropout, max_iter=epochs(100, 10), random_state=7
    )
    scores = cross_val_score(make_pipeline(StandardScaler(), net), X, y, cv=cv)
    results[f"dropout={dropout}"] = scores
    print(f"dropout={dropout!s:11} accuracy {scores.mean():.3f}")

# %%
# The fold scores side by side
# ----------------------------

fig, ax = plt.subplots(figsize=(6, 3.5))
ax.boxplot(list(results.values()), tick_labels=list(results))
ax.set(ylabel="fold accuracy", title="Dropout on breast cancer, 5 folds")
fig.tight_layout()
