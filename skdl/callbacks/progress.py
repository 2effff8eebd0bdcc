"""Per-epoch progress output: a bar (``verbose=1``) or one line (``verbose=2``)."""

from __future__ import annotations

import sys

from .._training.keras_compat import progbar_seen
from ..backend import import_keras

keras = import_keras()

__all__ = ["EpochLogger", "EpochProgressBar", "progress_callbacks"]


class EpochProgressBar(keras.callbacks.Callback):
    """A progress bar over epochs, with the latest metrics beside it.

    It uses Keras' ``Progbar``, which redraws in place in a terminal and
    in Jupyter, and prints plain lines when output is redirected to a file.

    Parameters
    ----------
    epochs : int
        Number of epochs the bar counts to.
    """

    def __init__(self, epochs: int):
        super().__init__()
        self.epochs = epochs
        self._bar = None

    def on_train_begin(self, logs=None):
        self._bar = keras.utils.Progbar(self.epochs, unit_name="epoch")

    def on_epoch_end(self, epoch, logs=None):
        values = [(k, float(v)) for k, v in (logs or {}).items()]
        self._bar.update(epoch + 1, values=values, finalize=False)

    def on_train_end(self, logs=None):
        if self._bar is not None:
            self._bar.update(progbar_seen(self._bar), finalize=True)


class EpochLogger(keras.callbacks.Callback):
    """Print a line of metrics at the end of every ``every``-th epoch.

    Parameters
    ----------
    every : int, default=1
        Print after epochs ``every``, ``2 * every``...
    total : int or None, default=None
        Total epochs, shown as ``epoch 10/100`` when given.
    metrics : sequence of str or None, default=None
        Metrics to print; default all in the epoch logs.
    stream : file-like, default=sys.stdout
        Where to write.

    Examples
    --------
    >>> from skdl.callbacks import EpochLogger
    >>> log = EpochLogger(every=2, total=4, metrics=["loss"])
    >>> for epoch in range(4):
    ...     log.on_epoch_end(epoch, {"loss": 1.0 / (epoch + 1), "accuracy": 0.5})
      epoch 2/4: loss 0.5
      epoch 4/4: loss 0.25
    """

    def __init__(self, every=1, total=None, metrics=None, stream=None):
        super().__init__()
        self.every = every
        self.total = total
        self.metrics = metrics
        self.stream = stream

    def on_epoch_end(self, epoch, logs=None):
        done = epoch + 1
        if done % max(1, int(self.every)):
            return
        logs = logs or {}
        names = list(logs) if self.metrics is None else list(self.metrics)
        parts = ", ".join(f"{k} {float(logs[k]):.6g}" for k in names if k in logs)
        count = f"{done}/{self.total}" if self.total else f"{done}"
        out = self.stream if self.stream is not None else sys.stdout
        print(f"  epoch {count}: {parts}", file=out, flush=True)


def progress_callbacks(verbose: int, epochs: int) -> list:
    """The progress callback for a ``verbose`` level (none for 0)."""
    if not verbose:
        return []
    if int(verbose) == 1:
        return [EpochProgressBar(epochs)]
    return [EpochLogger()]
