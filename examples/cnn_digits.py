"""
A convolutional network on handwritten digits, with and without augmentation
============================================================================

scikit-learn's bundled 8x8 digits (offline) as images: the default
:class:`~skdl.ConvClassifier` trains on 75% of them (stratified), then the
same network with ``augmentation='light'``. The example prints test accuracy
and fit times, and draws the training loss per epoch and a confusion matrix.

Run it: ``python examples/cnn_digits.py``
"""

# %%
# The digits as one-channel images
# --------------------------------

import time
import warnings

from _util import epochs, output_path, use_agg
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import ConfusionMatrixDisplay
from sklearn.model_selection import train_test_split

from skdl import ConvClassifier

use_agg()
import matplotlib.pyplot as plt  # noqa: E402

# A fixed budget of epochs: sklearn's convergence test (loss still improving
# by more than tol) would warn that training could go on.
warnings.filterwarnings("ignore", category=ConvergenceWarning)

X, y = load_digits(return_X_y=True)
images = X.reshape(-1, 8, 8, 1) / 16.0  # pixels 0..16 -> [0, 1]
X_train, X_test, y_train, y_test = train_test_split(
    images, y, test_size=0.25, stratify=y, random_state=0
)
print(f"{len(X_train)} training and {len(X_test)} test images of 8x8 pixels")

# %%
# Train both networks
# -------------------

EPOCHS = epochs(30, 3)
models = {
    "default": ConvClassifier(max_iter=EPOCHS, random_state=0),
    "augmentation='light'": ConvClassifier(
        augmentation="light", max_iter=EPOCHS, random_state=0
    ),
}
for name, clf in models.items():
    start = time.perf_counter()
    clf.fit(X_train, y_train)
    seconds = time.perf_counter() - start
    accuracy = clf.score(X_test, y_test)
    print(
        f"{name:>22}: test accuracy {accuracy:.4f}, "
        f"{clf.n_iter_} epochs in {seconds:.1f} s"
    )

# %%
# Training loss per epoch
# -----------------------
# Augmented images are harder to fit: the loss falls more slowly, the price
# of a network that has seen shifted and rotated digits.

fig, ax = plt.subplots(figsize=(6, 4))
for name, clf in models.items():
    ax.plot(range(1, clf.n_iter_ + 1), clf.loss_curve_, label=name)
ax.set(xlabel="epoch", ylabel="training loss", yscale="log")
ax.set_title("ConvClassifier on sklearn's digits")
ax.legend()
fig.tight_layout()
fig.savefig(output_path("cnn_digits_curves.png"), dpi=100)

# %%
# Which digits are confused
# -------------------------

fig, ax = plt.subplots(figsize=(5, 5))
ConfusionMatrixDisplay.from_estimator(
    models["default"], X_test, y_test, ax=ax, colorbar=False
)
ax.set_title("Default ConvClassifier, test images")
fig.tight_layout()
fig.savefig(output_path("cnn_digits_confusion.png"), dpi=100)
print(f"saved the figures in {output_path('')}")
