"""Per-epoch progress output."""

from __future__ import annotations

import sys

from ..backend import import_keras

keras = import_keras()

__all__ = ["EpochLogger"]


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
