"""An autoencoder on handwritten digits: a learned code, compared with PCA.

Usage::

    python examples/autoencoder_digits.py

Uses scikit-learn's bundled 8x8 digits (offline), scaled to [0, 1]. Fits
a 16-component AutoencoderTransformer and PCA(16) and prints both
reconstruction errors; puts the 16-number codes in front of a logistic
regression (3-fold accuracy); then fits a 2-component autoencoder and saves
``autoencoder_digits_code.png``, the 2-D code of every digit coloured by
its label, and ``autoencoder_digits_reconstructions.png`` (originals above
their reconstructions). ``SKDL_EXAMPLES_FAST=1`` runs a quick version.
"""

from __future__ import annotations

import warnings

import numpy as np
from _util import FAST, epochs, output_path
from matplotlib.figure import Figure  # no pyplot: files only, never a window
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline

from skdl import AutoencoderTransformer

# The fast mode stops after a few epochs, on purpose.
if FAST:
    warnings.filterwarnings("ignore", category=ConvergenceWarning)


def mse(X: np.ndarray, reconstruction: np.ndarray) -> float:
    return float(np.mean((X - reconstruction) ** 2))


def main() -> None:
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

    pipe = make_pipeline(
        AutoencoderTransformer(16, max_iter=max_iter, random_state=0),
        LogisticRegression(max_iter=1000),
    )
    print(
        f"Autoencoder codes + logistic regression, 3-fold accuracy: "
        f"{cross_val_score(pipe, X, y, cv=3).mean():.3f}"
    )

    ae2 = AutoencoderTransformer(2, max_iter=max_iter, random_state=0)
    codes = ae2.set_output(transform="pandas").fit_transform(X)
    fig = Figure(figsize=(6, 5))
    ax = fig.subplots()
    points = ax.scatter(codes.iloc[:, 0], codes.iloc[:, 1], c=y, cmap="tab10", s=6)
    fig.colorbar(points, ax=ax, label="digit")
    ax.set_xlabel(codes.columns[0])
    ax.set_ylabel(codes.columns[1])
    ax.set_title("2-D autoencoder code of the digits")
    path = output_path("autoencoder_digits_code.png")
    fig.savefig(path, dpi=100)
    print(f"2-D code of {len(codes)} digits plotted in {path}")

    recon = ae.inverse_transform(ae.transform(X[:8]))
    fig = Figure(figsize=(8, 2.2))
    axes = fig.subplots(2, 8)
    for i in range(8):
        axes[0, i].imshow(X[i].reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
        axes[1, i].imshow(recon[i].reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
        axes[0, i].axis("off")
        axes[1, i].axis("off")
    path = output_path("autoencoder_digits_reconstructions.png")
    fig.savefig(path, dpi=100)
    print(f"Originals and reconstructions in {path}")


if __name__ == "__main__":
    main()
