"""Per-epoch progress output: a bar (``verbose=1``) or one line (``verbose=2``)."""

from __future__ import annotations

import sys

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
            self._bar.update(self._bar._seen_so_far, finalize=True)


class EpochLogger(keras.callbacks.Callback):
    """Print one line of metrics at the end of every epoch.

    Parameters
    ----------
    stream : file-like, default=sys.stdout
        Where to write.
    """

    def __init__(self, stream=None):
        super().__init__()
        self.stream = stream

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        parts = " - ".join(f"{k}: {float(v):.6g}" for k, v in logs.items())
        out = self.stream if self.stream is not None else sys.stdout
        print(f"Epoch {epoch + 1}: {parts}", file=out, flush=True)


def progress_callbacks(verbose: int, epochs: int) -> list:
    """The progress callback for a ``verbose`` level (none for 0)."""
    if not verbose:
        return []
    if int(verbose) == 1:
        return [EpochProgressBar(epochs)]
    return [EpochLogger()]
