"""
An autoencoder on handwritten digits: a learned code, compared with PCA
=======================================================================

scikit-learn's bundled 8x8 digits (offline), scaled to [0, 1]. A
16-component :class:`~skdl.AutoencoderTransformer` and ``PCA(16)`` compress
them and their reconstruction errors are compared; the 16-number codes go in
front of a logistic regression (3-fold accuracy); a 2-component autoencoder
then draws the 2-D code of every digit, coloured by its label, and the
originals above their reconstructions.

Run it: ``python examples/autoencoder_digits.py``
"""

# %%
# A 16-number code, against PCA
# -----------------------------

import warnings

import numpy as np
from _util import FAST, epochs, output_path, use_agg
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline

from skdl import AutoencoderTransformer

use_agg()
import matplotlib.pyplot as plt  # noqa: E402

# The fast mode stops after a few epochs, on purpose.
if FAST:
    warnings.filterwarnings("ignore", category=ConvergenceWarning)


def mse(X: np.ndarray, reconstruction: np.ndarray) -> float:
    return float(np.mean((X - reconstruction) ** 2))


X, y = load_digits(return_X_y=True)
X = X / 16.0  # pixels 0..16 -> [0, 1]
if FAST:
    X, y = X[:600], y[:600]
max_iter = epochs(200, 5)

ae = AutoencoderTransformer(16, max_iter=max_iter, random_state=0).fit(X)
pca = PCA(16).fit(X)
print(
    f"Reconstruction error (MSE), 16 components: autoencoder "
    f"{mse(X, ae.inverse_transform(ae.transform(X))):.4f}, "
    f"PCA {mse(X, pca.inverse_transform(pca.transform(X))):.4f}"
)

# %%
# The codes as features of a classifier
# -------------------------------------

pipe = make_pipeline(
    AutoencoderTransformer(16, max_iter=max_iter, random_state=0),
    LogisticRegression(max_iter=1000),
)
print(
    f"Autoencoder codes + logistic regression, 3-fold accuracy: "
    f"{cross_val_score(pipe, X, y, cv=3).mean():.3f}"
)

# %%
# The 2-D code of every digit
# ---------------------------
# ``set_output(transform="pandas")`` names the code's columns.

ae2 = AutoencoderTransformer(2, max_iter=max_iter, random_state=0)
codes = ae2.set_output(transform="pandas").fit_transform(X)
fig, ax = plt.subplots(figsize=(6, 5))
points = ax.scatter(codes.iloc[:, 0], codes.iloc[:, 1], c=y, cmap="tab10", s=6)
fig.colorbar(points, ax=ax, label="digit")
ax.set_xlabel(codes.columns[0])
ax.set_ylabel(codes.columns[1])
ax.set_title("2-D autoencoder code of the digits")
fig.savefig(output_path("autoencoder_digits_code.png"), dpi=100)
print(f"2-D code of {len(codes)} digits")

# %%
# Originals above their reconstructions
# -------------------------------------
# From the 16-component autoencoder.

recon = ae.inverse_transform(ae.transform(X[:8]))
fig, axes = plt.subplots(2, 8, figsize=(8, 2.2))
for i in range(8):
    axes[0, i].imshow(X[i].reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
    axes[1, i].imshow(recon[i].reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
    axes[0, i].axis("off")
    axes[1, i].axis("off")
fig.savefig(output_path("autoencoder_digits_reconstructions.png"), dpi=100)
