"""Report plots saved as image files, drawn with scikit-learn's displays.

The figures are plain ``matplotlib.figure.Figure`` objects, not pyplot
figures: saving one changes no global matplotlib state and needs no display.
matplotlib is optional (``pip install "skdl[plot]"``); without it these
functions raise an ImportError that says so.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["save_confusion_matrix", "save_roc_curve"]


def _new_axes(figsize: tuple[float, float]):
    try:
        from matplotlib.figure import Figure
    except ImportError as exc:  # pragma: no cover - matplotlib is a test extra
        raise ImportError(
            "Saving plots needs matplotlib; install it with "
            '`pip install matplotlib` (or `pip install "skdl[plot]"`).'
        ) from exc
    fig = Figure(figsize=figsize, layout="constrained")
    return fig, fig.add_subplot()


def _save(fig, path: str | os.PathLike) -> Path:
    path = Path(path)
    fig.savefig(path, dpi=100)
    return path


def save_confusion_matrix(
    y_true, y_pred, path: str | os.PathLike, *, display_labels=None, title=None
) -> Path:
    """Draw a confusion matrix and save it as an image file.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_pred : array-like of shape (n_samples,)
        Predicted labels.
    path : str or path-like
        Image file to write; the suffix picks the format (``.png``...).
    display_labels : list of str, default=None
        Names of the classes on the axes; by default the labels themselves.
    title : str, default=None
        Title above the matrix.

    Returns
    -------
    path : pathlib.Path
        The file written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from skdl.plotting import save_confusion_matrix
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     out = save_confusion_matrix([0, 1, 1], [0, 1, 0],
    ...                                 pathlib.Path(tmp) / "cm.png")
    ...     out.stat().st_size > 0
    True
    """
    from sklearn.metrics import ConfusionMatrixDisplay

    fig, ax = _new_axes((4.5, 4.0))
    ConfusionMatrixDisplay.from_predictions(
        y_true, y_pred, display_labels=display_labels, ax=ax, colorbar=False
    )
    if title:
        ax.set_title(title)
    return _save(fig, path)


def save_roc_curve(
    y_true, y_score, path: str | os.PathLike, *, name=None, title=None
) -> Path:
    """Draw a ROC curve (with its AUC) and save it as an image file.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True binary labels.
    y_score : array-like of shape (n_samples,)
        Scores of the positive class, such as ``predict_proba(X)[:, 1]``.
    path : str or path-like
        Image file to write; the suffix picks the format (``.png``...).
    name : str, default=None
        Name of the model in the legend.
    title : str, default=None
        Title above the curve.

    Returns
    -------
    path : pathlib.Path
        The file written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from skdl.plotting import save_roc_curve
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     out = save_roc_curve([0, 1, 1, 0], [0.1, 0.8, 0.4, 0.3],
    ...                          pathlib.Path(tmp) / "roc.png")
    ...     out.stat().st_size > 0
    True
    """
    from sklearn.metrics import RocCurveDisplay

    fig, ax = _new_axes((4.5, 4.5))
    RocCurveDisplay.from_predictions(
        y_true, y_score, name=name, ax=ax, plot_chance_level=True
    )
    if title:
        ax.set_title(title)
    return _save(fig, path)
