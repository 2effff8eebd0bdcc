"""
Evaluate a network with stratified k-fold cross-validation
==========================================================

One call replaces the hand-written fold loop of the Keras tutorials: the
estimator is cloned and refitted on every fold, scaling is learnt inside each
fold by the pipeline, and the split keeps class proportions.

Run it: ``python examples/kfold_cross_validation.py``
"""

# %%
# Ten folds in one call
# ---------------------
# :func:`~sklearn.model_selection.cross_validate` with
# ``return_estimator=True`` also keeps each fold's fitted network.

from _util import epochs, use_agg
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import StratifiedKFold, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdl import MLPClassifier

use_agg()
import matplotlib.pyplot as plt  # noqa: E402

X, y = load_breast_cancer(return_X_y=True)
model = make_pipeline(
    StandardScaler(),
    MLPClassifier((12, 8), batch_size=10, max_iter=epochs(100, 5), random_state=7),
)
cv = StratifiedKFold(n_splits=10, shuffle=True, random_state=7)
result = cross_validate(model, X, y, cv=cv, return_estimator=True)
scores = result["test_score"]
print(f"10-fold accuracy: {scores.mean():.3f} (+/- {scores.std():.3f})")

# %%
# Learning curves, one per fold
# -----------------------------
# Each fold's training loss per epoch (``loss_curve_``), beside its test
# accuracy: folds that agree show a stable model.

fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
for fold, pipe in enumerate(result["estimator"], start=1):
    curve = pipe[-1].loss_curve_
    left.plot(range(1, len(curve) + 1), curve, label=f"fold {fold}")
left.set(xlabel="epoch", ylabel="training loss", title="Learning curve per fold")
left.legend(fontsize=7, ncol=2)
right.bar(range(1, len(scores) + 1), scores)
right.axhline(scores.mean(), color="k", linestyle="--", label="mean")
right.set(xlabel="fold", ylabel="test accuracy", ylim=(min(scores) - 0.05, 1.0))
right.set_title("Accuracy per fold")
right.legend()
fig.tight_layout()
