"""Plots: training curves, and report plots drawn with scikit-learn's displays.

The figures are plain ``matplotlib.figure.Figure`` objects, not pyplot
figures: drawing or saving one changes no global matplotlib state and needs
no display. matplotlib is optional (``pip install "skdl[plot]"``); without it
these functions raise an ImportError that says so.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = ["plot_history", "save_confusion_matrix", "save_roc_curve"]


def _new_figure(figsize: tuple[float, float]):
    try:
        from matplotlib.figure import Figure
    except ImportError as exc:  # pragma: no cover - matplotlib is a test extra
        raise ImportError(
            "Plotting needs matplotlib; install it with "
            '`pip install matplotlib` (or `pip install "skdl[plot]"`).'
        ) from exc
    return Figure(figsize=figsize, layout="constrained")


def _new_axes(figsize: tuple[float, float]):
    fig = _new_figure(figsize)
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


def _as_history(obj: Any) -> dict[str, list[float]]:
    """Return the per-epoch history dict held by ``obj``."""
    if isinstance(obj, Mapping):
        return {str(k): list(v) for k, v in obj.items()}
    history = getattr(obj, "history_", None)
    if history is None:
        # A Keras ``History`` callback (returned by ``model.fit``).
        history = getattr(obj, "history", None)
    if not isinstance(history, Mapping):
        raise TypeError(
            "plot_history expects a fitted skdl estimator, a Keras History, a "
            f"dict of per-epoch lists, or a list of those; got {type(obj)}."
        )
    return {str(k): list(v) for k, v in history.items()}


def _metric_names(histories: list[dict]) -> list[str]:
    names: list[str] = []
    for hist in histories:
        for key in hist:
            base = key[4:] if key.startswith("val_") else key
            if base not in names:
                names.append(base)
    # Loss first, then the other metrics in the order first seen.
    return sorted(names, key=lambda n: n != "loss")


def plot_history(
    estimator_or_history: Any,
    metrics: Sequence[str] | None = None,
    *,
    figsize: tuple[float, float] | None = None,
    title: str | None = None,
):
    """Draw training curves: one panel per metric, validation dashed.

    Parameters
    ----------
    estimator_or_history : estimator, History, dict or list of those
        A fitted skdl estimator (its ``history_``), the ``History`` that
        Keras' ``fit`` returns, a dict of per-epoch lists, or a list of any
        of these (e.g. the folds of
        ``cross_validate(..., return_estimator=True)``), drawn together.
    metrics : sequence of str, default=None
        Metrics to draw (``'loss'``, ``'accuracy'``...); their ``val_``
        twins are drawn beside them. Default: every metric present.
    figsize : tuple of float, default=None
        Figure size in inches; default is 5 x 3.5 per panel.
    title : str, default=None
        Figure title.

    Returns
    -------
    fig : matplotlib.figure.Figure
        The figure; save it with ``fig.savefig("history.png")``.

    Examples
    --------
    >>> from skdl import plot_history
    >>> fig = plot_history({"loss": [0.9, 0.5, 0.4], "val_loss": [1.0, 0.7, 0.6]})
    >>> [ax.get_title() for ax in fig.axes]
    ['loss']
    """
    many = isinstance(estimator_or_history, list | tuple)
    items = list(estimator_or_history) if many else [estimator_or_history]
    if not items:
        raise ValueError("plot_history got an empty list: nothing to draw.")
    histories = [_as_history(item) for item in items]
    names = list(metrics) if metrics is not None else _metric_names(histories)
    known = set(_metric_names(histories))
    missing = [n for n in names if n not in known]
    if missing:
        raise ValueError(
            f"Metrics {missing} are not in the history; available: {sorted(known)}."
        )
    size = figsize or (5.0 * len(names), 3.5)
    fig = _new_figure(size)
    axes = fig.subplots(1, len(names), squeeze=False)
    for ax, name in zip(axes[0], names, strict=True):
        _draw_metric(ax, name, histories)
    if title:
        fig.suptitle(title)
    return fig


def _draw_metric(ax, name: str, histories: list[dict]) -> None:
    for i, hist in enumerate(histories):
        color = f"C{i % 10}"
        label = f"run {i + 1}" if len(histories) > 1 else "train"
        if name in hist:
            epochs = range(1, len(hist[name]) + 1)
            ax.plot(epochs, hist[name], color=color, label=label)
        val = f"val_{name}"
        if val in hist:
            epochs = range(1, len(hist[val]) + 1)
            vlabel = f"{label} (validation)" if len(histories) > 1 else "validation"
            ax.plot(epochs, hist[val], color=color, linestyle="--", label=vlabel)
    ax.set_title(name)
    ax.set_xlabel("epoch")
    ax.legend()
