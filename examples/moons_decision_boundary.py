"""
A network's decision boundary on two moons
==========================================

On scikit-learn's ``make_moons``, logistic regression can only draw a
straight line between the classes; a small network bends its boundary
around them.

Run it: ``python examples/moons_decision_boundary.py``
"""

# %%
# Two interleaved half circles, with noise
# ----------------------------------------

from _util import epochs, output_path, use_agg
from sklearn.datasets import make_moons
from sklearn.inspection import DecisionBoundaryDisplay
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

from skdl import MLPClassifier

use_agg()
import matplotlib.pyplot as plt  # noqa: E402

X, y = make_moons(n_samples=1000, noise=0.2, random_state=42)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=42)

# %%
# Fit both models and draw their boundaries
# -----------------------------------------
# :class:`~sklearn.inspection.DecisionBoundaryDisplay` works on any fitted
# classifier, a network included.

models = {
    "logistic regression": LogisticRegression(),
    "MLP (32, 32)": MLPClassifier(
        (32, 32), learning_rate_init=0.01, max_iter=epochs(200, 20), random_state=42
    ),
}
fig, axes = plt.subplots(1, 2, figsize=(10, 4))
for ax, (name, model) in zip(axes, models.items(), strict=True):
    model.fit(X_train, y_train)
    acc = model.score(X_test, y_test)
    print(f"{name:20} test accuracy {acc:.3f}")
    DecisionBoundaryDisplay.from_estimator(model, X, ax=ax, alpha=0.4)
    ax.scatter(*X_test.T, c=y_test, s=8, edgecolor="k", linewidth=0.2)
    ax.set_title(f"{name}: {acc:.2f}")
path = output_path("moons_decision_boundary.png")
fig.savefig(path)
print(f"saved {path}")
