"""
Plot a network's training history
=================================

Loss and accuracy per epoch, from the estimator's ``history_``. Holding out
a validation share (here through early stopping) adds the ``val_`` curves
that show over-fitting.

Run it: ``python examples/training_history.py``
"""

# %%
# Train with a validation share
# -----------------------------
# ``early_stopping=True`` holds out ``validation_fraction`` of the rows
# (stratified, seeded) and records the validation metrics beside the
# training ones.

from _util import epochs, output_path, use_agg
from sklearn.datasets import load_breast_cancer
from sklearn.preprocessing import scale

from skdl import MLPClassifier, plot_history

use_agg()
X, y = load_breast_cancer(return_X_y=True)
model = MLPClassifier(
    (12, 8),
    batch_size=10,
    max_iter=epochs(100, 5),
    early_stopping=True,
    validation_fraction=0.33,
    n_iter_no_change=20,
    random_state=7,
).fit(scale(X), y)
print("history keys:", sorted(model.history_))

# %%
# Plot the curves
# ---------------
# :func:`skdl.plot_history` returns a matplotlib figure, one panel per metric.

fig = plot_history(model, metrics=["loss", "accuracy"], title="Breast cancer MLP")
path = output_path("training_history.png")
fig.savefig(path)
print(f"saved {path}")
