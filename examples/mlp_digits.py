"""
An MLP on handwritten digits
============================

scikit-learn's 8x8 digits, flattened to 64 features: a one-layer network
with dropout, its confusion matrix, and the test digits it gets wrong.

Run it: ``python examples/mlp_digits.py``
"""

# %%
# Train and score
# ---------------

import numpy as np
from _util import epochs, output_path, use_agg
from sklearn.datasets import load_digits
from sklearn.metrics import ConfusionMatrixDisplay
from sklearn.model_selection import train_test_split

from skdl import MLPClassifier

use_agg()
import matplotlib.pyplot as plt  # noqa: E402

X, y = load_digits(return_X_y=True)
X = X / 16.0  # pixels in [0, 1]
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)
model = MLPClassifier((128,), dropout=0.2, max_iter=epochs(100, 5), random_state=0)
model.fit(X_train, y_train)
print(f"test accuracy: {model.score(X_test, y_test):.3f}")

# %%
# Confusion matrix
# ----------------

display = ConfusionMatrixDisplay.from_estimator(model, X_test, y_test)
path = output_path("mlp_digits_confusion.png")
display.figure_.savefig(path)
print(f"saved {path}")

# %%
# Misclassified digits
# --------------------
# Each title reads "predicted (true)".

pred = model.predict(X_test)
wrong = np.flatnonzero(pred != y_test)
print(f"{len(wrong)} of {len(y_test)} test digits misclassified")
fig, axes = plt.subplots(2, 6, figsize=(8, 3.2))
for ax in axes.flat:
    ax.axis("off")
for ax, i in zip(axes.flat, wrong, strict=False):
    ax.imshow(X_test[i].reshape(8, 8), cmap="gray_r")
    ax.set_title(f"{pred[i]} ({y_test[i]})", fontsize=9)
fig.suptitle("Misclassified test digits")
fig.tight_layout()
