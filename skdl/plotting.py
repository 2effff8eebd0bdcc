"""Plots of training: loss and metric curves per epoch.

matplotlib is an optional dependency (``pip install skdl[plot]``); it is
imported only when a plot is drawn.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["plot_history"]


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
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skdl import plot_history
    >>> fig = plot_history({"loss": [0.9, 0.5, 0.4], "val_loss": [1.0, 0.7, 0.6]})
    >>> [ax.get_title() for ax in fig.axes]
    ['loss']
    """
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ImportError(
            "plot_history needs matplotlib: pip install 'skdl[plot]'"
        ) from exc
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
    fig, axes = plt.subplots(1, len(names), figsize=size, squeeze=False)
    for ax, name in zip(axes[0], names, strict=True):
        _draw_metric(ax, name, histories)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
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
