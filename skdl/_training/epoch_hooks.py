"""Work done at epoch boundaries for callers outside the network's own fit.

Training runs whole compiled epochs; between two epochs Python already
drives the Keras callbacks (see :mod:`.loop`). Observers added here
are Keras callbacks with epoch hooks only, so they keep the compiled path.
They are added to a fit only when asked for: a plain fit has none.

* :class:`EpochSnapshots`: the weights a fit stopped after epoch ``k``
  would end with, for chosen ``k`` (used by
  :class:`skdl.model_selection.EpochSearchCV` to score one long fit at
  several epoch counts);
* scikit-learn's callbacks, one task per epoch (see
  :mod:`skdl._sklearn_callbacks`).
"""

from __future__ import annotations

import functools
import time
from typing import Any

import numpy as np

__all__ = [
    "EpochSnapshots",
    "epoch_observers",
    "restored_weights",
    "weights_if_stopped",
]

# Private attribute through which a caller asks a fit for snapshots.
SNAPSHOTS_ATTRIBUTE = "_skdl_epoch_snapshots"


class EpochSnapshots:
    """Weights and elapsed times recorded at chosen epoch counts of one fit.

    Parameters
    ----------
    epochs : iterable of int
        Epoch counts (1-based) after which to record.

    Attributes
    ----------
    weights : dict of int to list of ndarray
        ``weights[k]``: the network's weights as a fit with ``max_iter=k``
        would end with them (the best ones so far under early stopping).
    times : dict of int to float
        Seconds from the creation of this object (just before ``fit``) to
        the end of epoch ``k``.
    """

    def __init__(self, epochs):
        self.epochs = frozenset(int(k) for k in epochs)
        self.weights: dict[int, list[np.ndarray]] = {}
        self.times: dict[int, float] = {}
        self.start = time.perf_counter()


def restored_weights(callbacks: list) -> list[np.ndarray] | None:
    """The weights ``callbacks`` would restore if training stopped now.

    Callbacks that restore weights at the end of training (sklearn-style
    early stopping, :class:`~skdl.callbacks.BestModelCheckpoint`, Keras'
    ``EarlyStopping(restore_best_weights=True)``) restore them in list
    order, so the last one holding weights decides. ``None``: none would.
    """
    for callback in reversed(callbacks):
        weights = _restored_weights(callback)
        if weights is not None:
            return weights
    return None


def weights_if_stopped(model: Any, callbacks: list) -> list[np.ndarray]:
    """The weights training would end with if it stopped now."""
    restored = restored_weights(callbacks)
    return model.get_weights() if restored is None else restored


def _restored_weights(callback) -> list | None:
    own = getattr(callback, "restored_weights", None)
    if own is not None:
        return own()
    from ..backend import import_keras

    early_stopping = import_keras().callbacks.EarlyStopping
    if isinstance(callback, early_stopping) and callback.restore_best_weights:
        return callback.best_weights
    return None


def epoch_observers(estimator: Any, callbacks: list) -> list:
    """Epoch-level Keras callbacks a caller asked ``estimator`` to run.

    ``callbacks`` are the fit's other callbacks; the observers go after
    them, so they see each epoch once those have acted on it.
    """
    observers = []
    snapshots = getattr(estimator, SNAPSHOTS_ATTRIBUTE, None)
    if snapshots is not None:
        observers.append(_snapshot_callback_class()(snapshots, callbacks))
    return observers


@functools.cache
def _snapshot_callback_class():
    from ..backend import import_keras

    keras = import_keras()

    class SnapshotCallback(keras.callbacks.Callback):
        """Record :class:`EpochSnapshots` at the end of the chosen epochs."""

        def __init__(self, snapshots: EpochSnapshots, callbacks: list):
            super().__init__()
            self.snapshots = snapshots
            self.callbacks = callbacks

        def on_epoch_end(self, epoch, logs=None):
            done = epoch + 1
            if done in self.snapshots.epochs:
                weights = weights_if_stopped(self.model, self.callbacks)
                self.snapshots.weights[done] = [np.array(w) for w in weights]
                elapsed = time.perf_counter() - self.snapshots.start
                self.snapshots.times[done] = elapsed

    return SnapshotCallback
